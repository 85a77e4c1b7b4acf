// Drive Debian's Chromium (headless, WebGL through SwiftShader) against `zdz serve`'s web
// map and report what it saw as JSON on stdout; tests/web_map.rs asserts on it.
//   node map_check.mjs BASE_URL SCREENSHOT.png OUTFALL_ID XSS_CLUSTER_ID
import { launch, mapIdle, openMap } from "./chromium.mjs";

const [base, shot, outfallId, xssId] = process.argv.slice(2);
const origin = new URL(base).origin;
const report = { requests: 0, outside: [], dialogs: [], console: [] };

const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("request", (r) => {
    report.requests += 1;
    const u = r.url();
    if (!(u.startsWith(origin) || u.startsWith("blob:") || u.startsWith("data:"))) report.outside.push(u);
  });
  page.on("dialog", async (d) => { report.dialogs.push(d.message()); await d.dismiss(); });
  page.on("console", (m) => { if (m.type() === "error") report.console.push(m.text()); });

  const idle = () => mapIdle(page);
  report.error = await openMap(page, base);
  report.webgl = await page.evaluate(() => {
    const c = window.zdzMap.getCanvas();
    const gl = c.getContext("webgl2") || c.getContext("webgl");
    return !!gl && !gl.isContextLost();
  });
  report.cjk_font = await page.evaluate(() => document.fonts.check('14px "Noto Sans CJK SC"', "组团"));

  // A view where clusters are drawn as themselves, not as points: around the XSS cluster.
  const target = await (await fetch(`${base}/collections/clusters/items/${encodeURIComponent(xssId)}`)).json();
  const coords = target.geometry.coordinates.flat(3);
  const xs = coords.filter((_, i) => i % 2 === 0), ys = coords.filter((_, i) => i % 2 === 1);
  const center = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  await page.evaluate((c) => window.zdzMap.jumpTo({ center: c, zoom: 10 }), center);
  await idle();

  const count = async () => page.evaluate(() => {
    const m = window.zdzMap;
    const b = m.getBounds();
    // Points count where their centre is in view (a circle at the edge is drawn, its
    // point is not in the view's bbox); polygons wherever they are drawn.
    const inView = (f) => f.geometry.type !== "Point" || b.contains(f.geometry.coordinates);
    const ids = (layer, key) => new Set(m.queryRenderedFeatures({ layers: [layer] }).filter(inView).map((f) => f.properties[key])).size;
    return {
      bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
      clusters: ids("clusters-fill", "cluster_id"),
      outfalls: ids("outfalls-circle", "outfall_id"),
      problems: ids("problems-circle", "problem_id"),
    };
  });
  const expected = async (bbox, extra = "") => {
    const q = `bbox=${bbox.join(",")}&limit=10000${extra}`;
    const n = async (c) => (await (await fetch(`${base}/collections/${c}/items?${q}`)).json()).numberMatched;
    return { clusters: await n("clusters"), outfalls: await n("outfalls"), problems: await n("problems") };
  };
  report.rendered = await count();
  report.expected = await expected(report.rendered.bbox);
  // Below zoom 12 a tile may leave out a problem drawn on the same pixel as another; from
  // zoom 12 on none is left out.
  await page.evaluate((c) => window.zdzMap.jumpTo({ center: c, zoom: 12 }), center);
  await idle();
  report.rendered_z12 = await count();
  report.expected_z12 = await expected(report.rendered_z12.bbox);
  await page.evaluate((c) => window.zdzMap.jumpTo({ center: c, zoom: 10 }), center);
  await idle();

  // The deadline filter: only that deadline's clusters stay.
  const deadline = "2027-12-31";
  await page.selectOption("#f-deadline", deadline);
  await idle();
  report.filtered = await count();
  report.filtered_expected = (await expected(report.filtered.bbox, `&deadline=${deadline}`)).clusters;
  // The filter zooms to what it leaves: every cluster of that deadline is in view.
  report.filtered_total = await page.evaluate(async (d) => (await (await fetch(`/api/clusters?deadline=${d}&limit=1000`)).json()).numberMatched, deadline);
  report.total = await page.evaluate(async () => (await (await fetch("/api/clusters?limit=1000")).json()).numberMatched);
  report.hash_after_filter = await page.evaluate(() => location.hash);
  await page.selectOption("#f-deadline", "");
  await idle();

  // The escaped name: shown as text in the table, no element made of it, no alert.
  report.xss_cell = await page.evaluate((id) => {
    const row = document.querySelector(`#table tbody tr[data-id="${CSS.escape(id)}"]`);
    return row ? row.cells[0].textContent : null;
  }, xssId);
  report.injected_img = await page.evaluate(() => document.querySelectorAll('img[src="x"]').length);

  // Click the outfall: its trace, exactly, is highlighted and listed.
  const of = await (await fetch(`${base}/collections/outfalls/items/${encodeURIComponent(outfallId)}`)).json();
  await page.evaluate((c) => window.zdzMap.jumpTo({ center: c, zoom: 15 }), of.geometry.coordinates);
  await idle();
  const px = await page.evaluate((c) => {
    const p = window.zdzMap.project(c);
    const r = window.zdzMap.getCanvas().getBoundingClientRect();
    return [r.left + p.x, r.top + p.y];
  }, of.geometry.coordinates);
  await page.mouse.click(px[0], px[1]);
  await page.waitForFunction(() => window.zdzTrace, null, { timeout: 30000 });
  await idle();
  report.trace_clicked = await page.evaluate(() => window.zdzTrace);
  report.trace_api = await (await fetch(`${base}/api/outfalls/${encodeURIComponent(outfallId)}/trace`)).json().then((t) => ({
    pipes: t.features.filter((f) => f.properties.role === "pipe").map((f) => f.properties.pipe_id),
    enterprises: t.features.filter((f) => f.properties.role === "enterprise").map((f) => f.properties.enterprise_id),
  }));
  report.trace_state = await page.evaluate(() => {
    const m = window.zdzMap;
    const pipes = new Set(m.queryRenderedFeatures({ layers: ["pipes-line"] }).map((f) => f.properties.pipe_id));
    const lit = [...pipes].filter((id) => m.getFeatureState({ source: "pipes", sourceLayer: "pipes", id }).trace);
    return { rendered_pipes: pipes.size, highlighted: lit.sort() };
  });
  report.detail_text = await page.evaluate(() => document.getElementById("detail-body").textContent);
  report.hash_after_click = await page.evaluate(() => location.hash);

  // Not blank: the map canvas has many colours.
  report.colours = await page.evaluate(() => {
    const src = window.zdzMap.getCanvas();
    const c = document.createElement("canvas");
    c.width = 200; c.height = 130;
    const g = c.getContext("2d");
    g.drawImage(src, 0, 0, c.width, c.height);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add(`${d[i] >> 3},${d[i + 1] >> 3},${d[i + 2] >> 3}`);
    return seen.size;
  });
  // The overview for the README: the whole demo, the trace still shown.
  await page.evaluate(() => window.zdzMap.zoomTo(13, { duration: 0 }));
  await idle();
  await page.screenshot({ path: shot });
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report));
