// The command dashboard: fetches GET /api/v1/command/dashboard and draws tiles and ECharts charts.
// Refreshes every `data-refresh` seconds while the page is visible; drill down by clicking a bar or a
// district on the map, back up through the path in the header. No inline script (CSP).
(function () {
  "use strict";
  const root = document.getElementById("dashboard");
  if (!root || !window.echarts) return;
  const T = JSON.parse(document.getElementById("dashboard-strings").textContent);
  const lang = root.dataset.lang === "en" ? "en-GB" : "zh-CN";
  const numberFormat = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  const COLORS = ["#4fc3f7", "#ffb74d", "#81c784", "#e57373", "#ba68c8", "#fff176", "#4db6ac", "#f06292"];
  const AXIS = { axisLine: { lineStyle: { color: "#5b7391" } }, axisLabel: { color: "#a9bdd6" },
                 splitLine: { lineStyle: { color: "rgba(91,115,145,.25)" } } };
  const state = { region: root.dataset.region, data: null, bar: null, timer: null, loading: false };
  const charts = new Map();
  const fromInput = document.getElementById("date-from");
  const toInput = document.getElementById("date-to");
  const status = document.getElementById("status");

  const fmt = (s, values) => s.replace(/%\((\w+)\)s/g, (_m, k) => (values[k] ?? ""));
  const show = (value, percent) => value === null || value === undefined ? "–"
    : numberFormat.format(value) + (percent ? "%" : "");
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
    });
    children.forEach((c) => node.append(c));
    return node;
  };

  function chart(id, container) {
    let instance = charts.get(id);
    if (instance && instance.getDom().isConnected) return instance;
    instance = echarts.init(container, null, { renderer: "canvas" });
    charts.set(id, instance);
    // The grid settles after the data arrives (panels added, scrollbar shown): follow the box, not the window.
    if (window.ResizeObserver) new ResizeObserver(() => instance.resize()).observe(container);
    return instance;
  }

  function url() {
    const params = new URLSearchParams();
    if (state.region) params.set("region", state.region);
    if (fromInput.value) params.set("from", fromInput.value);
    if (toInput.value) params.set("to", toInput.value);
    return params;
  }

  async function load() {
    if (state.loading) return;
    state.loading = true;
    const params = url();
    try {
      const response = await fetch(root.dataset.api + "?" + params, { credentials: "same-origin",
        headers: { Accept: "application/json" } });
      if (!response.ok) {
        const problem = await response.json().catch(() => ({}));
        const detail = (problem.errors || []).map((e) => e.msg).join(" ");
        throw new Error(detail || problem.title || response.status);
      }
      state.data = await response.json();
      history.replaceState(null, "", root.dataset.page + "?" + params);
      draw(state.data);
      status.textContent = fmt(T.updated, { time: new Date().toLocaleTimeString(lang) });
      status.classList.remove("error");
    } catch (error) {
      status.textContent = T.failed + " " + error.message;
      status.classList.add("error");
    } finally {
      state.loading = false;
      schedule();
    }
  }

  function schedule() {
    clearTimeout(state.timer);
    if (document.hidden) return;
    state.timer = setTimeout(load, (Number(root.dataset.refresh) || 60) * 1000);
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      clearTimeout(state.timer);
      status.textContent = T.paused;
    } else {
      load();
    }
  });

  function go(region) {
    state.region = region;
    load();
  }

  function drawTrail(data) {
    const trail = document.getElementById("trail");
    trail.replaceChildren();
    data.trail.forEach((region, index) => {
      if (index) trail.append(el("span", { class: "sep", text: "›" }));
      if (region.code === data.region.code) {
        trail.append(el("span", { class: "here", "aria-current": "page", text: region.name }));
      } else {
        const link = el("a", { href: "?region=" + region.code, "data-region": region.code, text: region.name });
        trail.append(link);
      }
    });
    document.getElementById("region-name").textContent = data.region.name;
    document.title = data.region.name + " · " + document.title.split(" · ").slice(-1)[0];
  }

  function allTiles(data) {
    return data.fronts.flatMap((front) => front.tiles);
  }

  function drawFronts(data) {
    const box = document.getElementById("fronts");
    box.replaceChildren();
    if (!data.fronts.length) box.append(el("p", { class: "bs-empty", text: T.noData }));
    const period = data.from === data.to ? data.to : fmt(T.during, { from: data.from, to: data.to });
    data.fronts.forEach((front) => {
      const tiles = el("div", { class: "bs-tiles" });
      front.tiles.forEach((tile) => {
        const value = el("div", { class: "bs-value" }, show(tile.value, tile.percent));
        if (tile.unit && !tile.percent) value.append(el("small", { text: " " + tile.unit }));
        const meta = el("div", { class: "bs-meta", text: tile.cumulative ? fmt(T.asOf, { day: data.to }) : period });
        if (tile.yoy !== null && tile.yoy !== undefined) {
          meta.append(el("span", { class: tile.yoy >= 0 ? "up" : "down",
            text: " " + T.yoy + " " + (tile.yoy >= 0 ? "+" : "") + numberFormat.format(tile.yoy) + "%" }));
        }
        const button = el("button", { type: "button", class: "bs-tile" + (tile.key === state.bar ? " chosen" : ""),
          "data-key": tile.key, title: tile.key }, el("div", { class: "bs-label", text: tile.label }), value, meta);
        tiles.append(button);
      });
      box.append(el("section", { class: "bs-panel bs-front bs-front-" + front.key, "data-front": front.key },
        el("h2", { text: front.label }), tiles));
    });
  }

  document.getElementById("fronts").addEventListener("click", (event) => {
    const tile = event.target.closest(".bs-tile");
    if (!tile || !state.data) return;
    state.bar = tile.dataset.key;
    document.getElementById("bar-metric").value = state.bar;
    document.querySelectorAll(".bs-tile.chosen").forEach((t) => t.classList.remove("chosen"));
    tile.classList.add("chosen");
    drawBreakdown(state.data);
  });

  function drawBarSelect(data) {
    const select = document.getElementById("bar-metric");
    const tiles = allTiles(data);
    if (!tiles.some((t) => t.key === state.bar)) state.bar = data.default_bar;
    select.replaceChildren(...tiles.map((t) => el("option", { value: t.key, text: t.label })));
    select.value = state.bar || "";
  }

  document.getElementById("bar-metric").addEventListener("change", (event) => {
    state.bar = event.target.value;
    if (state.data) { drawFronts(state.data); drawBreakdown(state.data); }
  });

  function drawBreakdown(data) {
    const tile = allTiles(data).find((t) => t.key === state.bar);
    const panel = document.querySelector(".bs-breakdown");
    const level = data.children.length ? data.children[0].level : "";
    panel.hidden = !tile || !data.children.length;
    if (panel.hidden) return;
    document.getElementById("bars-title").textContent = tile.label + " · " + data.region.name;
    const names = data.children.map((c) => c.name);
    const bars = chart("bars", document.getElementById("chart-bars"));
    bars.setOption({
      backgroundColor: "transparent",
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: (v) => show(v, tile.percent) },
      xAxis: { type: "value", ...AXIS, axisLabel: { color: "#a9bdd6", formatter: (v) => show(v, tile.percent) } },
      yAxis: { type: "category", data: names, inverse: true, ...AXIS },
      series: [{ name: tile.label, type: "bar", data: tile.children, barMaxWidth: 22, cursor: "pointer",
                 itemStyle: { color: new echarts.graphic.LinearGradient(0, 0, 1, 0, [
                   { offset: 0, color: "#1565c0" }, { offset: 1, color: "#4fc3f7" }]) },
                 label: { show: true, position: "right", color: "#e3f2fd", formatter: (p) => show(p.value, tile.percent) } }],
    }, true);
    bars.off("click");
    bars.on("click", (params) => {
      const child = data.children[params.dataIndex];
      if (child) go(child.code);
    });
    const mapBox = document.getElementById("chart-map");
    const mapped = echarts.getMap && echarts.getMap("贵阳") && data.region.level === "city";
    mapBox.hidden = !mapped;
    if (mapped) {
      const values = tile.children.filter((v) => v !== null);
      const map = chart("map", mapBox);
      map.setOption({
        backgroundColor: "transparent",
        tooltip: { trigger: "item", formatter: (p) => p.name + "<br>" + show(p.value, tile.percent) },
        visualMap: { min: 0, max: Math.max(1, ...values), calculable: true, left: 8, bottom: 8, itemHeight: 90,
                     textStyle: { color: "#a9bdd6" }, inRange: { color: ["#0d2a4a", "#1565c0", "#4fc3f7", "#fff176"] } },
        series: [{ type: "map", map: "贵阳", roam: false, name: tile.label,
                   label: { show: true, color: "#e3f2fd", fontSize: 10 },
                   itemStyle: { borderColor: "#5b7391", areaColor: "#0d2a4a" },
                   emphasis: { label: { color: "#fff" }, itemStyle: { areaColor: "#ffb74d" } },
                   data: data.children.map((c, i) => ({ name: c.name, value: tile.children[i], code: c.code })) }],
      }, true);
      map.off("click");
      map.on("click", (params) => { if (params.data && params.data.code) go(params.data.code); });
    }
    panel.dataset.level = level;
    bars.resize();
  }

  function drawTrends(data) {
    const box = document.getElementById("trends");
    const wanted = new Set(data.trends.map((t) => "trend-" + t.key));
    Array.from(box.children).forEach((child) => {
      if (!wanted.has(child.dataset.id)) {
        const instance = charts.get(child.dataset.id);
        if (instance) { instance.dispose(); charts.delete(child.dataset.id); }
        child.remove();
      }
    });
    data.trends.forEach((trend) => {
      const id = "trend-" + trend.key;
      let panel = box.querySelector(`[data-id="${id}"]`);
      if (!panel) {
        panel = el("section", { class: "bs-panel bs-trend", "data-id": id },
          el("h2", { text: trend.title }), el("div", { class: "bs-chart", id: id, "data-chart": "trend" }));
        box.append(panel);
      }
      const secondAxis = !trend.percent && trend.series.length === 2;
      const instance = chart(id, panel.querySelector(".bs-chart"));
      instance.setOption({
        backgroundColor: "transparent", color: COLORS,
        grid: { left: 8, right: 12, top: 34, bottom: 8, containLabel: true },
        legend: { top: 0, textStyle: { color: "#cfe0f3" }, type: "scroll" },
        tooltip: { trigger: "axis", valueFormatter: (v) => show(v, trend.percent) },
        xAxis: { type: "category", data: data.days.map((d) => d.slice(5)), boundaryGap: false, ...AXIS },
        yAxis: secondAxis ? [{ type: "value", ...AXIS }, { type: "value", ...AXIS, splitLine: { show: false } }]
          : { type: "value", ...AXIS, max: trend.percent ? (v) => Math.max(100, v.max) : null },
        series: trend.series.map((line, index) => ({
          name: line.label, type: "line", smooth: true, showSymbol: data.days.length <= 31, symbolSize: 4,
          yAxisIndex: secondAxis ? index : 0, data: line.values,
          areaStyle: index === 0 && !trend.percent ? { opacity: 0.15 } : undefined })),
      }, true);
    });
  }

  function draw(data) {
    if (data.region.code !== state.region) state.region = data.region.code;
    fromInput.value = data.from;
    toInput.value = data.to;
    drawTrail(data);
    drawBarSelect(data);
    drawFronts(data);
    drawBreakdown(data);
    drawTrends(data);
  }

  document.getElementById("trail").addEventListener("click", (event) => {
    const link = event.target.closest("a[data-region]");
    if (!link) return;
    event.preventDefault();
    go(link.dataset.region);
  });

  document.getElementById("period").addEventListener("change", () => load());
  document.getElementById("period").addEventListener("submit", (event) => { event.preventDefault(); load(); });
  document.querySelectorAll(".bs-quick button").forEach((button) => button.addEventListener("click", () => {
    const to = toInput.value ? new Date(toInput.value + "T00:00:00Z") : new Date();
    const from = new Date(to.getTime() - (Number(button.dataset.days) - 1) * 86400000);
    fromInput.value = from.toISOString().slice(0, 10);
    load();
  }));

  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => charts.forEach((instance) => instance.resize()), 150);
  });

  const initial = new URLSearchParams(location.search);
  if (initial.get("region")) state.region = initial.get("region");
  load();
})();
