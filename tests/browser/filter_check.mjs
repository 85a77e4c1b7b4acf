// The web map's 整改状态 filter in headless Chromium: whether it shows, what it offers,
// and what choosing its first status leaves on the map. JSON on stdout for
// tests/web_map.rs.
//   node filter_check.mjs BASE_URL
import { chromium } from "playwright-core";

const [base] = process.argv.slice(2);
const report = {};
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic",
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const idle = async () => {
    await page.evaluate(() => { window.zdzIdle = false; window.zdzMap.triggerRepaint(); });
    await page.waitForFunction(() => window.zdzIdle === true && window.zdzMap.loaded(), null, { timeout: 60000 });
  };
  await page.goto(`${base}/map`);
  await page.waitForFunction(() => window.zdzReady === true || window.zdzError, null, { timeout: 60000 });
  report.error = await page.evaluate(() => window.zdzError || null);
  await page.waitForFunction(() => window.zdzMap && window.zdzMap.loaded(), null, { timeout: 60000 });
  await idle();
  report.visible = await page.evaluate(() => getComputedStyle(document.getElementById("ledger-filter")).display !== "none");
  report.options = await page.evaluate(() => [...document.querySelectorAll("#f-status option")].map((o) => o.value).filter((v) => v));
  const rendered = () => page.evaluate(() => new Set(window.zdzMap.queryRenderedFeatures({ layers: ["problems-circle"] }).map((f) => f.properties.problem_id)).size);
  report.problems_before = await rendered();
  if (report.options.length) {
    report.chosen = report.options[0];
    await page.selectOption("#f-status", report.chosen);
    await idle();
    report.problems_after = await rendered();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
