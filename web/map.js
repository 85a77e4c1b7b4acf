// zdz 一张图: the web map of `zdz serve`. Everything it loads comes from the server it was
// served by (tiles, style, API, MapLibre itself): it works on a network with no internet.
// Every text that comes from data is put in the page with textContent, never as HTML.
import * as maplibregl from "/map/vendor/maplibre-gl.mjs";

const UI = {
  zh: {
    title: "工业园区“污水零直排区”一张图", filters: "筛选", deadline: "完成时限", district: "区县",
    park: "园区", readiness: "验收状态", campaign: "建设进度", overdue: "逾期组团", as_of: "截至",
    demo_list: "示范清单", demo_candidates: "示范备选", code: "问题类型", ledger_status: "整改状态", clusters: "组团",
    search: "搜索组团、园区、区县", cluster: "组团", score: "得分", problems: "问题", legend: "图例",
    provisional: "得分依暂行评分细则（正式细则未到）", all: "全部", lang: "English",
    trace: "上游溯源", trace_pipes: "上游管段", trace_enterprises: "上游企业", items: "评分细则",
    actions: "达标最少措施", reached: "已达标，无需措施", unreachable: "无法达到90分",
    downstream: "污水去向（接收污水厂）", none: "无", loading: "加载中…", of: "共",
    item: "项目", points: "得分", max: "满分", counted: "计数", action: "措施", in_view: "个要素在视野内",
    in_ledger: "台账现状", work_on: "处理此问题",
  },
  en: {
    title: "Zero direct sewage discharge zones — one map", filters: "Filters", deadline: "Deadline",
    district: "District", park: "Park", readiness: "Readiness", campaign: "Campaign", overdue: "Overdue", as_of: "as of",
    demo_list: "Demonstration list", demo_candidates: "candidates", code: "Problem", ledger_status: "Status",
    clusters: "Clusters", search: "Search clusters, parks, districts", cluster: "Cluster", score: "Score",
    problems: "Problems", legend: "Legend", provisional: "Scores use the provisional rubric (official one not in hand)",
    all: "All", lang: "中文",
    trace: "Upstream trace", trace_pipes: "Upstream pipes", trace_enterprises: "Upstream enterprises",
    items: "Rubric items", actions: "Fewest actions to ready", reached: "Ready: no action needed",
    unreachable: "Cannot reach 90", downstream: "Where its sewage goes (receiving plants)", none: "none",
    loading: "loading…", of: "of", item: "Item", points: "Points", max: "Max", counted: "Counted",
    action: "Action", in_view: "features in view", in_ledger: "In the ledger now", work_on: "Work on this problem",
  },
};

// Feature states are keyed by each collection's stable id (the style's promoteId).
// What the URL carries: view, filters, selection, language.
const state = {
  lang: "zh", deadline: "", district: "", park: "", readiness: "", campaign: "", code: "", status: "",
  sel: "", sort: "deadline", dir: 1, search: "",
};
let labels = { fields: {}, values: {} };
let clusters = [];        // cluster features of /api/clusters
let legend = [];
let campaignAsOf = "";     // the date the campaign statuses are as of (/api/summary)
let problemStatuses = {};  // status → problems carrying it (the style's metadata)
const STATUS_ORDER = ["open", "in_progress", "awaiting_review", "closed", "dismissed"];
let map;
const highlighted = [];   // feature states set for the current selection
const clusterMarkers = [];

const t = (k) => (UI[state.lang] && UI[state.lang][k]) || UI.zh[k] || k;
const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
};
const fieldLabel = (k) => {
  const l = labels.fields[k];
  return l ? (state.lang === "zh" ? `${l} ${k}` : k) : k;
};
const valueLabel = (field, v, layer) => {
  const l = labels.values[`${layer}.${field}:${v}`] || labels.values[`${field}:${v}`];
  return l ? (state.lang === "zh" ? l.zh : l.en) : String(v);
};
const setStatus = (s) => { document.getElementById("status").textContent = s; };

// ---------- URL state ----------
function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  for (const k of Object.keys(state)) if (h.has(k)) state[k] = k === "dir" ? Number(h.get(k)) : h.get(k);
  const m = h.get("map");
  if (m) {
    const [z, lat, lon] = m.split("/").map(Number);
    if ([z, lat, lon].every(Number.isFinite)) return { zoom: z, center: [lon, lat] };
  }
  return null;
}
function writeHash() {
  const h = new URLSearchParams();
  if (map) {
    const c = map.getCenter();
    h.set("map", `${map.getZoom().toFixed(2)}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}`);
  }
  for (const [k, v] of Object.entries(state)) {
    if (v !== "" && !(k === "lang" && v === "zh") && !(k === "sort" && v === "deadline") && !(k === "dir" && v === 1)) h.set(k, v);
  }
  history.replaceState(null, "", `#${h.toString()}`);
}

// ---------- filters ----------
function options(select, values, label) {
  const current = state[select.id.slice(2)];
  select.replaceChildren(el("option", { value: "", text: t("all") }));
  for (const v of values) select.append(el("option", { value: v, text: label ? label(v) : v }));
  select.value = current;
}
function fillFilters() {
  const props = clusters.map((f) => f.properties);
  const uniq = (k) => [...new Set(props.map((p) => p[k]).filter((v) => v !== null && v !== undefined && v !== ""))].sort();
  options(document.getElementById("f-deadline"), uniq("deadline"), (v) => valueLabel("deadline", v));
  options(document.getElementById("f-district"), uniq("district"));
  options(document.getElementById("f-park"), uniq("park_id"), (v) => {
    const p = props.find((x) => x.park_id === v);
    return p && p.park_name ? `${p.park_name} (${v})` : v;
  });
  options(document.getElementById("f-campaign"), ["accepted", "recheck", "overdue", "due", "out_of_scope"].filter((v) => props.some((p) => p.campaign_status === v)), (v) => valueLabel("campaign_status", v));
  // The readiness groups as the style defines them (contract/readiness.rs), with counts.
  const groups = readinessGroups();
  options(document.getElementById("f-readiness"), groups.map((g) => g.value), (v) => groupLabel(v, true));
  const codes = (legend.find((l) => l.layer === "problems") || { classes: [] }).classes.map((c) => c.value);
  options(document.getElementById("f-code"), codes, (v) => valueLabel("code", v));
  // Only the statuses the problems carry, with their counts: a filter the data cannot
  // answer is not offered.
  options(document.getElementById("f-status"), STATUS_ORDER.filter((v) => problemStatuses[v]), (v) => `${valueLabel("status", v)} (${problemStatuses[v]})`);
}
/** The clusters passing the cluster-level filters and the search. */
function visibleClusters() {
  const q = state.search.trim().toLowerCase();
  return clusters.filter((f) => {
    const p = f.properties;
    if (state.deadline && p.deadline !== state.deadline) return false;
    if (state.district && p.district !== state.district) return false;
    if (state.park && p.park_id !== state.park) return false;
    if (state.readiness && p.readiness !== state.readiness) return false;
    if (state.campaign && p.campaign_status !== state.campaign) return false;
    if (q && ![p.cluster_id, p.name, p.park_name, p.district].some((v) => v && String(v).toLowerCase().includes(q))) return false;
    return true;
  });
}
function applyFilters() {
  if (!map || !map.getStyle()) return;
  const ids = visibleClusters().map((f) => f.properties.cluster_id);
  const clusterFiltered = state.deadline || state.district || state.park || state.readiness || state.campaign || state.search;
  const inClusters = ["in", ["get", "cluster_id"], ["literal", ids]];
  const set = (layer, filter) => { if (map.getLayer(layer)) map.setFilter(layer, filter); };
  const cf = clusterFiltered ? inClusters : null;
  set("clusters-fill", cf);
  set("clusters-outline", cf);
  const problem = ["all"];
  if (clusterFiltered) problem.push(inClusters);
  if (state.code) problem.push(["==", ["get", "code"], state.code]);
  if (state.status) problem.push(["==", ["get", "status"], state.status]);
  set("problems-circle", problem.length > 1 ? problem : null);
  const outfall = ["all"];
  if (clusterFiltered) outfall.push(inClusters);
  if (state.code) outfall.push(["in", state.code, ["to-string", ["get", "problem_codes"]]]);
  set("outfalls-circle", outfall.length > 1 ? outfall : null);
  set("enterprises-circle", clusterFiltered ? inClusters : null);
  // The plants the shown clusters' sewage reaches.
  const plants = [...new Set(visibleClusters().flatMap((f) => f.properties.receiving_plant_ids || []))];
  set("plants-circle", clusterFiltered ? ["in", ["get", "plant_id"], ["literal", plants]] : null);
  renderTable();
  placeLabels();
  writeHash();
}

// ---------- the cluster table ----------
function renderTable() {
  const rows = visibleClusters().slice();
  const k = state.sort, dir = state.dir;
  rows.sort((a, b) => {
    const x = a.properties[k], y = b.properties[k];
    if (x === y) return String(a.properties.cluster_id).localeCompare(String(b.properties.cluster_id));
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return (typeof x === "number" ? x - y : String(x).localeCompare(String(y))) * dir;
  });
  const body = document.querySelector("#table tbody");
  body.replaceChildren(...rows.map((f) => {
    const p = f.properties;
    const tr = el("tr", { "data-id": p.cluster_id, onclick: () => selectCluster(p.cluster_id, true) },
      el("td", { text: p.name || p.cluster_id, title: p.cluster_id }),
      el("td", { text: /^\d{4}-/.test(p.deadline) ? p.deadline : valueLabel("deadline", p.deadline), title: valueLabel("deadline", p.deadline) }),
      el("td", { class: `campaign ${p.campaign_status || ""}`, text: p.campaign_status ? valueLabel("campaign_status", p.campaign_status) : "—" }),
      el("td", { class: "num", text: p.score === null || p.score === undefined ? "—" : p.score }),
      el("td", { class: "num", text: p.problem_count }));
    if (state.sel === `clusters:${p.cluster_id}`) tr.classList.add("selected");
    return tr;
  }));
  for (const th of document.querySelectorAll("#table th")) {
    th.classList.toggle("asc", th.dataset.sort === k && dir === 1);
    th.classList.toggle("desc", th.dataset.sort === k && dir === -1);
  }
}

// ---------- where the clusters stand: the city's first question ----------
const CAMPAIGN_SHOWN = ["accepted", "recheck", "overdue", "due"];
/** Per deadline the clusters accepted, under recheck, overdue and in progress (each count
 * filters the map to them), and the overdue clusters named first. */
function renderCampaign() {
  const props = clusters.map((f) => f.properties).filter((p) => p.campaign_status && p.campaign_status !== "out_of_scope");
  document.getElementById("as-of").textContent = campaignAsOf ? `${t("as_of")} ${campaignAsOf}` : "";
  const deadlines = [...new Set(props.map((p) => p.deadline))].sort();
  document.querySelector("#campaign-table thead").replaceChildren(el("tr", {}, el("th", { text: t("deadline") }),
    ...CAMPAIGN_SHOWN.map((s) => el("th", { text: valueLabel("campaign_status", s) }))));
  document.querySelector("#campaign-table tbody").replaceChildren(...deadlines.map((d) => el("tr", {},
    el("td", { text: valueLabel("deadline", d) }),
    ...CAMPAIGN_SHOWN.map((s) => {
      const n = props.filter((p) => p.deadline === d && p.campaign_status === s).length;
      return el("td", { class: `num campaign ${s}` }, n ? el("a", { href: "#", text: String(n), onclick: (e) => {
        e.preventDefault();
        state.deadline = d; state.campaign = s;
        document.getElementById("f-deadline").value = d; document.getElementById("f-campaign").value = s;
        applyFilters();
      } }) : "0");
    }))));
  const overdue = props.filter((p) => p.campaign_status === "overdue").sort((a, b) => a.deadline.localeCompare(b.deadline) || a.cluster_id.localeCompare(b.cluster_id));
  document.getElementById("overdue").textContent = overdue.length
    ? `${t("overdue")}（${overdue.length}）：${overdue.map((p) => p.cluster_id).join("、")}` : "";
  // The demonstration list and its candidates (with their milestone), each with where it stands.
  const named = (ps) => ps.map((p) => `${p.cluster_id}（${valueLabel("campaign_status", p.campaign_status)}${p.demo_target_date ? ` ${p.demo_target_date}` : ""}）`).join("、");
  const demo = props.filter((p) => p.demo === true), candidates = props.filter((p) => p.demo_candidate === true);
  document.getElementById("demo-list").textContent = demo.length || candidates.length
    ? `${t("demo_list")}：${named(demo) || "—"}${candidates.length ? `；${t("demo_candidates")}：${named(candidates)}` : ""}` : "";
}

// ---------- the legend ----------
function renderLegend() {
  const box = document.getElementById("legend");
  box.replaceChildren();
  const shape = { clusters: "", parks: "ring", rivers: "line", pipes: "line" };
  for (const l of legend) {
    box.append(el("h3", { text: state.lang === "zh" ? l.title : l.title.replace(/^\S+\s/, "") }));
    for (const c of l.classes) {
      const sw = el("span", { class: `swatch ${shape[l.layer] || ""}` });
      sw.style.background = c.color; sw.style.borderColor = c.color;
      box.append(el("div", {}, sw, labelText(c.label)));
    }
    for (const c of l.outline || []) {
      const sw = el("span", { class: "swatch ring" });
      sw.style.borderColor = c.color;
      box.append(el("div", {}, sw, l.layer === "clusters" ? groupLabel(c.value, true) : labelText(c.label)));
    }
  }
}
/** The readiness groups: the clusters layer's outline classes in the style. */
function readinessGroups() {
  return (legend.find((l) => l.layer === "clusters") || { outline: [] }).outline || [];
}
/** A readiness group's label, with the number of clusters in it when `count`. */
function groupLabel(value, count) {
  const g = readinessGroups().find((c) => c.value === value);
  const label = g ? labelText(g.label) : value;
  return count ? `${label} (${clusters.filter((f) => f.properties.readiness === value).length})` : label;
}
/** A cluster's readiness group as a badge in its group's colour. */
function groupBadge(value) {
  const g = readinessGroups().find((c) => c.value === value);
  const badge = el("span", { class: "badge", text: groupLabel(value, false) });
  if (g) badge.style.background = g.color;
  return badge;
}
/** A "中文 English" label in the page's language. */
function labelText(label) {
  const i = label.search(/[A-Za-z]/);
  if (i <= 0) return label;
  return state.lang === "zh" ? label.slice(0, i).trim() : label.slice(i);
}

// ---------- cluster labels (the page's own text, so no glyph server is needed) ----------
// At every zoom, each visible cluster's name is placed where it fits: beside its centre,
// largest clusters first (the selected one before all), and a name that would cover
// another, or run off the map, is left out rather than drawn over it.
const LABEL_FONT = "11px 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";
const LABEL_H = 16;
const MAX_LABELS = 300;
let measure = null;
function labelWidth(text) {
  measure = measure || document.createElement("canvas").getContext("2d");
  measure.font = LABEL_FONT;
  return Math.ceil(measure.measureText(text).width) + 8;
}
function placeLabels() {
  for (const m of clusterMarkers.splice(0)) m.remove();
  if (!map) return;
  const canvas = map.getCanvas();
  const W = canvas.clientWidth, H = canvas.clientHeight;
  const b = map.getBounds();
  const area = (f) => { const x = f.properties._bbox; return x ? (x[1][0] - x[0][0]) * (x[1][1] - x[0][1]) : 0; };
  const selected = state.sel.startsWith("clusters:") ? state.sel.slice(9) : "";
  const candidates = visibleClusters()
    .filter((f) => f.properties._center && b.contains(f.properties._center))
    .sort((a, c) => (c.properties.cluster_id === selected) - (a.properties.cluster_id === selected) || area(c) - area(a));
  const taken = [];
  for (const f of candidates) {
    if (taken.length >= MAX_LABELS) break;
    const text = f.properties.name || f.properties.cluster_id;
    const p = map.project(f.properties._center);
    const w = labelWidth(text);
    // Right of the centre first, then left, above, below.
    const spots = [[p.x + 6, p.y - LABEL_H / 2], [p.x - 6 - w, p.y - LABEL_H / 2], [p.x - w / 2, p.y - 6 - LABEL_H], [p.x - w / 2, p.y + 6]];
    const box = spots.map(([x, y]) => [x, y, x + w, y + LABEL_H])
      .find(([x0, y0, x1, y1]) => x0 >= 0 && y0 >= 0 && x1 <= W && y1 <= H
        && !taken.some((t) => x0 < t[2] && t[0] < x1 && y0 < t[3] && t[1] < y1));
    if (!box) continue;
    taken.push(box);
    const e = el("div", { class: "cluster-label", text, "data-id": f.properties.cluster_id });
    const m = new maplibregl.Marker({ element: e, anchor: "top-left", offset: [box[0] - p.x, box[1] - p.y] })
      .setLngLat(f.properties._center).addTo(map);
    clusterMarkers.push(m);
  }
  window.zdzLabels = taken.map((t, i) => ({ id: clusterMarkers[i].getElement().dataset.id, box: t }));
}

/** Zoom to the clusters a filter leaves (all of them when it leaves none). */
function zoomToVisible() {
  const shown = visibleClusters().map((f) => f.properties._bbox).filter(Boolean);
  if (!map || !shown.length) return;
  const bounds = [[Math.min(...shown.map((b) => b[0][0])), Math.min(...shown.map((b) => b[0][1]))],
    [Math.max(...shown.map((b) => b[1][0])), Math.max(...shown.map((b) => b[1][1]))]];
  map.fitBounds(bounds, { padding: 40, maxZoom: 14, duration: 0 });
}

// ---------- selection, popups and the trace ----------
function clearHighlight() {
  for (const h of highlighted.splice(0)) map.removeFeatureState(h);
}
function mark(source, id, key) {
  if (id === undefined || id === null || !map.getSource(source)) return;
  const h = { source, sourceLayer: source, id };
  map.setFeatureState(h, { [key]: true });
  highlighted.push(h);
}
function showDetail(...nodes) {
  const d = document.getElementById("detail");
  document.getElementById("detail-body").replaceChildren(...nodes);
  d.hidden = false;
}
function propsTable(props, layer) {
  const rows = Object.entries(props).filter(([k, v]) => v !== null && v !== "" && !k.startsWith("_") && typeof v !== "object");
  return el("table", {}, ...rows.map(([k, v]) => el("tr", {}, el("th", { text: fieldLabel(k) }), el("td", { text: valueLabel(k, v, layer) }))));
}
async function getJson(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return r.json();
}
// Every page of a paged collection (/api/clusters answers 1,000 at a time), joined.
async function allPages(path) {
  const first = await getJson(path);
  let page = first;
  for (;;) {
    const next = (page.links || []).find((l) => l.rel === "next");
    if (!next) return first;
    // Asked of this page's own origin, whatever host the service names itself by.
    const url = new URL(next.href, location.href);
    page = await getJson(url.pathname + url.search);
    first.features.push(...page.features);
  }
}
async function selectOutfall(id, props) {
  clearHighlight();
  state.sel = `outfalls:${id}`;
  writeHash();
  const head = el("h3", { text: `${valueLabel("layer", "outfalls")} ${id}` });
  showDetail(head, propsTable(props || {}, "outfalls"), el("p", { text: t("loading") }));
  const trace = await getJson(`/api/outfalls/${encodeURIComponent(id)}/trace`);
  const pipes = [], enterprises = [];
  for (const f of trace.features) {
    const p = f.properties;
    if (p.role === "pipe") { mark("pipes", p.pipe_id, "trace"); pipes.push(p.pipe_id); }
    else if (p.role === "enterprise") { mark("enterprises", p.enterprise_id, "trace"); enterprises.push(p.enterprise_id); }
    else if (p.role === "outfall") { mark("outfalls", p.outfall_id, "selected"); props = props || p; }
  }
  window.zdzTrace = { outfall: id, pipes, enterprises };
  showDetail(head, propsTable(props || {}, "outfalls"),
    el("h4", { text: `${t("trace_pipes")} (${pipes.length})` }), el("ul", {}, ...pipes.map((p) => el("li", { text: p }))),
    el("h4", { text: `${t("trace_enterprises")} (${enterprises.length})` }), el("ul", {}, ...enterprises.map((e) => el("li", { text: e }))));
}
async function selectCluster(id, fly) {
  clearHighlight();
  state.sel = `clusters:${id}`;
  writeHash();
  const f = clusters.find((c) => c.properties.cluster_id === id);
  if (!f) return;
  if (fly && f.properties._bbox) map.fitBounds(f.properties._bbox, { padding: 60, duration: 0, maxZoom: 15 });
  mark("clusters", id, "selected");
  renderTable();
  const head = el("h3", { text: f.properties.name || id },
    " ", groupBadge(f.properties.readiness));
  showDetail(head, propsTable(f.properties, "clusters"), el("p", { text: t("loading") }));
  const [r, down] = await Promise.all([
    getJson(`/api/clusters/${encodeURIComponent(id)}/readiness`),
    getJson(`/api/clusters/${encodeURIComponent(id)}/downstream`),
  ]);
  const parts = [head];
  if (r.in_scope) {
    parts.push(el("p", { text: `${t("score")} ${r.score} / 100${r.provisional ? " (暂行)" : ""}` }));
    parts.push(el("h4", { text: t("items") }), el("table", {},
      el("tr", {}, el("th", { text: t("item") }), el("th", { text: t("points") }), el("th", { text: t("max") }), el("th", { text: t("counted") })),
      ...r.items.map((i) => el("tr", {}, el("td", { text: `${i.id} ${state.lang === "zh" ? i.name_zh : i.name_en}` }),
        el("td", { class: "num", text: i.points }), el("td", { class: "num", text: i.max }), el("td", { text: i.counted_text })))));
    parts.push(el("h4", { text: t("actions") }));
    if (r.plan.status === "ready") parts.push(el("p", { text: t("reached") }));
    else if (r.plan.status === "unreachable") parts.push(el("p", { text: `${t("unreachable")}: ${r.plan.reason}` }));
    else parts.push(el("ol", {}, ...r.plan.actions.map((a) => el("li", { text: `${state.lang === "zh" ? a.label_zh : a.label_en} (+${a.points}, ${a.item})` }))));
  }
  const plants = down.features.filter((x) => x.properties.role === "plant");
  for (const x of down.features) if (x.properties.role === "pipe") mark("pipes", x.properties.pipe_id, "trace");
  parts.push(el("h4", { text: t("downstream") }),
    plants.length ? el("ul", {}, ...plants.map((p) => el("li", { text: `${p.properties.name || ""} ${p.properties.plant_id}` }))) : el("p", { text: t("none") }));
  showDetail(...parts);
}
function popupFor(layerId, f) {
  const p = f.properties;
  if (layerId === "outfalls-circle") return selectOutfall(p.outfall_id, p);
  if (layerId.startsWith("clusters")) return selectCluster(p.cluster_id, false);
  clearHighlight();
  const layer = layerId.split("-")[0];
  const idField = { problems: "problem_id", pipes: "pipe_id", enterprises: "enterprise_id", plants: "plant_id", parks: "park_id", rivers: "name" }[layer];
  state.sel = `${layer}:${p[idField]}`;
  writeHash();
  showDetail(el("h3", { text: `${valueLabel("layer", layer)} ${p[idField] || ""}` }), propsTable(p, layer));
  if (layer === "problems") ledgerNow(p.problem_id);
}

/** A problem by its id (a link from its page of the ledger): the map on it, its fields. */
async function selectProblem(id) {
  const f = await getJson(`/collections/problems/items/${encodeURIComponent(id)}`).catch(() => null);
  if (!f) return;
  const b = bboxOf(f.geometry);
  if (b) map.jumpTo({ center: [(b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2], zoom: Math.max(map.getZoom(), 15) });
  popupFor("problems-circle", f);
}

/** A problem as the ledger has it now, for a signed-in user (the map's tiles show it as of
 * the last load): its status and a link to its page. Nothing for anyone else. */
async function ledgerNow(id) {
  const r = await fetch(`/api/ledger/problems/${encodeURIComponent(id)}`, { headers: { Accept: "application/json" } }).catch(() => null);
  if (!r || !r.ok || state.sel !== `problems:${id}`) return;
  const e = await r.json();
  document.getElementById("detail-body").append(el("p", { class: "ledger-now" },
    el("strong", { text: `${t("in_ledger")}：` }), el("span", { class: "ledger-status", text: valueLabel("status", e.status) }), " ",
    el("a", { href: `/problems/${encodeURIComponent(id)}`, text: t("work_on") })));
}

// ---------- start ----------
function arrowImage() {
  const size = 32, c = document.createElement("canvas");
  c.width = c.height = size;
  const g = c.getContext("2d");
  g.fillStyle = "#fff";
  g.beginPath(); g.moveTo(8, 6); g.lineTo(26, 16); g.lineTo(8, 26); g.lineTo(12, 16); g.closePath(); g.fill();
  return g.getImageData(0, 0, size, size);
}
function bboxOf(geometry) {
  let b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => { if (typeof c[0] === "number") { b = [Math.min(b[0], c[0]), Math.min(b[1], c[1]), Math.max(b[2], c[0]), Math.max(b[3], c[1])]; } else c.forEach(walk); };
  if (geometry) walk(geometry.coordinates);
  return Number.isFinite(b[0]) ? [[b[0], b[1]], [b[2], b[3]]] : null;
}
function translate() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.title = `${t("title")} · zdz`;
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll("[data-i18n-placeholder]")) e.placeholder = t(e.dataset.i18nPlaceholder);
  document.getElementById("lang").textContent = t("lang");
  fillFilters(); renderLegend(); renderTable(); renderCampaign();
}

async function start() {
  const view = readHash();
  const [style, table, lab] = await Promise.all([getJson("/tiles/style.json"), allPages("/api/clusters"), getJson("/map/labels.json")]);
  labels = lab;
  legend = style.metadata["zdz:legend"];
  clusters = table.features;
  clusters.forEach((f, i) => {
    const b = bboxOf(f.geometry);
    f.properties._bbox = b;
    f.properties._center = b ? [(b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2] : null;
  });
  problemStatuses = style.metadata["zdz:problem_statuses"] || {};
  campaignAsOf = style.metadata["zdz:as_of"] || "";
  document.getElementById("ledger-filter").hidden = Object.keys(problemStatuses).length === 0;
  if (document.getElementById("ledger-filter").hidden) state.status = "";
  const all = clusters.map((f) => f.properties._bbox).filter(Boolean);
  const bounds = all.length ? [[Math.min(...all.map((b) => b[0][0])), Math.min(...all.map((b) => b[0][1]))], [Math.max(...all.map((b) => b[1][0])), Math.max(...all.map((b) => b[1][1]))]] : [[73, 18], [135, 53]];
  map = new maplibregl.Map({
    container: "map", style, attributionControl: { compact: true },
    ...(view ? { center: view.center, zoom: view.zoom } : { bounds, fitBoundsOptions: { padding: 30 } }),
    maxZoom: 18, hash: false, canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  window.zdzMap = map;
  map.addControl(new maplibregl.NavigationControl(), "top-right");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  map.on("styleimagemissing", (e) => { if (e.id === "zdz-arrow" && !map.hasImage("zdz-arrow")) map.addImage("zdz-arrow", arrowImage(), { sdf: true }); });
  map.on("load", () => {
    applyFilters();
    const [layer, id] = state.sel.split(":");
    if (layer === "clusters" && id) selectCluster(id, !view);
    if (layer === "outfalls" && id) selectOutfall(id, null);
    if (layer === "problems" && id) selectProblem(id);
  });
  map.on("idle", () => { window.zdzIdle = true; });
  map.on("moveend", () => { writeHash(); placeLabels(); });
  const clickable = ["outfalls-circle", "problems-circle", "plants-circle", "enterprises-circle", "pipes-line", "clusters-fill"];
  map.on("click", (e) => {
    const layers = clickable.filter((l) => map.getLayer(l));
    const box = [[e.point.x - 4, e.point.y - 4], [e.point.x + 4, e.point.y + 4]];
    const hits = map.queryRenderedFeatures(box, { layers });
    if (!hits.length) return;
    hits.sort((a, b) => layers.indexOf(a.layer.id) - layers.indexOf(b.layer.id));
    popupFor(hits[0].layer.id, hits[0]);
  });
  for (const l of clickable) {
    map.on("mouseenter", l, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", l, () => { map.getCanvas().style.cursor = ""; });
  }
  for (const id of ["deadline", "district", "park", "readiness", "campaign", "code", "status"]) {
    document.getElementById(`f-${id}`).addEventListener("change", (e) => {
      state[id] = e.target.value;
      applyFilters();
      if (id !== "code" && id !== "status") zoomToVisible();
    });
  }
  document.getElementById("search").value = state.search;
  document.getElementById("search").addEventListener("input", (e) => { state.search = e.target.value; applyFilters(); });
  for (const th of document.querySelectorAll("#table th")) {
    th.addEventListener("click", () => {
      state.dir = state.sort === th.dataset.sort ? -state.dir : 1;
      state.sort = th.dataset.sort;
      renderTable(); writeHash();
    });
  }
  document.getElementById("lang").addEventListener("click", () => { state.lang = state.lang === "zh" ? "en" : "zh"; translate(); writeHash(); });
  document.getElementById("close").addEventListener("click", () => {
    document.getElementById("detail").hidden = true; clearHighlight(); state.sel = ""; writeHash(); renderTable();
  });
  translate();
  setStatus(`${clusters.length} ${t("clusters")}`);
  window.zdzReady = true;
}

start().catch((e) => { setStatus(String(e)); window.zdzError = String(e); });
