// sdrscan dashboard: cells by threat, live alerts over SSE, cell detail, band plot, map. No dependencies.
"use strict";

const API = "/api/v1";
const state = { cells: [], alerts: new Map(), maxAlertId: 0, source: null, refreshTimer: null };

// --- helpers ----------------------------------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}
const svgEl = (tag, attrs = {}) => {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};
const fmt = (x, digits = 1) => (x === null || x === undefined ? "–" : Number(x).toFixed(digits));
const show = (x) => (x === null || x === undefined ? "–" : String(x));
function ago(iso) {
  if (!iso) return "–";
  const s = (Date.now() - Date.parse(iso)) / 1000;
  if (s < 0) return new Date(iso).toLocaleTimeString();
  if (s < 90) return `${Math.round(s)} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}
async function getJSON(path) {
  const r = await fetch(API + path, { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return r.json();
}

// --- cells ------------------------------------------------------------------------------------------------
async function loadCells() {
  const page = await getJSON("/cells?sort=threat&limit=500");
  state.cells = page.items;
  renderCells();
  renderSummary(page.total);
  renderMap();
}

function renderCells() {
  const body = document.querySelector("#cells tbody");
  body.replaceChildren(...state.cells.map((c) => el("tr", {
    class: `verdict-${c.verdict}`, "data-cell-id": c.id, "data-verdict": c.verdict, onclick: () => openCell(c.id),
  },
    el("td", {}, el("span", { class: `badge ${c.verdict}`, text: c.verdict })),
    el("td", { class: "num", text: fmt(c.score, 1) }),
    el("td", { class: "num", text: c.arfcn }),
    el("td", { class: "num", text: c.bsic }),
    el("td", { text: show(c.plmn) }),
    el("td", { class: "num", text: show(c.lac) }),
    el("td", { class: "num", text: show(c.ci) }),
    el("td", { class: "num", text: fmt(c.power_dbfs) }),
    el("td", { class: "num", text: fmt(c.snr_db) }),
    el("td", { class: "why", text: c.rules.length ? c.rules.join(", ") : "" }),
    el("td", { text: ago(c.last_seen), title: c.last_seen || "" }),
  )));
  document.getElementById("cells-empty").hidden = state.cells.length > 0;
}

function renderSummary(total) {
  const by = { rogue: 0, suspicious: 0, ok: 0 };
  for (const c of state.cells) by[c.verdict] = (by[c.verdict] || 0) + 1;
  const open = [...state.alerts.values()].filter((a) => !a.acked_at && a.kind === "alert").length;
  document.getElementById("summary").replaceChildren(
    el("span", { class: "count", text: `${total} cells` }),
    el("span", { class: "count" }, el("span", { class: "badge rogue", text: `${by.rogue} rogue` })),
    el("span", { class: "count" }, el("span", { class: "badge suspicious", text: `${by.suspicious} suspicious` })),
    el("span", { class: "count", text: `${open} open alerts` }),
  );
}

function scheduleRefresh() {
  // Verdict changes and new alerts come in bursts: refresh the table once per burst.
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(() => {
    state.refreshTimer = null;
    loadCells().catch(console.error);
    loadBand().catch(console.error);
  }, 400);
}

// --- alerts -----------------------------------------------------------------------------------------------
function alertItem(a, isNew) {
  const when = a.time || a.created_at;
  return el("li", {
    class: `${isNew ? "new" : ""} ${a.acked_at ? "acked" : ""} kind-${a.kind}`, "data-alert-id": a.id,
    "data-severity": a.severity, onclick: () => a.cell_id && openCell(a.cell_id),
  },
    el("span", { class: `badge ${a.severity}`, text: a.kind === "verdict" ? "verdict" : a.severity }), " ",
    el("span", { class: "msg", text: a.message }),
    el("div", { class: "meta", text: `${a.rule} · ARFCN ${a.arfcn} · ${ago(when)}${a.acked_at ? " · acknowledged" : ""}` }),
  );
}

function addAlert(a, isNew) {
  if (state.alerts.has(a.id)) return;
  state.alerts.set(a.id, a);
  state.maxAlertId = Math.max(state.maxAlertId, a.id);
  const list = document.getElementById("alerts");
  const item = alertItem(a, isNew);
  if (isNew) list.prepend(item); else list.append(item);
  document.getElementById("alerts-empty").hidden = true;
}

async function loadAlerts() {
  const page = await getJSON("/alerts?kind=alert&kind=verdict&limit=100");
  for (const a of page.items) addAlert(a, false);
  // Stored ids only grow: anything above this one arrives over the stream.
  const newest = page.items.length ? page.items[0].id : 0;
  state.maxAlertId = Math.max(state.maxAlertId, newest);
}

function connectStream() {
  const live = document.getElementById("live");
  const src = new EventSource(`${API}/alerts/stream?after=${state.maxAlertId}`);
  state.source = src;
  const onEvent = (ev) => {
    const a = JSON.parse(ev.data);
    addAlert(a, true);
    renderSummary(state.cells.length);
    scheduleRefresh();
  };
  src.addEventListener("alert", onEvent);
  src.addEventListener("verdict", onEvent);
  src.onopen = () => { live.className = "live on"; };
  src.onerror = () => { live.className = "live off"; };  // EventSource reconnects with Last-Event-ID itself
}

// --- band plot --------------------------------------------------------------------------------------------
async function loadBand() {
  const spec = await getJSON("/spectrum");
  const svg = document.getElementById("band");
  svg.replaceChildren();
  const pts = spec.points;
  if (!pts.length) {
    svg.append(svgEl("text", { x: 20, y: 110 })).textContent = "no band measurement yet";
    return;
  }
  const verdictOf = new Map();
  for (const c of spec.cells) {
    const rank = { ok: 0, suspicious: 1, rogue: 2 }[c.verdict];
    if (!verdictOf.has(c.arfcn) || rank > verdictOf.get(c.arfcn).rank) verdictOf.set(c.arfcn, { rank, v: c.verdict });
  }
  const a0 = Math.min(...pts.map((p) => p.arfcn)), a1 = Math.max(...pts.map((p) => p.arfcn));
  const pmin = Math.floor(Math.min(...pts.map((p) => p.power_dbfs)) / 10) * 10;
  const pmax = Math.ceil(Math.max(...pts.map((p) => p.power_dbfs)) / 10) * 10 || 0;
  const W = 800, H = 220, L = 40, B = 24, T = 8;
  const x = (a) => L + ((a - a0 + 0.5) / (a1 - a0 + 1)) * (W - L - 8);
  const y = (p) => T + (1 - (p - pmin) / Math.max(pmax - pmin, 1)) * (H - T - B);
  const bw = Math.max(((W - L - 8) / (a1 - a0 + 1)) * 0.8, 1);
  for (let p = pmin; p <= pmax; p += 10) {
    svg.append(svgEl("line", { x1: L, x2: W, y1: y(p), y2: y(p), stroke: "#e3e6ea" }));
    const t = svgEl("text", { x: 2, y: y(p) + 4, "font-size": 11, fill: "#6b7480" }); t.textContent = `${p}`;
    svg.append(t);
  }
  for (const p of pts) {
    const v = verdictOf.get(p.arfcn);
    const color = !v ? "#90a4ae" : v.v === "rogue" ? "#c62828" : v.v === "suspicious" ? "#b26a00" : "#2e7d32";
    const r = svgEl("rect", { x: x(p.arfcn) - bw / 2, y: y(p.power_dbfs), width: bw, height: H - B - y(p.power_dbfs),
      fill: color, "data-arfcn": p.arfcn });
    const tip = svgEl("title"); tip.textContent = `ARFCN ${p.arfcn}: ${p.power_dbfs.toFixed(1)} dBFS${v ? " · " + v.v : ""}`;
    r.append(tip); svg.append(r);
  }
  const step = Math.max(1, Math.ceil((a1 - a0 + 1) / 12));
  for (let a = a0; a <= a1; a += step) {
    const t = svgEl("text", { x: x(a), y: H - 6, "font-size": 11, "text-anchor": "middle", fill: "#6b7480" });
    t.textContent = a; svg.append(t);
  }
}

// --- map --------------------------------------------------------------------------------------------------
function renderMap() {
  const svg = document.getElementById("map");
  const placed = state.cells.filter((c) => c.lat_deg !== null && c.lon_deg !== null);
  document.getElementById("map-empty").hidden = placed.length > 0;
  svg.style.display = placed.length ? "" : "none";
  svg.replaceChildren();
  if (!placed.length) return;
  const lats = placed.map((c) => c.lat_deg), lons = placed.map((c) => c.lon_deg);
  const la0 = Math.min(...lats), la1 = Math.max(...lats), lo0 = Math.min(...lons), lo1 = Math.max(...lons);
  const k = Math.cos(((la0 + la1) / 2) * Math.PI / 180);  // equirectangular: keep angles roughly right
  const spanX = Math.max((lo1 - lo0) * k, 1e-4), spanY = Math.max(la1 - la0, 1e-4);
  const s = Math.min(360 / spanX, 260 / spanY);
  const px = (lo) => 200 + ((lo - (lo0 + lo1) / 2) * k) * s, py = (la) => 150 - (la - (la0 + la1) / 2) * s;
  for (const c of placed) {
    const color = c.verdict === "rogue" ? "#c62828" : c.verdict === "suspicious" ? "#b26a00" : "#2e7d32";
    const dot = svgEl("circle", { cx: px(c.lon_deg), cy: py(c.lat_deg), r: c.verdict === "ok" ? 5 : 8, fill: color,
      "fill-opacity": 0.8, stroke: "#fff", "data-cell-id": c.id });
    const tip = svgEl("title"); tip.textContent = `ARFCN ${c.arfcn} ${show(c.plmn)} LAC ${show(c.lac)} · ${c.verdict}`;
    dot.append(tip);
    dot.addEventListener("click", () => openCell(c.id));
    svg.append(dot);
  }
}

// --- cell detail ------------------------------------------------------------------------------------------
// Broadcast parameters in plain words (TS 44.018 §10.5.2 codes turned into units where the code has one).
const PARAMS = [
  ["lac", "Location area code"], ["ci", "Cell identity"],
  ["t3212", "Periodic location update", (v) => (v === 0 ? "never" : `every ${v * 6} min (T3212=${v})`)],
  ["cro", "Cell reselect offset", (v) => `${v * 2} dB (CRO=${v})`],
  ["temporary_offset", "Temporary offset", (v) => (v === 7 ? "infinite" : `${v * 10} dB`)],
  ["penalty_time", "Penalty time", (v) => (v === 31 ? "31 (offset subtracted)" : `${(v + 1) * 20} s`)],
  ["cell_reselect_hysteresis", "Reselect hysteresis", (v) => `${v * 2} dB`],
  ["rxlev_access_min", "Minimum access level", (v) => `${-110 + v} dBm`],
  ["ms_txpwr_max_cch", "Max phone power level", (v) => `level ${v}`],
  ["ccch_conf", "CCCH configuration", (v) => (v === 1 ? "combined with SDCCH/4" : `code ${v}`)],
  ["bs_ag_blks_res", "Access-grant blocks reserved"], ["bs_pa_mfrms", "Multiframes between paging"],
  ["cell_bar_access", "Cell barred", (v) => (v ? "yes" : "no")], ["gprs", "GPRS", (v) => (v ? "yes" : "no")],
  ["si_types", "System Information seen", (v) => v.join(" ")],
];

async function openCell(id) {
  const c = await getJSON(`/cells/${id}`);
  const body = document.getElementById("detail-body");
  const rules = c.contributions.length
    ? el("ol", { class: "rules" }, ...c.contributions.map((r) => el("li", {},
      el("span", { class: `badge ${r.severity}`, text: r.severity }), " ",
      el("strong", { text: r.rule }), ` (+${fmt(r.points, 1)} points): `, r.message)))
    : el("p", { class: "muted", text: "No rule found anything suspicious about this cell." });
  const params = el("dl", { class: "params" });
  for (const [key, label, conv] of PARAMS) {
    const v = key in c.params ? c.params[key] : c[key];
    params.append(el("dt", { text: label }), el("dd", { text: v === null || v === undefined ? "not broadcast / not decoded" : (conv ? conv(v) : String(v)) }));
  }
  const nb = c.neighbours.length
    ? el("ul", {}, ...c.neighbours.map((n) => el("li", {
      text: `ARFCN ${n.arfcn}: ` + (n.cells.length ? n.cells.map((x) => `BSIC ${x.bsic} ${show(x.plmn)} LAC ${show(x.lac)} (${x.verdict})`).join("; ") : "nothing received there"),
    })))
    : el("p", { text: "Empty neighbour list: phones camped here are told of no other cell." });
  const listedBy = c.listed_by.length
    ? el("p", { text: "Listed as a neighbour by: " + c.listed_by.map((x) => `ARFCN ${x.arfcn} (${show(x.plmn)})`).join(", ") })
    : el("p", { text: "No received cell lists this ARFCN as a neighbour." });
  const hist = c.params.history && c.params.history.length
    ? el("ul", {}, ...c.params.history.slice(-20).map((h) => el("li", { text: `${h.time} ${h.si}: ${h.field} ${JSON.stringify(h.old)} → ${JSON.stringify(h.new)}` })))
    : el("p", { class: "muted", text: "No parameter changes." });
  const alerts = c.alerts.length ? el("ol", {}, ...c.alerts.map((a) => alertItem(a, false))) : el("p", { class: "muted", text: "No alerts." });
  body.replaceChildren(
    el("h2", {}, el("span", { class: `badge ${c.verdict}`, text: c.verdict }),
      ` ARFCN ${c.arfcn} · BSIC ${c.bsic} · ${show(c.plmn)} · LAC ${show(c.lac)} · CI ${show(c.ci)}`),
    el("p", { class: "muted", text: `score ${fmt(c.score, 1)} · ${fmt(c.power_dbfs)} dBFS · SNR ${fmt(c.snr_db)} dB · first seen ${show(c.first_seen)} · last seen ${show(c.last_seen)}` }),
    el("h3", { text: "Why: the rules that fired" }), rules,
    el("h3", { text: "Parameters" }), params,
    el("h3", { text: "Neighbours (BA list)" }), nb, listedBy,
    el("h3", { text: "Power over time" }), powerSparkline(c.observations),
    el("h3", { text: "Alerts" }), alerts,
    el("h3", { text: "Parameter history" }), hist,
  );
  document.getElementById("detail").hidden = false;
  history.replaceState(null, "", `#cell=${id}`);
}

function powerSparkline(obs) {
  const pts = obs.filter((o) => o.power_dbfs !== null);
  if (pts.length < 2) return el("p", { class: "muted", text: pts.length ? `${fmt(pts[0].power_dbfs)} dBFS` : "no observations" });
  const svg = svgEl("svg", { viewBox: "0 0 600 80", preserveAspectRatio: "none" });
  const t0 = Date.parse(pts[0].time), t1 = Date.parse(pts[pts.length - 1].time) || t0 + 1;
  const p0 = Math.min(...pts.map((o) => o.power_dbfs)) - 1, p1 = Math.max(...pts.map((o) => o.power_dbfs)) + 1;
  const d = pts.map((o, i) => `${i ? "L" : "M"}${(5 + ((Date.parse(o.time) - t0) / Math.max(t1 - t0, 1)) * 590).toFixed(1)},${(75 - ((o.power_dbfs - p0) / (p1 - p0)) * 70).toFixed(1)}`).join(" ");
  svg.append(svgEl("path", { d, fill: "none", stroke: "#1565c0", "stroke-width": 1.5 }));
  const label = svgEl("text", { x: 8, y: 14, "font-size": 11, fill: "#6b7480" });
  label.textContent = `${fmt(p0 + 1)} … ${fmt(p1 - 1)} dBFS over ${pts.length} observations`;
  svg.append(label);
  return svg;
}

function closeDetail() {
  document.getElementById("detail").hidden = true;
  history.replaceState(null, "", location.pathname);
}

// --- start ------------------------------------------------------------------------------------------------
async function start() {
  document.getElementById("detail-close").addEventListener("click", closeDetail);
  document.getElementById("detail").addEventListener("click", (e) => { if (e.target.id === "detail") closeDetail(); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeDetail(); });
  await Promise.all([loadAlerts(), loadCells(), loadBand()]).catch((e) => {
    document.getElementById("summary").textContent = `cannot reach the service: ${e.message}`;
  });
  connectStream();
  setInterval(() => { loadCells().catch(console.error); }, 15000);  // "last seen" ages, new cells without alerts
  const m = location.hash.match(/cell=(\d+)/);
  if (m) openCell(Number(m[1])).catch(console.error);
  document.body.dataset.ready = "1";
}

start();
