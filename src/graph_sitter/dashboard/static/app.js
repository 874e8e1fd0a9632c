// graph-sitter dashboard: polls the JSON endpoints and renders tables and SVG charts.
// Every value from the server goes into the DOM as text (textContent / setAttribute), never as
// markup; links are made only from http(s) URLs.
"use strict";

(() => {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const W = 600, H = 200, PAD_L = 52, PAD_R = 10, PAD_T = 10, PAD_B = 24;
  const state = { window: 86400, refreshMs: 5000, timer: null, inFlight: false };

  const $ = (id) => document.getElementById(id);
  const num = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
  const rate = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 2 });
  const int = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  const usd = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 4 });

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function safeClass(value) {
    return typeof value === "string" && /^[A-Za-z_-]{1,40}$/.test(value) ? value : "";
  }

  function badge(value) {
    return el("span", value === null || value === undefined ? "–" : value, "badge " + safeClass(value));
  }

  function link(url, text) {
    if (typeof url === "string" && /^https?:\/\//i.test(url)) {
      const a = el("a", text);
      a.setAttribute("href", url);
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
      return a;
    }
    return el("span", text);
  }

  function cell(content, className) {
    const td = el("td", null, className);
    if (content instanceof Node) td.appendChild(content);
    else td.textContent = content === null || content === undefined ? "–" : String(content);
    return td;
  }

  function fillTable(id, rows, emptyText, columns) {
    const body = $(id).tBodies[0];
    const fresh = document.createElement("tbody");
    if (rows.length === 0) {
      const tr = el("tr");
      const td = cell(emptyText, "empty");
      td.setAttribute("colspan", String(columns));
      tr.appendChild(td);
      fresh.appendChild(tr);
    }
    for (const cells of rows) {
      const tr = el("tr");
      for (const c of cells) tr.appendChild(c);
      fresh.appendChild(tr);
    }
    body.replaceWith(fresh);
  }

  const pct = (v) => num.format((v || 0) * 100) + "%";
  const ms = (v) => (v === null || v === undefined ? "–" : num.format(v));
  function when(ts) {
    if (!ts) return "–";
    const d = new Date(ts * 1000);
    return state.window >= 86400
      ? d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" })
      : d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  // -- charts ------------------------------------------------------------------------------
  function svgEl(tag, attrs) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }

  // The axis top: four equal steps of 1, 2 or 5 times a power of ten.
  function niceTop(value) {
    if (!(value > 0)) return 4;
    const raw = value / 4;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * power >= raw) return 4 * m * power;
    return 40 * power;
  }

  // series: [{values: [number|null], kind: "bar"|"line", cls}], bars of one chart are stacked.
  function drawChart(svg, points, series, format) {
    const frag = document.createDocumentFragment();
    const n = points.length;
    const plotW = W - PAD_L - PAD_R, plotH = H - PAD_T - PAD_B;
    let max = 0;
    const stacked = new Array(n).fill(0);
    for (const s of series) {
      s.values.forEach((v, i) => {
        if (v === null || v === undefined) return;
        if (s.kind === "bar") { stacked[i] += v; max = Math.max(max, stacked[i]); }
        else max = Math.max(max, v);
      });
    }
    const top = niceTop(max);
    const y = (v) => PAD_T + plotH - (v / top) * plotH;
    const slot = plotW / Math.max(n, 1);
    for (let g = 0; g <= 4; g++) {
      const v = (top * g) / 4, yy = y(v);
      frag.appendChild(svgEl("line", { x1: PAD_L, x2: W - PAD_R, y1: yy, y2: yy, class: "grid" }));
      const label = svgEl("text", { x: PAD_L - 6, y: yy + 4, "text-anchor": "end", class: "axis" });
      label.textContent = format(v);
      frag.appendChild(label);
    }
    if (n > 0) {
      for (const [i, anchor] of [[0, "start"], [Math.floor(n / 2), "middle"], [n - 1, "end"]]) {
        const x = anchor === "end" ? PAD_L + plotW : PAD_L + i * slot + (anchor === "middle" ? slot / 2 : 0);
        const label = svgEl("text", { x, y: H - 6, "text-anchor": anchor, class: "axis" });
        label.textContent = when(points[i].t);
        frag.appendChild(label);
      }
    }
    const base = new Array(n).fill(0);
    let drawn = false;
    for (const s of series) {
      let d = "";
      if (s.kind === "bar") {
        s.values.forEach((v, i) => {
          if (!(v > 0)) return;
          const y0 = y(base[i]), y1 = y(base[i] + v);
          base[i] += v;
          const x = PAD_L + i * slot + slot * 0.1;
          d += `M${x.toFixed(1)} ${y0.toFixed(1)}V${y1.toFixed(1)}h${(slot * 0.8).toFixed(1)}V${y0.toFixed(1)}Z`;
        });
      } else {
        const has = (i) => i >= 0 && i < n && s.values[i] !== null && s.values[i] !== undefined;
        s.values.forEach((v, i) => {
          if (!has(i)) return;
          const x = PAD_L + i * slot + slot / 2, yy = y(v).toFixed(1);
          if (!has(i - 1) && !has(i + 1)) {  // an isolated point: a dash across its bucket
            d += `M${(x - slot * 0.4).toFixed(1)} ${yy}H${(x + slot * 0.4).toFixed(1)}`;
          } else {
            d += `${has(i - 1) ? "L" : "M"}${x.toFixed(1)} ${yy}`;
          }
        });
      }
      if (d) {
        frag.appendChild(svgEl("path", { d, class: s.cls }));
        drawn = true;
      }
    }
    if (!drawn) {
      const empty = svgEl("text", { x: PAD_L + plotW / 2, y: PAD_T + plotH / 2, "text-anchor": "middle", class: "empty" });
      empty.textContent = "no requests in this window";
      frag.appendChild(empty);
    }
    svg.replaceChildren(frag);
  }

  // -- sections ----------------------------------------------------------------------------
  function renderSummary(s) {
    const t = s.totals;
    $("kpi-requests").textContent = int.format(t.requests);
    $("kpi-rate").textContent = rate.format(t.requests_per_minute);
    $("kpi-errors").textContent = pct(t.error_rate);
    $("kpi-p50").textContent = ms(t.latency_ms.p50) + " ms";
    $("kpi-p95").textContent = ms(t.latency_ms.p95) + " ms";
    $("kpi-p99").textContent = ms(t.latency_ms.p99) + " ms";
    $("kpi-tokens").textContent = int.format(t.total_tokens);
    $("kpi-cost").textContent = usd.format(t.cost_usd);
    const ledger = s.ledger;
    $("ledger-path").textContent = !ledger.enabled ? "off (GRAPH_SITTER_AI_USAGE=off)"
      : ledger.reset_from ? `${ledger.path} (was corrupt: moved to ${ledger.reset_from}; a new ledger was started)`
      : ledger.exists ? ledger.path : `${ledger.path} (no requests recorded yet)`;

    const p = s.series.points;
    drawChart($("chart-requests"), p, [
      { kind: "bar", cls: "bar-ok", values: p.map((x) => x.requests - x.errors) },
      { kind: "bar", cls: "bar-err", values: p.map((x) => x.errors) },
    ], (v) => num.format(v));
    drawChart($("chart-latency"), p, [
      { kind: "line", cls: "line-p50", values: p.map((x) => x.p50_ms) },
      { kind: "line", cls: "line-p95", values: p.map((x) => x.p95_ms) },
    ], (v) => int.format(v));
    drawChart($("chart-tokens"), p, [
      { kind: "bar", cls: "bar-tokens", values: p.map((x) => x.tokens) },
    ], (v) => num.format(v));
    drawChart($("chart-cost"), p, t.requests ? [
      { kind: "line", cls: "line-cost", values: p.map((x) => x.cumulative_cost_usd) },
    ] : [], (v) => usd.format(v));

    const models = Object.entries(s.by_model).map(([name, m]) => [
      cell(name), cell(int.format(m.requests), "num"), cell(int.format(m.errors), "num"),
      cell(int.format(m.total_tokens), "num"), cell(usd.format(m.cost_usd), "num"),
      cell(ms(m.latency_ms.p50), "num"), cell(ms(m.latency_ms.p95), "num"), cell(ms(m.latency_ms.p99), "num"),
    ]);
    fillTable("models", models, "No requests in this window.", 8);
  }

  function renderProviders(data) {
    $("providers-note").textContent = data.error ? `Provider status unavailable: ${data.error}`
      : data.validated ? "" : "Checking credentials with the vendors…";
    const rows = data.providers.map((p) => {
      const u = p.usage;
      const circuit = p.circuit.state ? `${p.circuit.state}${p.circuit.source === "ledger" ? " (last request)" : ""}` : "–";
      const circuitCell = cell(badge(p.circuit.state || "–"));
      circuitCell.firstChild.textContent = circuit;
      return [
        cell(p.display_name),
        cell(badge(p.status)),
        cell(badge(p.credentials)),
        circuitCell,
        cell(u ? int.format(u.requests) : "0", "num"),
        cell(u ? pct(u.error_rate) : "–", "num"),
        cell(u ? ms(u.latency_ms.p95) : "–", "num"),
        cell(u ? `${when(u.last_ts)} · ${u.last_status}` : "–"),
        cell(p.error || ""),
      ];
    });
    fillTable("providers", rows, "No providers registered.", 9);
  }

  function renderRuns(data) {
    $("runs-note").textContent = !data.configured
      ? "Codegen not configured: set CODEGEN_ORG_ID and CODEGEN_TOKEN to list agent runs."
      : data.error ? `Could not list agent runs: ${data.error}` : "";
    const rows = data.runs.map((r) => {
      const prs = el("span");
      r.pull_requests.forEach((pr, i) => {
        if (i) prs.appendChild(document.createTextNode(", "));
        prs.appendChild(link(pr.url, pr.title));
      });
      return [
        cell(link(r.web_url, `#${r.id}`)), cell(badge(r.status)),
        cell(r.created_at ? new Date(r.created_at).toLocaleString() : "–"),
        cell(r.source_type), cell(r.summary), cell(prs),
      ];
    });
    fillTable("runs", rows, data.configured ? "No agent runs yet." : "Not configured.", 6);
    const ledgerRows = data.ledger.map((r) => [
      cell(when(r.ts)), cell(r.operation), cell(r.model), cell(badge(r.status)),
      cell(ms(r.latency_ms), "num"), cell(r.request_id),
    ]);
    fillTable("ledger-runs", ledgerRows, "No Codegen requests in the last 7 days.", 6);
  }

  function setStatus(kind, text) {
    const node = $("status");
    node.textContent = text;
    node.className = "status " + kind;
  }

  async function getJSON(path) {
    const response = await fetch(path, { cache: "no-store", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${path} answered HTTP ${response.status}`);
    return response.json();
  }

  async function refresh() {
    clearTimeout(state.timer);
    if (state.inFlight) return;
    state.inFlight = true;
    try {
      const q = `?window=${encodeURIComponent(state.window)}`;
      const [summary, providers, runs] = await Promise.all([
        getJSON(`/api/summary${q}`), getJSON(`/api/providers${q}`), getJSON("/api/runs"),
      ]);
      if (summary.refresh_seconds > 0) state.refreshMs = summary.refresh_seconds * 1000;
      renderSummary(summary);
      renderProviders(providers);
      renderRuns(runs);
      setStatus("ok", `updated ${new Date().toLocaleTimeString()}`);
      document.body.dataset.state = "ready";
      document.dispatchEvent(new CustomEvent("dashboard:rendered"));
    } catch (err) {
      setStatus("error", `offline: ${err && err.message ? err.message : err}`);
    } finally {
      state.inFlight = false;
      state.timer = setTimeout(refresh, state.refreshMs);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const select = $("window");
    state.window = Number(select.value);
    select.addEventListener("change", () => {
      state.window = Number(select.value);
      refresh();
    });
    refresh();
  });
})();
