// The run page and the compare page: follow one or two runs over their WebSockets
// and draw them as they arrive.
//
// Protocol (DESIGN.md): "snapshot" on connect (status and every frame after
// ?after=), then "frame", "status", "done"; with ?batch=1 (as here) frames come
// as "frames" messages, one per stored batch. Each run keeps the last seq it drew;
// after a dropped socket (or a restarted server) it reconnects with
// ?after=<last seq>, so nothing is lost and nothing is drawn twice.
(function () {
  "use strict";

const DASHES = ["solid", "dash"];
const PALETTE = ["#2563eb", "#059669", "#dc2626", "#d97706", "#7c3aed", "#0891b2"];
const CHART_OPTIONS = { responsive: true, displaylogo: false };
const WAIT_HINT_MS = 8000;

function socketAddress(port, path, after, lang) {
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  // Same origin behind a routing proxy; otherwise the socket server's own port on this host.
  const host = port ? location.hostname + ":" + port : location.host;
  return scheme + host + path + "?after=" + after + "&lang=" + lang + "&batch=1";
}

// Run's answer names the run's socket in a header: open it at once, while the run's view
// is still being swapped in, and hold what it says until the view takes it over.
const earlySockets = new Map();
document.addEventListener("htmx:beforeSwap", (event) => {
  const header = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Run-Socket");
  if (!header || !event.detail.shouldSwap) return;
  const { path, port, lang } = JSON.parse(header);
  const socket = new WebSocket(socketAddress(port, path, -1, lang));
  const held = { socket, events: [] };
  socket.onopen = socket.onmessage = socket.onclose = (e) => held.events.push(e);
  earlySockets.set(path, held);
});

// One trace per series (and run, when comparing: r is 0 for A, 1 for B, -1 alone).
function trace(series, i, lang, r, x, y) {
  return {
    x, y, mode: "lines",
    name: (r === 0 ? "A " : r === 1 ? "B " : "") + series.label[lang],
    line: { color: PALETTE[i % PALETTE.length], dash: DASHES[Math.max(r, 0) % DASHES.length], width: 2 },
  };
}

// The legend sits under the x axis title, with room for as many rows as its entries need.
function chartLayout(chart, lang, traceCount) {
  const legend = traceCount > 1;
  const rows = legend ? Math.ceil(traceCount / 3) : 0;
  const top = 40, axis = 48, row = 20;
  const bottom = axis + rows * row + (legend ? 6 : 0);
  const plot = 220;
  return {
    title: { text: chart.title[lang] },
    // Tick labels may run past the chart's edge (the margins leave them room): checking each
    // one against the edge costs a layout of the page per label, on every redraw.
    xaxis: { title: { text: chart.x_title[lang] }, ticklabeloverflow: "allow" },
    yaxis: { title: { text: chart.y_title[lang] }, rangemode: "tozero", ticklabeloverflow: "allow" },
    margin: { t: top, r: 10, b: bottom, l: 60 },
    height: top + plot + bottom,
    showlegend: legend,
    legend: { orientation: "h", yanchor: "top", y: -(axis + 4) / plot, x: 0 },
  };
}

function start(configEl) {
  if (configEl.dataset.started) return;
  configEl.dataset.started = "1";
  const config = JSON.parse(configEl.textContent);
  const lang = config.language;
  const finished = new Set(["succeeded", "failed", "cancelled"]);
  const comparing = config.runs.length > 1;

  // One view per run. Its socket opens first of all: the server's snapshot is on its way
  // while the rest of the page (topology, charts) is set up.
  const views = config.runs.map((run, r) => ({
    run, r,
    lastSeq: -1,
    frames: [],
    status: element("status", r).dataset.status,
    result: null,
    retryDelay: 250,
    socket: null,
  }));
  views.forEach(connect);

  // ---- charts: one plotly chart per chart spec; one trace per series and run ----
  const chartsEl = document.getElementById("charts");
  const charts = [];
  // A chart may be built after frames have arrived (charts are built one per task, so the
  // socket's first messages are not held up): it starts with every frame seen so far.
  const buildChart = (chart) => {
    const el = document.createElement("div");
    el.id = "chart-" + chart.id;
    chartsEl.appendChild(el);
    charts.push({ el, series: chart.series.map((s) => s.name) });
    el.className = "chart";
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", chart.title[lang]);
    const traces = [];
    config.runs.forEach((run, r) => {
      const seen = views[r].frames;
      chart.series.forEach((s, i) => {
        const shown = seen.filter((f) => f.series[s.name] !== undefined && f.series[s.name] !== null);
        traces.push(trace(s, i, lang, comparing ? r : -1, shown.map((f) => f.t), shown.map((f) => f.series[s.name])));
      });
    });
    const layout = chartLayout(chart, lang, traces.length);
    const begun = performance.now();
    Plotly.newPlot(el, traces, layout, CHART_OPTIONS);
    performance.measure("atlas:chart " + chart.id, { start: begun });  // shown in the browser's profiler
  };

  function drawFrames(runIndex, frames) {
    for (const chart of charts) {
      const n = chart.series.length;
      const xs = chart.series.map(() => []);
      const ys = chart.series.map(() => []);
      for (const frame of frames) {
        chart.series.forEach((name, i) => {
          const value = frame.series[name];
          if (value !== undefined && value !== null) {
            xs[i].push(frame.t);
            ys[i].push(value);
          }
        });
      }
      if (!xs.some((x) => x.length)) continue;
      const indices = chart.series.map((_, i) => runIndex * n + i);
      Plotly.extendTraces(chart.el, { x: xs, y: ys }, indices);  // extends; never redraws from scratch
    }
  }

  function clearCharts() {
    for (const chart of charts) {
      const count = chart.el.data.length;
      const empty = Array.from({ length: count }, () => []);
      Plotly.restyle(chart.el, { x: empty, y: empty });
    }
  }

  // ---- topology: nodes and links, coloured by the latest state in the frames ----
  const topologyEl = document.getElementById("topology");
  const nodeEls = {};
  if (topologyEl && config.topology && !comparing) {
    const NS = "http://www.w3.org/2000/svg";
    const W = 360, H = 200, BH = 26;
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.setAttribute("class", "topology-svg");
    const pos = {};
    for (const node of config.topology.nodes) {
      pos[node.id] = { x: 20 + node.x * (W - 40), y: 16 + node.y * (H - 32) };
    }
    // Boxes as wide as the closest neighbour on the same row allows, so they never overlap.
    const placed = Object.values(pos);
    let room = 110;
    placed.forEach((a, i) => placed.slice(i + 1).forEach((b) => {
      if (Math.abs(a.y - b.y) < BH + 2) room = Math.min(room, Math.abs(a.x - b.x) - 6);
    }));
    const BW = Math.max(44, room);
    for (const link of config.topology.links) {
      const line = document.createElementNS(NS, "line");
      line.setAttribute("x1", pos[link.source].x);
      line.setAttribute("y1", pos[link.source].y);
      line.setAttribute("x2", pos[link.target].x);
      line.setAttribute("y2", pos[link.target].y);
      line.setAttribute("class", "link");
      svg.appendChild(line);
    }
    for (const node of config.topology.nodes) {
      const g = document.createElementNS(NS, "g");
      g.setAttribute("class", "node");
      g.dataset.state = "idle";
      g.dataset.node = node.id;
      const rect = document.createElementNS(NS, "rect");
      rect.setAttribute("x", pos[node.id].x - BW / 2);
      rect.setAttribute("y", pos[node.id].y - BH / 2);
      rect.setAttribute("width", BW);
      rect.setAttribute("height", BH);
      rect.setAttribute("rx", 6);
      const text = document.createElementNS(NS, "text");
      text.setAttribute("x", pos[node.id].x);
      text.setAttribute("y", pos[node.id].y + 4);
      text.setAttribute("text-anchor", "middle");
      text.textContent = node.label[lang];
      const title = document.createElementNS(NS, "title");
      g.append(rect, text, title);
      svg.appendChild(g);
      nodeEls[node.id] = g;
    }
    topologyEl.appendChild(svg);
    // A label longer than its box is narrowed to fit (measured once the SVG is on the page).
    for (const g of Object.values(nodeEls)) {
      const text = g.querySelector("text");
      if (text.getComputedTextLength() > BW - 8) {
        text.setAttribute("textLength", BW - 8);
        text.setAttribute("lengthAdjust", "spacingAndGlyphs");
      }
    }
  }

  function paintNodes(frames) {
    for (let i = frames.length - 1; i >= 0; i--) {
      const states = frames[i].nodes;
      if (!states) continue;
      for (const [id, state] of Object.entries(states)) {
        const g = nodeEls[id];
        if (!g) continue;
        g.dataset.state = state;
        g.querySelector("title").textContent = (config.text.nodeStates[state] || state);
      }
      return;
    }
  }

  // ---- one view per run: status, progress, event log, result ----
  function element(kind, r) {
    return document.querySelector(`[data-run="${r}"][data-role="${kind}"]`);
  }


  function addFrames(view, frames, live) {
    const fresh = frames.filter((f) => f.seq > view.lastSeq);
    if (!fresh.length) return;
    if (live && fresh[0].seq !== view.lastSeq + 1 && view.socket) {
      // A live frame went missing on the way: reconnect; the snapshot fills the gap.
      view.socket.close(4000);
      return;
    }
    view.lastSeq = fresh[fresh.length - 1].seq;
    view.frames.push(...fresh);
    drawFrames(view.r, fresh);
    if (!comparing) paintNodes(fresh);
    logEvents(view, fresh);
    element("progress", view.r).value = fresh[fresh.length - 1].progress;
  }

  function logEvents(view, frames) {
    const log = element("events", view.r);
    if (!log) return;
    for (const frame of frames) {
      for (const event of frame.events) {
        const li = document.createElement("li");
        li.textContent = "t=" + Number(Number(event.t).toFixed(2)) + " s  " + event.text[lang];
        li.dataset.kind = event.kind;
        log.appendChild(li);
      }
    }
    if (frames.some((f) => f.events.length)) {
      log.hidden = false;
      log.scrollTop = log.scrollHeight;
    }
  }

  function showStatus(view, message) {
    // A run never goes back: a late "queued" (or anything after the end) is stale news.
    if (finished.has(view.status) || (message.status === "queued" && view.status === "running")) return;
    view.status = message.status;
    const statusEl = element("status", view.r);
    const detailEl = element("detail", view.r);
    statusEl.dataset.status = view.status;
    if (view.status !== "queued") document.querySelectorAll(`[data-role="wait-hint"]`).forEach((el) => el.remove());
    statusEl.textContent = config.statusLabels[view.status] || view.status;
    if (view.status === "queued") {
      if (message.queue_position) {
        detailEl.textContent = config.text.queuePosition.replace("%(position)s", message.queue_position);
      }
      // Still waiting after a while: say why it may be slow, rather than look stuck.
      if (!view.waitHint) {
        view.waitHint = setTimeout(() => {
          if (view.status !== "queued") return;
          const hint = document.createElement("span");
          hint.className = "wait-hint";
          hint.dataset.role = "wait-hint";
          hint.textContent = config.text.waitingForWorker;
          detailEl.after(hint);
        }, WAIT_HINT_MS);
      }
    } else if (view.status === "failed" && (message.error_text || message.error)) {
      detailEl.textContent = "— " + (message.error_text || message.error);
    } else {
      detailEl.textContent = "";
    }
    if (view.status === "succeeded") element("progress", view.r).value = 1;
    if (finished.has(view.status)) {
      const cancelForm = element("cancel", view.r);
      if (cancelForm) cancelForm.hidden = true;
      setConnection(view, "");
      if (views.every((v) => finished.has(v.status))) {
        document.querySelectorAll('[data-role="when-finished"]').forEach((el) => { el.hidden = false; });
      }
    }
  }

  function setConnection(view, state) {
    const el = element("connection", view.r);
    el.dataset.state = state;
    el.textContent = state === "live" ? config.text.connected : state === "reconnecting" ? config.text.reconnecting : "";
  }

  // ---- results: a table for one run; side by side, differences marked, for two ----
  function formatValue(value) {
    if (value === null || value === undefined) return "—";
    if (Array.isArray(value)) return value.map(formatValue).join(", ");
    if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
    return String(value);
  }

  function showResults() {
    const section = document.getElementById("result-section");
    const body = document.getElementById("result-body");
    const results = views.map((v) => v.result);
    if (results.every((r) => !r)) return;
    body.replaceChildren();
    // The scenario's own order and labels first, then any key it did not describe.
    const labels = config.results || {};
    const keys = Object.keys(labels).filter((key) => results.some((r) => r && key in r));
    for (const result of results) for (const key of Object.keys(result || {})) if (!keys.includes(key)) keys.push(key);
    for (const key of keys) {
      const row = document.createElement("tr");
      const name = document.createElement("th");
      name.scope = "row";
      const measure = labels[key];
      name.textContent = measure ? measure.label : key;
      if (measure && measure.help) name.title = measure.help;
      const code = document.createElement("code");
      code.className = "result-key";
      code.textContent = key;
      name.append(" ", code);
      row.appendChild(name);
      const values = results.map((r) => (r ? r[key] : undefined));
      for (const value of values) {
        const cell = document.createElement("td");
        cell.textContent = formatValue(value) + (measure && measure.unit && value !== null && value !== undefined ? " " + measure.unit : "");
        row.appendChild(cell);
      }
      if (comparing) {
        const diff = document.createElement("td");
        const [a, b] = values;
        if (results.every(Boolean) && JSON.stringify(a) !== JSON.stringify(b)) {
          row.classList.add("differs");
          if (typeof a === "number" && typeof b === "number") {
            const delta = b - a;
            diff.textContent = (delta > 0 ? "+" : "") + formatValue(delta) + (a !== 0 ? ` (${(delta / Math.abs(a) * 100).toFixed(1)} %)` : "");
          } else {
            diff.textContent = "≠";
          }
        }
        row.appendChild(diff);
      }
      body.appendChild(row);
    }
    section.hidden = false;
  }

  // ---- the charts are built once frames come: the first at once, the rest after it ----
  const pending = [...config.charts];
  let chartsStarted = false;
  function startCharts() {
    if (chartsStarted) return;
    chartsStarted = true;
    buildChart(pending.shift());
    // The rest one per task, once the first has been painted.
    const buildNext = () => {
      if (!pending.length) return;
      setTimeout(() => { buildChart(pending.shift()); buildNext(); }, 0);
    };
    requestAnimationFrame(buildNext);
  }

  // ---- the socket, with resume ----
  function connect(view) {
    const held = view.lastSeq === -1 && earlySockets.get(view.run.socketPath);
    earlySockets.delete(view.run.socketPath);
    const socket = held ? held.socket : new WebSocket(socketAddress(config.socketPort, view.run.socketPath, view.lastSeq, lang));
    view.socket = socket;
    socket.onopen = () => {
      view.retryDelay = 250;
      if (!finished.has(view.status)) setConnection(view, "live");
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "snapshot") {
        addFrames(view, message.frames);
        showStatus(view, message.run);
        if (message.run.result) { view.result = message.run.result; showResults(); }
      } else if (message.type === "frames") {
        addFrames(view, message.frames, true);
      } else if (message.type === "frame") {
        addFrames(view, [message.frame], true);
      } else if (message.type === "status") {
        showStatus(view, message);
      } else if (message.type === "done") {
        view.result = message.result;
        showResults();
      }
      // The first chart is built once frames have come (or the run has ended), holding
      // them from the start: one drawing, rather than an empty chart and then an update.
      if (view.frames.length || finished.has(view.status)) startCharts();
      // Nothing more will come for a finished run: let the socket go.
      if (finished.has(view.status) && (view.status !== "succeeded" || view.result)) socket.close(1000);
    };
    socket.onclose = (event) => {
      if (view.socket !== socket) return;
      view.socket = null;
      if (event.code === 4404 || finished.has(view.status)) {
        setConnection(view, "");
        return;
      }
      setConnection(view, "reconnecting");
      view.timer = setTimeout(() => connect(view), view.retryDelay);
      view.retryDelay = Math.min(view.retryDelay * 2, 4000);
    };
    // What the early socket heard before this view took it over.
    if (held) held.events.forEach((event) => socket["on" + event.type](event));
  }

  // Back online or back to the tab: retry at once rather than wait out the backoff.
  function reconnectNow() {
    for (const view of views) {
      if (!view.socket && !finished.has(view.status)) {
        clearTimeout(view.timer);
        view.retryDelay = 250;
        connect(view);
      }
    }
  }
  window.addEventListener("online", reconnectNow);
  // Leaving the page: close cleanly, so the browser's next socket to this server need not wait.
  window.addEventListener("pagehide", () => views.forEach((v) => { if (v.socket) v.socket.close(1000); }));
  document.addEventListener("visibilitychange", () => { if (!document.hidden) reconnectNow(); });

  // ---- cancel (the launching browser only; the server checks) ----
  document.querySelectorAll('[data-role="cancel"]').forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      form.querySelector("button").disabled = true;
      fetch(form.action, { method: "POST", body: new FormData(form), headers: { "HX-Request": "true" } });
    });
  });

  // ---- replay: play the stored frames again over a few seconds ----
  const replayButton = document.getElementById("replay");
  if (replayButton) {
    replayButton.addEventListener("click", () => {
      replayButton.disabled = true;
      clearCharts();
      views.forEach((v) => { const log = element("events", v.r); if (log) log.replaceChildren(); });
      const total = Math.max(...views.map((v) => v.frames.length));
      const steps = 120;  // about two seconds at 60 frames a second
      const perStep = Math.max(1, Math.ceil(total / steps));
      let index = 0;
      function step() {
        for (const view of views) {
          const slice = view.frames.slice(index, index + perStep);
          if (slice.length) {
            drawFrames(view.r, slice);
            if (!comparing) paintNodes(slice);
            logEvents(view, slice);
          }
        }
        index += perStep;
        if (index < total) requestAnimationFrame(step);
        else replayButton.disabled = false;
      }
      requestAnimationFrame(step);
    });
  }

  // The charts are built when the first frames come, or empty after half a second (a run
  // still queued): building one blocks the page for tens of milliseconds.
  setTimeout(startCharts, 500);
  window.atlasRun = { views };  // for tests and the curious
}

function boot() {
  const configEl = document.getElementById("run-config");
  if (configEl && window.Plotly) {
    start(configEl);
  } else if (window.Plotly && document.getElementById("run-form")) {
    warmUp();
  }
}

// Plotly's first chart on a page costs ~200 ms of one-time setup (styles, measuring
// text). On the scenario page, pay it while the reader fills in the form, so the
// run's charts appear at once after Run.
let warmedUp = false;
function warmUp() {
  if (warmedUp) return;
  warmedUp = true;
  const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 200));
  idle(() => {
    const el = document.createElement("div");
    el.style.cssText = "position:absolute;left:-10000px;top:0;width:600px;height:300px";
    el.setAttribute("aria-hidden", "true");
    document.body.appendChild(el);
    // Removed only once plotly has finished with it (its margin pass runs after newPlot resolves).
    Plotly.newPlot(el, [{ x: [0], y: [0], mode: "lines" }], { height: 300, title: { text: " " } })
      .then(() => setTimeout(() => { Plotly.purge(el); el.remove(); }, 2000));
  });
}
document.addEventListener("DOMContentLoaded", boot);
document.addEventListener("htmx:afterSettle", boot);  // the run's page swapped in after Run

})();
