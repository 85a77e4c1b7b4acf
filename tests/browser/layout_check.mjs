// The web map for the city, in headless Chromium at 1,400 × 900: cluster names placed at
// the zoom the map opens at (below 9 too) without covering one another or leaving the
// map; the cluster table fitting its panel (rows scroll, columns do not); a district filter
// zooming to what it leaves; the plants shown following the clusters shown. JSON on
// stdout for tests/web_map.rs.
//   node layout_check.mjs BASE_URL DISTRICT
import { launch, mapIdle, openMap } from "./chromium.mjs";

const [base, district] = process.argv.slice(2);
const r = {};
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  r.error = await openMap(page, base);
  await mapIdle(page);
  const labels = () => page.evaluate(() => {
    const c = window.zdzMap.getCanvas();
    return { zoom: window.zdzMap.getZoom(), w: c.clientWidth, h: c.clientHeight, labels: window.zdzLabels || [] };
  });
  r.start = await labels();
  r.table = await page.evaluate(() => {
    const w = document.querySelector(".table-wrap");
    const cells = [...document.querySelectorAll("#table thead th")].map((th) => th.getBoundingClientRect().right);
    return { scroll: w.scrollWidth, client: w.clientWidth, right: Math.max(...cells), panel: w.getBoundingClientRect().right };
  });
  await page.selectOption("#f-district", district);
  await mapIdle(page);
  r.filtered = await labels();
  r.filtered.clusters = await page.evaluate(() => [...document.querySelectorAll("#table tbody tr")].map((tr) => tr.dataset.id));
  r.plants = await page.evaluate(() => {
    const shown = new Set(window.zdzMap.queryRenderedFeatures({ layers: ["plants-circle"] }).map((f) => f.properties.plant_id));
    return [...shown].sort();
  });
} catch (e) {
  r.error = String(e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(r));
