// Open a report's HTML file in Debian's Chromium (headless) and report as JSON what it
// requested besides itself, the dialogs it opened, what the hostile text became, and a
// print to PDF; tests/report.rs asserts on it.
//   node report_check.mjs REPORT.html HOSTILE_TEXT
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";

const [file, hostile] = process.argv.slice(2);
const url = pathToFileURL(file).href;
const report = { requests: [], dialogs: [] };
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  page.on("request", (r) => { if (r.url() !== url) report.requests.push(r.url()); });
  page.on("dialog", async (d) => { report.dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(url, { waitUntil: "networkidle" });
  report.title = await page.title();
  report.svgs = await page.evaluate(() => document.querySelectorAll("svg").length);
  report.imgs = await page.evaluate(() => document.querySelectorAll("img").length);
  report.hostile_as_text = await page.evaluate((h) => document.body.innerText.includes(h), hostile);
  report.print_bytes = (await page.pdf({ format: "A4" })).length;
} catch (e) {
  report.error = String(e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
