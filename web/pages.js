// The pages work without script; this only keeps a form from being sent twice while a
// phone's slow connection carries it.
for (const form of document.querySelectorAll("form[method=post]")) {
  form.addEventListener("submit", () => {
    for (const b of form.querySelectorAll("button[type=submit]")) b.disabled = true;
  });
}
