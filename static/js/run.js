// The run page: follows one run over its WebSocket and draws it as it arrives.
// Protocol (DESIGN.md): "snapshot" on connect, then "frame", "status", "done".
// After a dropped socket it reconnects with ?after=<last seq seen>, so nothing
// is lost or drawn twice.
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("run-config").textContent);
  const lang = config.language;
  const statusEl = document.getElementById("run-status");
  const detailEl = document.getElementById("run-detail");
  const connectionEl = document.getElementById("connection");
  const progressEl = document.getElementById("run-progress");
  const eventLog = document.getElementById("event-log");
  const cancelForm = document.getElementById("cancel-form");
  const finished = new Set(["succeeded", "failed", "cancelled"]);

  let lastSeq = -1;
  let status = statusEl.dataset.status;
  let retryDelay = 500;
  let socket = null;

  // One plotly chart per chart spec; each series is one trace.
  const charts = config.charts.map((chart) => {
    const el = document.createElement("div");
    el.className = "chart";
    el.id = "chart-" + chart.id;
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", chart.title[lang]);
    document.getElementById("charts").appendChild(el);
    const traces = chart.series.map((s) => ({ x: [], y: [], name: s.label[lang], mode: "lines" }));
    Plotly.newPlot(el, traces, {
      title: { text: chart.title[lang] },
      xaxis: { title: { text: chart.x_title[lang] } },
      yaxis: { title: { text: chart.y_title[lang] } },
      margin: { t: 40, r: 10, b: 45, l: 55 },
      height: 300,
      showlegend: chart.series.length > 1,
    }, { responsive: true, displaylogo: false });
    return { el, series: chart.series.map((s) => s.name) };
  });

  function addFrames(frames) {
    const fresh = frames.filter((f) => f.seq > lastSeq);
    if (!fresh.length) return;
    lastSeq = fresh[fresh.length - 1].seq;
    for (const chart of charts) {
      const xs = chart.series.map(() => []);
      const ys = chart.series.map(() => []);
      for (const frame of fresh) {
        chart.series.forEach((name, i) => {
          if (name in frame.series) {
            xs[i].push(frame.t);
            ys[i].push(frame.series[name]);
          }
        });
      }
      Plotly.extendTraces(chart.el, { x: xs, y: ys }, chart.series.map((_, i) => i));
    }
    for (const frame of fresh) {
      for (const event of frame.events) {
        const li = document.createElement("li");
        li.textContent = "t=" + Number(event.t).toFixed(1) + " s  " + event.text[lang];
        eventLog.appendChild(li);
      }
    }
    progressEl.value = fresh[fresh.length - 1].progress;
  }

  function showStatus(message) {
    status = message.status;
    statusEl.dataset.status = status;
    statusEl.textContent = config.statusLabels[status] || status;
    if (status === "queued" && message.queue_position) {
      detailEl.textContent = config.text.queuePosition.replace("%(position)s", message.queue_position);
    } else if (status === "failed" && message.error) {
      detailEl.textContent = "— " + message.error;
    } else {
      detailEl.textContent = "";
    }
    if (status === "succeeded") progressEl.value = 1;
    if (finished.has(status)) {
      if (cancelForm) cancelForm.hidden = true;
      connectionEl.textContent = "";  // nothing more will stream
      connectionEl.dataset.state = "";
    }
  }

  function showResult(result) {
    const body = document.getElementById("result-body");
    body.replaceChildren();
    for (const [key, value] of Object.entries(result || {})) {
      const row = document.createElement("tr");
      const name = document.createElement("th");
      name.scope = "row";
      name.textContent = key;
      const cell = document.createElement("td");
      cell.textContent = Array.isArray(value) ? value.join(", ") : String(value);
      row.append(name, cell);
      body.appendChild(row);
    }
    document.getElementById("result-section").hidden = false;
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    // Same origin behind a routing proxy; otherwise the socket server's own port on this host.
    const host = config.socketPort ? location.hostname + ":" + config.socketPort : location.host;
    socket = new WebSocket(scheme + host + config.socketPath + "?after=" + lastSeq);
    socket.onopen = () => {
      retryDelay = 500;
      connectionEl.textContent = config.text.connected;
      connectionEl.dataset.state = "live";
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "snapshot") {
        showStatus(message.run);
        addFrames(message.frames);
        if (message.run.result) showResult(message.run.result);
      } else if (message.type === "frame") {
        addFrames([message.frame]);
      } else if (message.type === "status") {
        showStatus(message);
      } else if (message.type === "done") {
        showResult(message.result);
      }
    };
    socket.onclose = (event) => {
      if (event.code === 4404) return;  // no such run
      if (finished.has(status)) {
        connectionEl.textContent = "";
        return;
      }
      connectionEl.textContent = config.text.reconnecting;
      connectionEl.dataset.state = "reconnecting";
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 5000);
    };
  }

  if (cancelForm) {
    cancelForm.addEventListener("submit", (event) => {
      event.preventDefault();
      fetch(cancelForm.action, { method: "POST", body: new FormData(cancelForm), headers: { "HX-Request": "true" } });
    });
  }

  connect();
})();
