// The pages people work in, in Debian's Chromium (headless) at a desktop's 1,400 × 900 and
// a phone's 390 × 844: a district user signs in, moves a problem to 整改中 with a photo,
// sees both in the history; a second session's stale edit is answered with who changed it;
// another district's problem by URL is a 403 page; a post without the CSRF token is
// refused; the city's dashboard cells equal /api/ledger/progress; on the phone an
// inspection entered offline waits in the browser and is sent when the connection returns;
// sign-in is refused after repeated failures. Prints what it saw as JSON for
// tests/pages_browser.rs, and writes the screenshots into SHOTS.
//   node pages_check.mjs BASE SHOTS PROBLEM OTHER_PROBLEM OUTFALL DISTRICT_NAME DISTRICT_PASSWORD CITY_NAME CITY_PASSWORD
import { launch } from "./chromium.mjs";

const [base, shots, problem, other, outfall, dName, dPass, cName, cPass] = process.argv.slice(2);
const r = { outside: [], dialogs: [], console_errors: [] };
// A real 1×1 PNG, as a phone's camera would give a (larger) one.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==", "base64");

function watch(page) {
  page.on("request", (q) => { if (!q.url().startsWith(base) && !q.url().startsWith("data:") && !q.url().startsWith("blob:")) r.outside.push(q.url()); });
  page.on("dialog", async (d) => { r.dialogs.push(d.message()); await d.dismiss(); });
  // Script errors only: the refusals this script provokes (403, 409, 429) are logged too.
  page.on("console", (m) => { if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) r.console_errors.push(m.text()); });
  page.on("pageerror", (e) => r.console_errors.push(String(e)));
}

async function signIn(page, name, password, next = "/problems") {
  await page.goto(`${base}/signin?next=${encodeURIComponent(next)}`);
  await page.fill("input[name=name]", name);
  await page.fill("input[name=password]", password);
  await Promise.all([page.waitForNavigation(), page.click("form.signin button[type=submit]")]);
}

const browser = await launch();
try {
  const desktop = { viewport: { width: 1400, height: 900 }, locale: "zh-CN" };
  // --- A district user at a desk.
  const a = await browser.newContext(desktop);
  const pa = await a.newPage();
  watch(pa);
  // Not signed in, a page sends the browser to sign in, and back after it.
  await pa.goto(`${base}/problems`);
  r.sent_to_signin = new URL(pa.url()).pathname;
  await signIn(pa, dName, dPass);
  r.after_signin = new URL(pa.url()).pathname;
  r.cookie = (await a.cookies()).filter((c) => c.name === "zdz_session").map((c) => ({ httpOnly: c.httpOnly, sameSite: c.sameSite }))[0];
  r.list_has_problem = await pa.locator(`a[href="/problems/${problem}"]`).count();
  await pa.goto(`${base}/problems/${problem}`);
  await pa.selectOption("form.change select[name=status]", "in_progress");
  await pa.fill("form.change input[name=unit]", "茶园街道办事处");
  await pa.fill("form.change textarea[name=note]", "已进场施工");
  await Promise.all([pa.waitForURL(/saved=1/), pa.click("form.change button[type=submit]")]);
  await pa.setInputFiles("form.upload input[type=file]", { name: "现场照片.png", mimeType: "image/png", buffer: PNG });
  await Promise.all([pa.waitForNavigation(), pa.click("form.upload button[type=submit]")]);
  await pa.waitForFunction(() => [...document.querySelectorAll("ul.evidence img")].every((i) => i.complete));
  r.history = await pa.locator("table.history").innerText();
  r.photo_loaded = await pa.evaluate(() => [...document.querySelectorAll("ul.evidence img")].map((i) => i.naturalWidth));
  r.status_shown = await pa.locator(".facts .status").innerText();
  await pa.screenshot({ path: `${shots}/problem.png`, fullPage: true });
  // The map, from the problem's page: the problem selected, as the ledger has it now.
  await Promise.all([pa.waitForNavigation(), pa.click(".facts a[href^='/map']")]);
  await pa.waitForFunction(() => document.querySelector("#detail .ledger-status"), null, { timeout: 60000 });
  r.map_status = await pa.locator("#detail .ledger-status").innerText();
  r.map_link = await pa.locator("#detail .ledger-now a").getAttribute("href");

  // --- A stale edit: the district's page is open while the city changes the problem.
  const c = await browser.newContext(desktop);
  const pc = await c.newPage();
  watch(pc);
  await signIn(pc, cName, cPass);
  await pa.goto(`${base}/problems/${problem}`);
  await pc.goto(`${base}/problems/${problem}`);
  await pc.selectOption("form.change select[name=status]", "awaiting_review");
  await Promise.all([pc.waitForURL(/saved=1/), pc.click("form.change button[type=submit]")]);
  await pa.selectOption("form.change select[name=status]", "closed");
  const [stale] = await Promise.all([pa.waitForNavigation(), pa.click("form.change button[type=submit]")]);
  r.stale_status = stale.status();
  r.stale_text = await pa.locator("p.error").innerText();
  r.stale_version_shown = await pa.locator("form.change input[name=version]").inputValue();

  // --- Another district's problem by URL.
  const forbidden = await pa.goto(`${base}/problems/${other}`);
  r.other_status = forbidden.status();
  r.other_text = await pa.locator("main").innerText();

  // --- A post without the session's CSRF token (as another site's form would send it).
  await pa.goto(`${base}/problems`);
  r.csrfless_status = await pa.evaluate(async (id) => {
    const res = await fetch(`/problems/${id}`, { method: "POST", body: new URLSearchParams({ version: "9", status: "closed" }) });
    return res.status;
  }, problem);

  // --- The city's dashboard against the API.
  await pc.goto(`${base}/dashboard`);
  r.dashboard = await pc.evaluate(() => {
    const rows = {};
    for (const tr of document.querySelectorAll("table[data-by=district] tbody tr")) {
      const cells = {};
      for (const td of tr.querySelectorAll("td[data-k]")) cells[td.dataset.k] = td.innerText.trim();
      rows[tr.dataset.key] = cells;
    }
    return rows;
  });
  r.progress = await pc.evaluate(async () => (await fetch("/api/ledger/progress")).json());
  r.dashboard_fits = await pc.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  await pc.screenshot({ path: `${shots}/dashboard.png`, fullPage: false });

  // --- On a phone at the outfall: no signal, then signal.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: "zh-CN" });
  const pp = await phone.newPage();
  watch(pp);
  await signIn(pp, dName, dPass, `/outfalls/${encodeURIComponent(outfall)}`);
  r.phone_url = new URL(pp.url()).pathname;
  r.phone_fits = await pp.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  r.phone_form_width = await pp.evaluate(() => document.querySelector("form.inspect").getBoundingClientRect().width);
  await phone.setOffline(true);
  await pp.selectOption("form.inspect select[name=weather]", "晴");
  await pp.selectOption("form.inspect select[name=flowing]", "yes");
  await pp.fill("form.inspect textarea[name=note]", "晴天排口有水流出（离线录入）");
  await pp.setInputFiles("form.inspect input[name=photo]", { name: "排口.png", mimeType: "image/png", buffer: PNG });
  await pp.click("form.inspect button[type=submit]");
  await pp.waitForFunction(() => document.body.dataset.outbox === "1", null, { timeout: 15000 });
  r.outbox_text = await pp.locator("p.outbox").innerText();
  r.outbox_visible = await pp.locator("p.outbox").isVisible();
  await pp.screenshot({ path: `${shots}/phone-inspection.png`, fullPage: true });
  await phone.setOffline(false);
  await pp.waitForFunction(() => document.body.dataset.flushed === "1" && document.body.dataset.outbox === "0", null, { timeout: 30000 });
  r.after_online = await pp.locator("p.outbox").innerText();

  // --- Repeated failed sign-ins.
  const t = await browser.newContext(desktop);
  const pt = await t.newPage();
  watch(pt);
  for (let i = 0; i < 5; i++) await signIn(pt, cName, "not-the-password");
  await signIn(pt, cName, cPass);
  r.throttled_text = await pt.locator("p.error").innerText();
  r.throttled_url = new URL(pt.url()).pathname;
} catch (e) {
  r.error = String(e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(r));
