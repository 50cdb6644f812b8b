/* dnsim's web view: the map of the running sim (from /api/map, the same
 * model `sim graph` draws), every DNS message as an arrow moving along its
 * path (from /api/events, the sim's one event stream), node states, and a
 * panel for a node, a trace and the lessons.  Plain JavaScript, no
 * libraries, nothing loaded from elsewhere. */
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const KINDS = ["query", "referral", "answer", "nxdomain", "nodata", "timeout", "error"];
const COLORS = {
  query: "#2f6fde", referral: "#e08a00", answer: "#1d9a4b", nxdomain: "#8e44ad",
  nodata: "#16a0a0", timeout: "#d62c2c", error: "#7b3f00",
};
const ARROWS_MAX = 150;        /* arrows moving at once; more wait or are dropped */
const ARROW_MS = 900;          /* one arrow's trip */
const MESSAGES_MAX = 400;      /* rows of the message list */
const GROUP_ABOVE = 12;        /* grouping folds networks with more hosts */

/* What the tests and curious people can read: window.dnsim. */
const view = window.dnsim = {
  map: null, nodes: new Map(), nets: new Map(), states: {}, links: {},
  drawn: [], received: 0, dropped: 0, paused: false, pausedMissed: 0,
  filter: "", grouped: new Set(), connected: false, routes: new Map(),
};

function el(name, attrs, parent) {
  const e = document.createElementNS(SVG, name);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}

function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) {
    if (k === "class") e.className = attrs[k];
    else if (k === "text") e.textContent = attrs[k];
    else e.setAttribute(k, attrs[k]);
  }
  for (const kid of kids) if (kid != null) e.append(kid);
  return e;
}

async function api(path, method) {
  const r = await fetch(path, { method: method || "GET", credentials: "same-origin" });
  const body = await r.json().catch(() => ({ error: "the answer is not JSON" }));
  if (!r.ok && !body.error) body.error = "HTTP " + r.status;
  return body;
}

/* ---- layout ------------------------------------------------------------
 * A radial tree of networks and routers, from the network most routers
 * join, outwards; each network's hosts and servers around it like the
 * seeds of a sunflower. */

function layout(map) {
  const nets = map.networks.map(n => ({ ...n, members: [], routers: [], x: 0, y: 0 }));
  const netBy = new Map(nets.map(n => [n.name, n]));
  const nodes = map.nodes.map(n => ({ ...n, x: 0, y: 0 }));
  for (const n of nodes) {
    for (const l of n.links) {
      const net = netBy.get(l.network);
      if (!net) continue;
      if (n.router) net.routers.push(n);
      else if (!n.home) { n.home = net; net.members.push(n); }
    }
  }
  /* Each network's cluster: its members on a sunflower. */
  const STEP = 26;
  for (const net of nets) {
    net.radius = 40 + STEP * Math.sqrt(net.members.length + 1);
  }
  const routers = nodes.filter(n => n.router);
  const root = nets.slice().sort((a, b) => b.routers.length - a.routers.length)[0];
  if (!root) return { nets, nodes };
  /* The tree: network -> its routers -> their other networks. */
  const seen = new Set([root.name]);
  const placedRouters = new Set();
  const tree = { kind: "net", item: root, kids: [] };
  const queue = [tree];
  while (queue.length) {
    const t = queue.shift();
    if (t.kind === "net") {
      for (const r of t.item.routers) {
        if (placedRouters.has(r.name)) continue;
        placedRouters.add(r.name);
        const rt = { kind: "router", item: r, kids: [] };
        t.kids.push(rt);
        queue.push(rt);
      }
    } else {
      for (const l of t.item.links) {
        const net = netBy.get(l.network);
        if (!net || seen.has(net.name)) continue;
        seen.add(net.name);
        const nt = { kind: "net", item: net, kids: [] };
        t.kids.push(nt);
        queue.push(nt);
      }
    }
  }
  /* Networks no router reaches hang off the root. */
  for (const net of nets) if (!seen.has(net.name)) {
    seen.add(net.name);
    tree.kids.push({ kind: "net", item: net, kids: [] });
  }
  for (const r of routers) if (!placedRouters.has(r.name)) {
    tree.kids.push({ kind: "router", item: r, kids: [] });
  }
  function weight(t) {
    t.w = (t.kind === "net" ? t.item.radius * 2 : 60) + t.kids.reduce((s, k) => s + weight(k), 0);
    return t.w;
  }
  weight(tree);
  /* Rings: each level far enough out for the clusters on it. */
  const levels = [];
  (function collect(t, d) {
    (levels[d] = levels[d] || []).push(t);
    t.kids.forEach(k => collect(k, d + 1));
  })(tree, 0);
  const ring = [0];
  for (let d = 1; d < levels.length; d++) {
    const need = levels[d].reduce((s, t) => s + (t.kind === "net" ? t.item.radius * 2.2 : 70), 0);
    const biggest = Math.max(...levels[d].map(t => t.kind === "net" ? t.item.radius : 30));
    const prevBig = Math.max(...levels[d - 1].map(t => t.kind === "net" ? t.item.radius : 30));
    ring[d] = Math.max(ring[d - 1] + prevBig + biggest + 40, need / (2 * Math.PI));
  }
  (function place(t, d, a0, a1) {
    const a = (a0 + a1) / 2;
    t.item.x = d === 0 ? 0 : ring[d] * Math.cos(a);
    t.item.y = d === 0 ? 0 : ring[d] * Math.sin(a);
    let at = a0;
    const total = t.kids.reduce((s, k) => s + k.w, 0) || 1;
    for (const k of t.kids) {
      const span = (a1 - a0) * k.w / total;
      place(k, d + 1, at, at + span);
      at += span;
    }
  })(tree, 0, -Math.PI / 2, 1.5 * Math.PI);
  for (const net of nets) {
    /* Members on a sunflower around the network's hub. */
    net.members.forEach((n, i) => {
      const r = 58 + STEP * Math.sqrt(i) * 1.15;
      const a = i * 2.39996;
      n.x = net.x + r * Math.cos(a);
      n.y = net.y + r * Math.sin(a);
    });
  }
  return { nets, nodes };
}

/* ---- drawing the map ---------------------------------------------------- */

const svg = document.getElementById("map");
const layers = {};

function shapeFor(n, g) {
  const c = n.color || "#fff";
  switch (n.kind) {
    case "router":
      return el("polygon", { class: "shape", points: "0,-13 16,0 0,13 -16,0", fill: c }, g);
    case "root": case "tld": case "auth":
      return el("rect", { class: "shape", x: -15, y: -10, width: 30, height: 20, rx: 2, fill: c }, g);
    case "resolver":
      return el("polygon", { class: "shape", fill: c,
        points: "-6,-14 6,-14 14,-6 14,6 6,14 -6,14 -14,6 -14,-6" }, g);
    case "command":
      return el("rect", { class: "shape", x: -14, y: -10, width: 28, height: 20, rx: 6, fill: c }, g);
    default:
      return el("circle", { class: "shape", r: 10, fill: c }, g);
  }
}

function drawMap() {
  const { nets, nodes } = layout(view.map);
  for (const id of ["links", "nets", "nodes", "arrows"]) {
    layers[id] = document.getElementById(id);
    layers[id].textContent = "";
  }
  view.nets.clear();
  view.nodes.clear();
  for (const net of nets) {
    const g = el("g", { class: "net", "data-net": net.name,
      transform: `translate(${net.x},${net.y})` }, layers.nets);
    const w = Math.max(70, net.name.length * 7 + 16);
    el("rect", { x: -w / 2, y: -15, width: w, height: 30, rx: 8 }, g);
    el("text", { y: -2 }, g).textContent = net.name;
    el("text", { y: 10, class: "prefix" }, g).textContent = net.v4 || net.v6;
    el("title", {}, g).textContent = `network ${net.name}\n${[net.v4, net.v6].filter(Boolean).join("\n")}`;
    g.addEventListener("click", () => toggleGroup(net.name));
    view.nets.set(net.name, { ...net, g });
  }
  for (const n of nodes) {
    const links = [];
    for (const l of n.links) {
      const net = view.nets.get(l.network);
      if (!net) continue;
      const line = el("line", { class: "link" + (l.impair ? " impaired" : ""),
        x1: n.x, y1: n.y, x2: net.x, y2: net.y, "data-link": `${n.name} ${l.network}` }, layers.links);
      el("title", {}, line).textContent =
        `${n.name} -- ${l.network}: ${l.addrs.join(", ")}${l.impair ? "\n" + l.impair : ""}`;
      links.push({ line, network: l.network });
    }
    const g = el("g", { class: "node " + n.kind, "data-node": n.name, "data-kind": n.kind,
      transform: `translate(${n.x},${n.y})` }, layers.nodes);
    shapeFor(n, g);
    el("text", { y: 24 }, g).textContent = n.name;
    const badge = el("text", { y: -16, class: "badge" }, g);
    const tip = [`${n.name} (${n.role})`];
    for (const l of n.links) tip.push(`${l.network}: ${l.addrs.join(", ")}`);
    for (const z of n.zones) tip.push(`zone ${z}`);
    if (n.resolver) tip.push(`asks ${n.resolver}`);
    el("title", {}, g).textContent = tip.join("\n");
    g.addEventListener("click", ev => { ev.stopPropagation(); showNode(n.name); });
    view.nodes.set(n.name, { ...n, g, badge, lines: links });
  }
  const names = document.getElementById("nodenames");
  names.textContent = "";
  for (const n of nodes) names.append(h("option", { value: n.name }));
  const from = document.getElementById("tfrom");
  from.textContent = "";
  for (const n of nodes.filter(n => n.resolver)) from.append(h("option", { text: n.name }));
  if ([...from.options].some(o => o.value === "laptop")) from.value = "laptop";
  buildRoutes(nodes, nets);
  if (nodes.length > 200) {
    for (const net of nets) if (net.members.length > GROUP_ABOVE) view.grouped.add(net.name);
    document.getElementById("group").checked = true;
  }
  applyGroups();
  applyStates();
  fit();
}

/* ---- grouping ------------------------------------------------------------ */

function toggleGroup(name) {
  const net = view.nets.get(name);
  if (!net || net.members.length === 0) return;
  if (view.grouped.has(name)) view.grouped.delete(name);
  else view.grouped.add(name);
  applyGroups();
}

function applyGroups() {
  for (const [name, net] of view.nets) {
    const folded = view.grouped.has(name);
    net.g.classList.toggle("grouped", folded);
    const label = net.g.querySelector(".prefix");
    label.textContent = folded ? `${net.members.length} nodes (click to open)` : (net.v4 || net.v6);
  }
  for (const [, n] of view.nodes) {
    const hidden = !n.router && n.home && view.grouped.has(n.home.name);
    n.g.classList.toggle("hidden", hidden);
    for (const l of n.lines) l.line.classList.toggle("hidden", hidden);
  }
}

/* Where an arrow ends on the map: the node, or its folded network. */
function anchor(name) {
  const n = view.nodes.get(name);
  if (!n) return null;
  if (!n.router && n.home && view.grouped.has(n.home.name)) return { x: n.home.x, y: n.home.y };
  return { x: n.x, y: n.y };
}

/* ---- routes: node -> network -> router -> network -> node --------------- */

function buildRoutes(nodes, nets) {
  view.adj = new Map();
  const add = (a, b) => {
    if (!view.adj.has(a)) view.adj.set(a, []);
    view.adj.get(a).push(b);
  };
  for (const n of nodes) for (const l of n.links) {
    add("node:" + n.name, "net:" + l.network);
    if (n.router) add("net:" + l.network, "node:" + n.name);
  }
  view.routes.clear();
}

function route(from, to) {
  const key = from + ">" + to;
  if (view.routes.has(key)) return view.routes.get(key);
  const start = "node:" + from, goal = "node:" + to;
  const prev = new Map([[start, null]]);
  const queue = [start];
  let found = false;
  while (queue.length && !found) {
    const v = queue.shift();
    for (const w of view.adj.get(v) || []) {
      if (prev.has(w)) continue;
      prev.set(w, v);
      if (w === goal) { found = true; break; }
      /* Only routers pass traffic on: hosts are ends. */
      if (w.startsWith("node:") && !view.nodes.get(w.slice(5)).router) continue;
      queue.push(w);
    }
    /* A network's members are reached from it. */
    if (v.startsWith("net:")) {
      const net = view.nets.get(v.slice(4));
      for (const m of net ? net.members : []) {
        const w = "node:" + m.name;
        if (!prev.has(w)) { prev.set(w, v); if (w === goal) found = true; }
      }
    }
  }
  let path = null;
  if (found) {
    path = [];
    for (let v = goal; v; v = prev.get(v)) path.unshift(v);
  }
  if (view.routes.size > 5000) view.routes.clear();
  view.routes.set(key, path);
  return path;
}

function points(path) {
  const pts = [];
  for (const v of path) {
    const p = v.startsWith("node:") ? anchor(v.slice(5))
      : (n => n && { x: n.x, y: n.y })(view.nets.get(v.slice(4)));
    if (!p) continue;
    const last = pts[pts.length - 1];
    if (!last || Math.hypot(last.x - p.x, last.y - p.y) > 1) pts.push(p);
  }
  return pts;
}

/* ---- arrows ---------------------------------------------------------- */

const moving = [];
let frameAsked = false;

function matches(e) {
  const f = view.filter;
  if (!f) return true;
  return e.from.toLowerCase().includes(f) || e.to.toLowerCase().includes(f) ||
    (e.qname || "").toLowerCase().includes(f);
}

function launch(e, label) {
  if (view.paused) return false;
  const path = route(e.from, e.to);
  if (!path) return false;
  const pts = points(path);
  if (pts.length < 2) return false;
  while (moving.length >= ARROWS_MAX) finish(moving[0]);
  const color = COLORS[e.kind] || COLORS.error;
  const g = el("g", { class: "arrow kind-" + e.kind, "data-from": e.from, "data-to": e.to,
    "data-kind": e.kind, "data-qname": e.qname || "" }, layers.arrows);
  const d = "M" + pts.map(p => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" L");
  const trail = el("path", { d, stroke: color, "marker-end": `url(#head-${e.kind})` }, g);
  const len = trail.getTotalLength();
  trail.setAttribute("stroke-dasharray", `0 ${len}`);
  const dot = el("circle", { r: 5, fill: color }, g);
  const text = el("text", { fill: color }, g);
  text.textContent = label || `${e.qtype || ""} ${e.qname || ""}`.trim();
  const a = { g, trail, dot, text, len, start: performance.now(),
    until: e.kind === "timeout" ? 0.55 : 1, kind: e.kind };
  moving.push(a);
  view.drawn.push({ from: e.from, to: e.to, kind: e.kind, qname: e.qname, at: Date.now() });
  if (view.drawn.length > 1000) view.drawn.splice(0, 500);
  if (!frameAsked) { frameAsked = true; requestAnimationFrame(frame); }
  return true;
}

function finish(a) {
  const i = moving.indexOf(a);
  if (i >= 0) moving.splice(i, 1);
  a.g.remove();
}

function frame(now) {
  frameAsked = false;
  for (const a of moving.slice()) {
    const t = Math.min(1, (now - a.start) / ARROW_MS);
    const s = Math.min(t, a.until);
    const p = a.trail.getPointAtLength(a.len * s);
    a.dot.setAttribute("cx", p.x);
    a.dot.setAttribute("cy", p.y);
    a.text.setAttribute("x", p.x + 7);
    a.text.setAttribute("y", p.y - 7);
    a.trail.setAttribute("stroke-dasharray", `${a.len * s} ${a.len}`);
    if (a.kind === "timeout" && t >= a.until) a.text.textContent = "\u2715 no answer";
    /* After the trip, the trail fades out. */
    const fade = (now - a.start - ARROW_MS) / 1400;
    if (fade > 0) a.g.setAttribute("opacity", Math.max(0, 1 - fade));
    if (fade >= 1) finish(a);
  }
  if (moving.length && !frameAsked) { frameAsked = true; requestAnimationFrame(frame); }
}

function addMarkers() {
  const defs = svg.querySelector("defs");
  for (const k of KINDS) {
    const m = el("marker", { id: "head-" + k, viewBox: "0 0 10 10", refX: 9, refY: 5,
      markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" }, defs);
    el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: COLORS[k] }, m);
  }
}

/* ---- the message list ---------------------------------------------------- */

const list = document.getElementById("messages");

function clock(t) {
  const d = new Date();
  return d.toTimeString().slice(0, 8) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

function listMessage(e) {
  const li = h("li", { class: "k-" + e.kind, "data-from": e.from, "data-to": e.to,
    "data-kind": e.kind, "data-qname": e.qname || "" });
  li.append(h("span", { class: "when", text: clock(e.t) + " " }),
    h("span", { class: "who", text: `${e.from} \u2192 ${e.to} ` }),
    h("span", { text: `${e.kind} ` }),
    h("span", { text: `${e.qtype || ""} ${e.qname || ""} ` }),
    h("span", { class: "what", text: e.detail || "" }));
  list.prepend(li);
  while (list.childElementCount > MESSAGES_MAX) list.lastElementChild.remove();
}

function onDns(e) {
  view.received++;
  if (view.paused) { view.pausedMissed++; return; }
  if (!matches(e)) return;
  listMessage(e);
  if (!document.hidden) launch(e);
  if (view.onDns) view.onDns(e);
}

/* ---- states -------------------------------------------------------------- */

function applyStates() {
  for (const [name, n] of view.nodes) {
    const s = view.states[name];
    const state = s ? s.state : (n.service === "none" ? "" : "");
    n.g.classList.remove("ready", "stopped", "failed", "starting", "restarting", "stopping");
    if (state) n.g.classList.add(state);
    n.g.setAttribute("data-state", state || "none");
    n.badge.textContent = state && state !== "ready" ? state : "";
  }
  for (const [name, n] of view.nodes) for (const l of n.lines) {
    const st = view.links[`${name} ${l.network}`];
    l.line.classList.toggle("down", st === "down");
    l.line.setAttribute("data-state", st || "up");
  }
}

async function loadState() {
  const s = await api("api/state");
  if (s.error) return;
  view.states = s.nodes || {};
  view.links = s.links || {};
  applyStates();
  counts(s);
}

function onState(m) {
  if (m.node) view.states[m.node] = { ...(view.states[m.node] || {}), state: m.state };
  if (m.link) view.links[m.link] = m.state;
  applyStates();
  const open = document.getElementById("node").dataset.name;
  if (open && open === m.node) showNode(open);
}

function counts(s) {
  const c = document.getElementById("counts");
  c.textContent = `${view.received} messages` +
    (view.dropped ? `, ${view.dropped} dropped for this page` : "") +
    (s && s.skipped ? `, ${s.skipped} octets of logs skipped` : "") +
    (view.paused ? `, ${view.pausedMissed} while paused` : "");
}

/* ---- the live stream --------------------------------------------------- */

function connect() {
  const conn = document.getElementById("conn");
  const es = new EventSource("api/events");
  es.addEventListener("open", () => {
    view.connected = true;
    conn.textContent = "live";
    conn.className = "conn on";
    loadState();
  });
  es.addEventListener("error", () => {
    view.connected = false;
    conn.textContent = "reconnecting";
    conn.className = "conn off";
  });
  es.addEventListener("dns", m => onDns(JSON.parse(m.data)));
  es.addEventListener("state", m => onState(JSON.parse(m.data)));
  es.addEventListener("dropped", m => { view.dropped += JSON.parse(m.data).dropped; counts(); });
  view.stream = es;
  setInterval(() => counts(), 1000);
}

/* ---- pan and zoom --------------------------------------------------------- */

const vp = { x: 0, y: 0, k: 1 };

function applyView() {
  document.getElementById("viewport").setAttribute("transform",
    `translate(${vp.x},${vp.y}) scale(${vp.k})`);
}

/* The whole map in view: what is drawn, folded networks as their box. */
function fit() {
  const r = svg.getBoundingClientRect();
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const take = (x, y, pad) => {
    x0 = Math.min(x0, x - pad); y0 = Math.min(y0, y - pad);
    x1 = Math.max(x1, x + pad); y1 = Math.max(y1, y + pad);
  };
  for (const [, net] of view.nets) take(net.x, net.y, 50);
  for (const [, n] of view.nodes)
    if (!n.g.classList.contains("hidden")) take(n.x, n.y, 40);
  if (!isFinite(x0) || !r.width) return;
  /* Room below for the legend. */
  vp.k = Math.min(r.width / (x1 - x0), (r.height - 50) / (y1 - y0), 2.5);
  vp.x = r.width / 2 - vp.k * (x0 + x1) / 2;
  vp.y = (r.height - 40) / 2 - vp.k * (y0 + y1) / 2;
  applyView();
}

function zoomAt(f, cx, cy) {
  const k = Math.min(8, Math.max(0.05, vp.k * f));
  vp.x = cx - (cx - vp.x) * k / vp.k;
  vp.y = cy - (cy - vp.y) * k / vp.k;
  vp.k = k;
  applyView();
}

function centerOn(x, y, k) {
  const r = svg.getBoundingClientRect();
  vp.k = k || Math.max(vp.k, 1.2);
  vp.x = r.width / 2 - vp.k * x;
  vp.y = r.height / 2 - vp.k * y;
  applyView();
}

function panAndZoom() {
  svg.addEventListener("wheel", ev => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect();
    zoomAt(ev.deltaY < 0 ? 1.15 : 1 / 1.15, ev.clientX - r.left, ev.clientY - r.top);
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", ev => {
    drag = { x: ev.clientX, y: ev.clientY, vx: vp.x, vy: vp.y };
    svg.classList.add("dragging");
  });
  window.addEventListener("pointermove", ev => {
    if (!drag) return;
    vp.x = drag.vx + ev.clientX - drag.x;
    vp.y = drag.vy + ev.clientY - drag.y;
    applyView();
  });
  window.addEventListener("pointerup", () => { drag = null; svg.classList.remove("dragging"); });
  const r = () => svg.getBoundingClientRect();
  document.getElementById("zoomin").onclick = () => zoomAt(1.3, r().width / 2, r().height / 2);
  document.getElementById("zoomout").onclick = () => zoomAt(1 / 1.3, r().width / 2, r().height / 2);
  document.getElementById("fit").onclick = fit;
}

/* ---- the panel: tabs, a node --------------------------------------------- */

function tab(name) {
  for (const b of document.querySelectorAll("#tabs button"))
    b.classList.toggle("on", b.dataset.tab === name);
  for (const t of document.querySelectorAll(".tab"))
    t.classList.toggle("on", t.id === "tab-" + name);
}

function find(name) {
  const n = view.nodes.get(name);
  if (!n) return false;
  if (!n.router && n.home && view.grouped.has(n.home.name)) {
    view.grouped.delete(n.home.name);
    applyGroups();
  }
  for (const [, m] of view.nodes) m.g.classList.remove("found");
  n.g.classList.add("found");
  centerOn(n.x, n.y);
  return true;
}

async function showNode(name) {
  const n = view.nodes.get(name);
  const box = document.getElementById("node");
  box.dataset.name = name;
  document.getElementById("node-hint").textContent = "";
  for (const [, m] of view.nodes) m.g.classList.toggle("selected", m.name === name);
  tab("node");
  const state = (view.states[name] || {}).state || (n && n.service !== "none" ? "?" : "no service");
  box.textContent = "";
  box.append(h("h2", { text: name + " " }, h("span", { class: "state " + state, text: state })));
  if (n) {
    box.append(h("div", { text: `${n.role}${n.hostname ? ", " + n.hostname : ""}` }));
    const addrs = h("ul");
    for (const l of n.links) {
      const st = view.links[`${name} ${l.network}`] || "up";
      addrs.append(h("li", { text: `${l.network}: ${l.addrs.join(", ")}${l.impair ? " (" + l.impair + ")" : ""}${st === "down" ? " \u2014 link down" : ""}` }));
    }
    box.append(h("h3", { text: "Addresses" }), addrs);
    if (n.resolver) box.append(h("div", { text: `asks ${n.resolver}` }));
  }
  const wait = h("p", { class: "hint", text: "asking the sim\u2026" });
  box.append(wait);
  const info = await api("api/node?name=" + encodeURIComponent(name));
  if (box.dataset.name !== name) return;
  wait.remove();
  if (info.error) { box.append(h("p", { text: info.error })); return; }
  if (info.zones.length) {
    const z = h("ul");
    for (const zone of info.zones) z.append(h("li", { text: zone }));
    box.append(h("h3", { text: "Zones" }), z);
  }
  if (info.stats !== undefined) box.append(h("h3", { text: "Counters (sim stats)" }), h("pre", { class: "stats", text: info.stats }));
  if (info.cache !== undefined) box.append(h("h3", { text: "Cache (sim cache dump)" }), h("pre", { class: "cache", text: info.cache }));
  const rec = h("ol", { class: "steps recent" });
  for (const e of info.recent.slice().reverse())
    rec.append(h("li", { class: "k-" + e.kind, text: `${e.from} \u2192 ${e.to}: ${e.kind} ${e.qtype} ${e.qname} ${e.detail}` }));
  box.append(h("h3", { text: "Recent messages" }), info.recent.length ? rec : h("p", { class: "hint", text: "none since the page opened" }));
}

/* ---- the trace: a sequence diagram, and the hops replayed on the map ---- */

function sequence(trace) {
  const lanes = trace.lanes, top = 28, row = 34;
  const room = document.getElementById("tresult").clientWidth || 400;
  const W = Math.max(84, Math.min(140, Math.floor((room - 4) / lanes.length)));
  const width = Math.max(300, lanes.length * W);
  const height = top + trace.hops.length * row + 20;
  const s = el("svg", { class: "seq", width, height, viewBox: `0 0 ${width} ${height}` });
  const defs = el("defs", {}, s);
  for (const k of ["query", "reply", "lost", "note"]) {
    const m = el("marker", { id: "sq-" + k, viewBox: "0 0 10 10", refX: 9, refY: 5,
      markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" }, defs);
    el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: hopColor({ kind: k, label: "" }) }, m);
  }
  const x = name => W / 2 + lanes.indexOf(name) * W;
  lanes.forEach(l => {
    el("text", { x: x(l), y: 14, class: "lane" }, s).textContent = l;
    el("line", { x1: x(l), y1: 20, x2: x(l), y2: height - 4, class: "life" }, s);
  });
  trace.hops.forEach((hp, i) => {
    const y = top + i * row + 18;
    const color = hopColor(hp);
    const x1 = x(hp.from), x2 = x(hp.to);
    const g = el("g", { class: "hop hop-" + hp.kind }, s);
    if (x1 === x2) {
      el("rect", { x: x1 + 4, y: y - 12, width: 8, height: 14, fill: color, opacity: .5 }, g);
    } else {
      el("line", { x1, y1: y, x2: hp.kind === "lost" ? (x1 + x2) / 2 : x2, y2: y, stroke: color,
        "stroke-width": 1.6, "stroke-dasharray": hp.kind === "reply" ? "5 3" : "",
        "marker-end": `url(#sq-${hp.kind})` }, g);
    }
    const t = el("text", { x: Math.min(x1, x2) + 4, y: y - 5, fill: color }, g);
    t.textContent = hp.label + (hp.took >= 0 ? ` (${hp.took < 1 ? "<1" : hp.took} ms)` : "");
  });
  return s;
}

function hopColor(hp) {
  if (hp.kind === "query") return COLORS.query;
  if (hp.kind === "lost") return COLORS.timeout;
  if (hp.kind === "note") return "#68707c";
  const l = hp.label;
  if (l.startsWith("referral")) return COLORS.referral;
  if (l.startsWith("NXDOMAIN")) return COLORS.nxdomain;
  if (l.startsWith("NODATA")) return COLORS.nodata;
  if (l.startsWith("answer") || l.startsWith("CNAME") || l.startsWith("NOERROR")) return COLORS.answer;
  return COLORS.error;
}

function hopKind(hp) {
  const c = hopColor(hp);
  return Object.keys(COLORS).find(k => COLORS[k] === c) || "error";
}

function replay(trace) {
  let delay = 0;
  for (const hp of trace.hops) {
    if (hp.kind === "note" || hp.from === hp.to) continue;
    const e = { from: hp.kind === "lost" ? hp.to : hp.from, to: hp.kind === "lost" ? hp.from : hp.to,
      kind: hopKind(hp), qname: "", qtype: "" };
    setTimeout(() => launch(e, hp.label.slice(0, 40)), delay);
    delay += ARROW_MS * 0.8;
  }
}

async function runTrace(ev) {
  ev.preventDefault();
  const name = document.getElementById("tname").value.trim();
  const type = document.getElementById("ttype").value;
  const from = document.getElementById("tfrom").value;
  const status = document.getElementById("tstatus");
  const out = document.getElementById("tresult");
  const button = document.getElementById("trun");
  button.disabled = true;
  status.textContent = `sim trace ${name} ${type} --from ${from} --cold \u2026`;
  out.textContent = "";
  const q = `name=${encodeURIComponent(name)}&type=${encodeURIComponent(type)}&from=${encodeURIComponent(from)}`;
  const r = await api("api/trace?" + q, "POST");
  button.disabled = false;
  if (r.error) { status.textContent = r.error; return; }
  status.textContent = `${r.rcode || "no answer"} in ${r.ms} ms, ${r.queries} upstream quer${r.queries === 1 ? "y" : "ies"}: the arrows replay on the map.`;
  const steps = h("ol", { class: "steps", id: "tsteps" });
  for (const hp of r.trace.hops)
    steps.append(h("li", { class: "hop-" + hp.kind, "data-from": hp.from, "data-to": hp.to,
      text: `${hp.from} \u2192 ${hp.to}: ${hp.label}` }));
  out.append(sequence(r.trace), steps,
    h("details", {}, h("summary", { text: "as sim trace prints it" }), h("pre", { id: "ttext", text: r.text })));
  view.lastTrace = r;
  replay(r.trace);
}

/* ---- lessons ----------------------------------------------------------- */

function prose(text) {
  /* Paragraphs, with `code` kept as code: no HTML is ever taken from it. */
  const box = h("div");
  for (const para of (text || "").split(/\n\s*\n/)) {
    const p = h("p");
    para.split(/(`[^`]*`)/).forEach(part => {
      if (part.startsWith("`") && part.endsWith("`") && part.length > 1) p.append(h("code", { text: part.slice(1, -1) }));
      else p.append(part);
    });
    box.append(p);
  }
  return box;
}

function showLesson(lessons, n) {
  const body = document.getElementById("lessonbody");
  body.textContent = "";
  const l = lessons.find(x => x.lesson === n);
  if (!l) return;
  body.append(h("h2", { text: l.title }), prose(l.intro));
  l.steps.forEach((s, i) => {
    const out = h("pre", { class: "output" });
    out.hidden = true;
    const verdict = h("span", { class: "verdict" });
    const run = h("button", { type: "button", class: "run", "data-step": String(i + 1), text: "Run" });
    const box = h("div", { class: "step", "data-step": String(i + 1) },
      h("h3", { text: `${i + 1}. ${s.title}` }), prose(s.text));
    for (const c of s.commands) box.append(h("div", { class: "cmd", text: c.startsWith("sleep") ? `(wait ${c.slice(5).trim()} s)` : "$ sudo ./sim " + c }));
    if (s.expect.length) box.append(h("div", { class: "hint", text: "expected: " + s.expect.join(" \u00b7 ") }));
    box.append(h("div", {}, run, verdict), out);
    run.addEventListener("click", async () => {
      run.disabled = true;
      verdict.className = "verdict";
      verdict.textContent = "running\u2026";
      const involved = new Set();
      view.onDns = e => { involved.add(e.from); involved.add(e.to); };
      const r = await api(`api/step?lesson=${l.lesson}&step=${i + 1}`, "POST");
      /* The nodes the step's messages touched stay marked a while. */
      setTimeout(() => {
        view.onDns = null;
        for (const name of involved) {
          const n = view.nodes.get(name);
          if (n) { n.g.classList.add("busy"); setTimeout(() => n.g.classList.remove("busy"), 4000); }
        }
      }, 800);
      run.disabled = false;
      out.hidden = false;
      if (r.error) { verdict.textContent = r.error; verdict.className = "verdict bad"; return; }
      out.textContent = r.output;
      verdict.textContent = s.expect.length ? (r.ok ? "\u2713 as expected" : "\u2717 not as expected") : (r.ok ? "done" : "failed");
      verdict.className = "verdict " + (r.ok ? "ok" : "bad");
    });
    body.append(box);
  });
}

async function loadLessons() {
  const lessons = await api("api/tutorials");
  const sel = document.getElementById("lesson");
  if (lessons.error || !lessons.length) return;
  for (const l of lessons) sel.append(h("option", { value: String(l.lesson), text: `${l.lesson}. ${l.title}` }));
  sel.addEventListener("change", () => showLesson(lessons, Number(sel.value)));
  showLesson(lessons, lessons[0].lesson);
}

/* ---- start ------------------------------------------------------------------ */

async function start() {
  /* The token stays in the cookie; the address bar and history lose it. */
  if (location.search.includes("token=")) history.replaceState(null, "", location.pathname);
  addMarkers();
  panAndZoom();
  for (const b of document.querySelectorAll("#tabs button"))
    b.addEventListener("click", () => tab(b.dataset.tab));
  const pause = document.getElementById("pause");
  pause.addEventListener("click", () => {
    view.paused = !view.paused;
    view.pausedMissed = 0;
    pause.textContent = view.paused ? "Resume" : "Pause";
    pause.classList.toggle("on", view.paused);
  });
  document.getElementById("filter").addEventListener("input", ev => {
    view.filter = ev.target.value.trim().toLowerCase();
  });
  document.getElementById("search").addEventListener("change", ev => find(ev.target.value.trim()));
  document.getElementById("group").addEventListener("change", ev => {
    view.grouped.clear();
    if (ev.target.checked) for (const [name, net] of view.nets)
      if (net.members.length > 1) view.grouped.add(name);
    applyGroups();
  });
  document.getElementById("traceform").addEventListener("submit", runTrace);
  window.addEventListener("resize", fit);
  const map = await api("api/map");
  if (map.error) { document.getElementById("simname").textContent = map.error; return; }
  view.map = map;
  document.getElementById("simname").textContent = "\u2014 sim " + map.sim;
  document.title = "dnsim: " + map.sim;
  drawMap();
  connect();
  loadLessons();
  view.ready = true;
}

start();
