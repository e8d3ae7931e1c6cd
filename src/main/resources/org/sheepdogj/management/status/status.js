// The status page: polls the node's /v1 documents and draws them. No library: it must work with no network but the
// node's own.
"use strict";

const page = { samples: [], loaded: new Set(), last: null };
window.statusPage = page;

const HISTORY = 120;
const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== undefined && v !== null) e.setAttribute(k, v); });
  children.flat(Infinity).forEach(c => e.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return e;
}

function bytes(n) {
  if (n >= GiB) return (n / GiB).toFixed(1) + " GiB";
  if (n >= MiB) return (n / MiB).toFixed(1) + " MiB";
  return (n / 1024).toFixed(0) + " KiB";
}

function when(seconds) {
  return seconds ? new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19) : "";
}

function hex(id) {
  return id.toString(16);
}

async function fetchJson(path) {
  const r = await fetch(path, { cache: "no-store" });
  const body = await r.json();
  if (!r.ok) throw new Error(path + ": " + (body.error || r.status));
  page.loaded.add(path);
  if (page.loaded.size === 4) document.body.dataset.ready = "yes";
  return body;
}

function showCluster(c) {
  const badge = document.getElementById("cluster-status");
  badge.textContent = c.status;
  badge.className = "badge " + (c.status === "running" ? "running" : c.status.startsWith("waiting") ? "waiting" : "down");
  const dl = document.getElementById("cluster");
  dl.replaceChildren();
  [["epoch", c.epoch], ["copies", c.copies], ["backend", c.backend], ["nodes", c.nodes],
   ["recovery", c.recoveryEnabled ? "enabled" : "disabled"], ["formatted", when(c.formatTime)], ["this node", c.self]]
    .forEach(([k, v]) => dl.append(el("div", {}, el("dt", {}, k), el("dd", {}, v))));
}

function showNodes(doc) {
  const body = document.querySelector("#members tbody");
  body.replaceChildren();
  const nodes = [...doc.nodes].sort((a, b) => a.zone - b.zone || a.address.localeCompare(b.address));
  let zone = null;
  nodes.forEach(n => {
    const tr = el("tr", { class: n.zone !== zone ? "zone-start" : undefined });
    tr.append(el("td", {}, n.zone !== zone ? n.zone : ""));
    zone = n.zone;
    tr.append(el("td", { class: n.self ? "self" : undefined }, n.address + (n.gateway ? " (gateway)" : "")));
    tr.append(el("td", {}, n.vnodes));
    if (!n.reachable) {
      tr.append(el("td", { class: "unreachable", colspan: 4 }, "not answering"));
    } else {
      const used = n.disk.size ? n.disk.used / n.disk.size : 0;
      tr.append(el("td", { class: "nowrap", title: `${bytes(n.disk.free)} free` },
        el("span", { class: "bar" }, el("span", { style: `width:${(used * 100).toFixed(1)}%` })),
        `${bytes(n.disk.used)} of ${bytes(n.disk.size)}`));
      tr.append(el("td", {}, n.load.requestsInFlight));
      tr.append(el("td", {}, n.io.reads));
      tr.append(el("td", {}, n.io.writes));
    }
    body.append(tr);
  });
  sample(doc.nodes);
}

/** Adds the cluster's I/O totals as one sample; the charts show the rates between consecutive samples. */
function sample(nodes) {
  const now = performance.now() / 1000;
  const totals = { reads: 0, writes: 0, readBytes: 0, writeBytes: 0 };
  nodes.filter(n => n.reachable).forEach(n => Object.keys(totals).forEach(k => { totals[k] += n.io[k]; }));
  if (page.last && now > page.last.time) {
    const rate = k => Math.max(0, (totals[k] - page.last[k]) / (now - page.last.time));
    const s = { reads: rate("reads"), writes: rate("writes"),
                readMibs: rate("readBytes") / MiB, writeMibs: rate("writeBytes") / MiB };
    s.iops = s.reads + s.writes;
    s.mibs = s.readMibs + s.writeMibs;
    page.samples.push(s);
    if (page.samples.length > HISTORY) page.samples.shift();
    document.getElementById("iops").textContent = Math.round(s.iops);
    document.getElementById("throughput").textContent = s.mibs.toFixed(1);
  }
  page.last = { time: now, ...totals };
  draw("iops-chart", ["reads", "writes"], v => Math.round(v));
  draw("mibs-chart", ["readMibs", "writeMibs"], v => v.toFixed(1));
}

const COLOURS = ["#3b6fd8", "#e07b24"];

/** One chart: a line per key of the samples (reads blue, writes orange), scaled to the largest value shown. */
function draw(id, keys, label) {
  const canvas = document.getElementById(id);
  const ratio = window.devicePixelRatio || 1;
  canvas.width = canvas.clientWidth * ratio;
  canvas.height = canvas.clientHeight * ratio;
  const g = canvas.getContext("2d");
  g.scale(ratio, ratio);
  const w = canvas.clientWidth, h = canvas.clientHeight, left = 40, top = 8, bottom = 8;
  const max = Math.max(1, ...page.samples.flatMap(s => keys.map(k => s[k])));
  g.clearRect(0, 0, w, h);
  g.font = "11px system-ui, sans-serif";
  g.textAlign = "right";
  for (let i = 0; i <= 4; i++) {
    const y = top + (h - top - bottom) * i / 4;
    g.strokeStyle = "#e3e6ec";
    g.lineWidth = 1;
    g.beginPath(); g.moveTo(left, y); g.lineTo(w, y); g.stroke();
    g.fillStyle = "#5a6372";
    g.fillText(label(max * (4 - i) / 4), left - 4, y + 4);
  }
  keys.forEach((key, k) => {
    g.strokeStyle = COLOURS[k];
    g.lineWidth = 2;
    g.beginPath();
    page.samples.forEach((s, i) => {
      const x = left + (w - left) * (i + HISTORY - page.samples.length) / (HISTORY - 1);
      const y = top + (h - top - bottom) * (1 - s[key] / max);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  });
}

function showRecovery(doc) {
  const body = document.querySelector("#recovery tbody");
  body.replaceChildren();
  doc.nodes.forEach(n => {
    if (!n.reachable) {
      body.append(el("tr", {}, el("td", {}, n.address), el("td", { class: "unreachable", colspan: 3 }, "not answering")));
      return;
    }
    const s = n.state;
    const share = s.total ? s.done / s.total : 1;
    body.append(el("tr", {}, el("td", {}, n.address), el("td", {}, s.phase),
      el("td", { class: "nowrap" }, el("span", { class: "bar" }, el("span", { style: `width:${(share * 100).toFixed(1)}%` })),
        `${s.done} / ${s.total}`),
      el("td", {}, s.left)));
  });
}

function vdiLine(label, v) {
  return [label, el("span", { class: "meta" }, `id ${hex(v.id)}, ${bytes(v.size)}, ${v.copies} copies`,
    v.snapshotTime ? `, taken ${when(v.snapshotTime)}` : `, created ${when(v.createTime)}`,
    v.locked ? ", in use" : "")];
}

function showVdis(doc) {
  const tree = document.getElementById("vdis");
  tree.replaceChildren();
  doc.vdis.forEach(f => {
    const children = el("ul");
    f.snapshots.forEach(s => {
      const li = el("li", {}, vdiLine(["snapshot ", s.snapId, s.tag ? [" ", el("span", { class: "tag" }, s.tag)] : ""], s));
      const clones = f.clones.filter(c => c.fromId === s.id);
      if (clones.length) {
        li.append(el("ul", {}, clones.map(c => el("li", { class: "clone" }, `clone ${c.name} (id ${hex(c.id)})`))));
      }
      children.append(li);
    });
    if (f.working) children.append(el("li", {}, vdiLine("current", f.working)));
    const from = f.clonedFrom
      ? el("span", { class: "meta clone" }, `cloned from ${f.clonedFrom.name} snapshot ${f.clonedFrom.snapId}`
        + (f.clonedFrom.tag ? ` (${f.clonedFrom.tag})` : ""))
      : "";
    tree.append(el("li", {}, el("span", { class: "vdi-name" }, f.name), from, children));
  });
  if (!doc.vdis.length) tree.append(el("li", { class: "meta" }, "no VDIs"));
}

async function poll(path, show, every) {
  const error = document.getElementById("error");
  try {
    show(await fetchJson(path));
    error.hidden = true;
  } catch (e) {
    error.textContent = e.message;
    error.hidden = false;
  }
  setTimeout(() => poll(path, show, every), every);
}

poll("/v1/cluster", showCluster, 1000);
poll("/v1/nodes", showNodes, 1000);
poll("/v1/recovery", showRecovery, 1000);
poll("/v1/vdis", showVdis, 5000);
