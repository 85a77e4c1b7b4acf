// The pages work without script. This adds two things: a form is not sent twice while a
// phone's slow connection carries it; and a form marked `data-outbox` (记录排查) that
// cannot be sent, because there is no signal at the riverbank, is kept in the browser
// (IndexedDB, photo included) and sent when the connection returns. The page says how
// many are waiting. Each kept form carries its own inspection id, so one sent twice (its
// answer was lost) is kept once by the service.

const DB = "zdz-outbox";
const STORE = "forms";

function open() {
  return new Promise((ok, fail) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE, { autoIncrement: true });
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
}

async function store(mode, work) {
  const db = await open();
  return new Promise((ok, fail) => {
    const t = db.transaction(STORE, mode);
    const out = work(t.objectStore(STORE));
    t.oncomplete = () => ok(out && out.result);
    t.onerror = () => fail(t.error);
  });
}

const keep = (item) => store("readwrite", (s) => s.add(item));
const drop = (key) => store("readwrite", (s) => s.delete(key));
async function kept() {
  const db = await open();
  return new Promise((ok, fail) => {
    const out = [];
    const c = db.transaction(STORE).objectStore(STORE).openCursor();
    c.onsuccess = () => {
      const cur = c.result;
      if (cur) { out.push([cur.key, cur.value]); cur.continue(); } else ok(out);
    };
    c.onerror = () => fail(c.error);
  });
}

/** A new random id for the next form (crypto.randomUUID needs a secure origin; this does not). */
function freshId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

async function showWaiting(justSent) {
  const line = document.querySelector("p.outbox");
  if (!line) return;
  const n = (await kept()).length;
  line.querySelector(".waiting").textContent = String(n);
  line.hidden = n === 0 && !justSent;
  if (n === 0 && justSent) line.textContent = line.dataset.sent;
  document.body.dataset.outbox = String(n);
}

function formData(entries) {
  const fd = new FormData();
  for (const [k, v] of entries) fd.append(k, v);
  return fd;
}

/** Send one form; "sent", "kept" (no connection, or signed out: try later) or the refusal's page. */
async function send(action, entries) {
  let r;
  try {
    r = await fetch(action, { method: "POST", body: formData(entries), credentials: "same-origin" });
  } catch {
    return { state: "kept" };
  }
  if (r.ok && new URL(r.url).pathname.startsWith("/signin")) return { state: "kept" };
  if (r.ok) return { state: "sent", url: r.url };
  if (r.status >= 500) return { state: "kept" };
  return { state: "refused", html: await r.text() };
}

let flushing = false;
async function flush() {
  if (flushing) return;
  flushing = true;
  let sent = 0;
  try {
    for (const [key, item] of await kept()) {
      const r = await send(item.action, item.entries);
      if (r.state === "kept") break;
      await drop(key);
      if (r.state === "sent") sent += 1;
    }
  } finally {
    flushing = false;
  }
  await showWaiting(sent > 0);
  if (sent > 0) document.body.dataset.flushed = String(Number(document.body.dataset.flushed || 0) + sent);
}

function showPage(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const main = doc.querySelector("main");
  if (main) document.querySelector("main").replaceWith(main);
}

for (const form of document.querySelectorAll("form[method=post]")) {
  form.addEventListener("submit", async (e) => {
    const buttons = form.querySelectorAll("button[type=submit]");
    if (!form.dataset.outbox) {
      for (const b of buttons) b.disabled = true;
      return;
    }
    e.preventDefault();
    for (const b of buttons) b.disabled = true;
    const entries = [...new FormData(form).entries()];
    const r = await send(form.action, entries);
    if (r.state === "sent") {
      location.assign(r.url);
      return;
    }
    if (r.state === "refused") {
      showPage(r.html);
      return;
    }
    await keep({ action: form.action, entries, at: new Date().toISOString() });
    form.reset();
    const id = form.querySelector("input[name=inspection_id]");
    if (id) id.value = freshId();
    for (const b of buttons) b.disabled = false;
    await showWaiting(false);
  });
}

if (document.querySelector("p.outbox")) {
  window.addEventListener("online", flush);
  // Phones do not always say when the signal returns: try again now and then while forms wait.
  setInterval(() => { if (document.body.dataset.outbox !== "0") flush(); }, 20000);
  flush();
}
