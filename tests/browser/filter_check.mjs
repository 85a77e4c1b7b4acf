// The web map's 整改状态 filter in headless Chromium: whether it shows, what it offers,
// and what choosing its first status leaves on the map. JSON on stdout for
// tests/web_map.rs.
//   node filter_check.mjs BASE_URL
import { launch, mapIdle, openMap } from "./chromium.mjs";

const [base] = process.argv.slice(2);
const report = {};
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  report.error = await openMap(page, base);
  await mapIdle(page);
  report.visible = await page.evaluate(() => getComputedStyle(document.getElementById("ledger-filter")).display !== "none");
  report.options = await page.evaluate(() => [...document.querySelectorAll("#f-status option")].map((o) => o.value).filter((v) => v));
  const rendered = () => page.evaluate(() => new Set(window.zdzMap.queryRenderedFeatures({ layers: ["problems-circle"] }).map((f) => f.properties.problem_id)).size);
  report.problems_before = await rendered();
  // 建设进度: the rows per deadline, and the overdue clusters named.
  report.campaign = await page.evaluate(() => [...document.querySelectorAll("#campaign-table tbody tr")].map((tr) => [...tr.cells].map((c) => c.textContent)));
  report.overdue = await page.evaluate(() => document.getElementById("overdue").textContent);
  report.as_of = await page.evaluate(() => document.getElementById("as-of").textContent);
  report.demo_list = await page.evaluate(() => document.getElementById("demo-list").textContent);
  if (report.options.length) {
    report.chosen = report.options[0];
    await page.selectOption("#f-status", report.chosen);
    await mapIdle(page);
    report.problems_after = await rendered();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
