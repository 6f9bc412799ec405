/* matchmaker charts: draws every <div class="chart" data-chart="…" data-source="id"> with Apache
 * ECharts (vendored beside this file), reading its data from <script type="application/json"
 * id="id">, rendered by the server with |tojson. No user text is ever evaluated as code.
 * Kinds: "sankey" {nodes, links}; "bars" {categories, series: [{name, data}], horizontal, stacked};
 * "pie" {items: [{name, value}]}. Charts redraw on window resize and after htmx swaps content in.
 * A bar <span data-fill="42.5"> is filled to that percentage here (the pages' Content-Security-
 * Policy refuses inline style attributes; a style set from a script is allowed).
 */
(function () {
  "use strict";

  var PALETTE = ["#c0392b", "#2f80ed", "#27ae60", "#e67e22", "#8e44ad", "#16a085", "#7f8c8d"];
  var FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  var charts = [];

  function narrow(el) {
    return el.clientWidth < 480;
  }

  function sankey(data, el) {
    var small = narrow(el);
    return {
      tooltip: { trigger: "item", triggerOn: "mousemove|click" },
      series: [{
        type: "sankey",
        data: data.nodes,
        links: data.links,
        left: 4, right: 4, top: 8, bottom: 8,
        nodeWidth: small ? 10 : 14,
        nodeGap: small ? 6 : 10,
        nodeAlign: "justify",
        draggable: false,
        emphasis: { focus: "adjacency" },
        lineStyle: { color: "gradient", opacity: 0.35, curveness: 0.5 },
        label: {
          fontSize: small ? 11 : 13,
          width: small ? 96 : 180,
          overflow: "truncate",
          position: "right"
        },
        levels: [
          { depth: 0, itemStyle: { color: PALETTE[0] }, label: { position: "right" } },
          { depth: 1, itemStyle: { color: PALETTE[1] }, label: { position: "left" } }
        ]
      }]
    };
  }

  // the width a label needs, roughly: a CJK character is square, a Latin one about half as wide
  function textWidth(text, fontSize) {
    var width = 0;
    String(text).split("\n").forEach(function (line) {
      var w = 0;
      for (var i = 0; i < line.length; i++) w += line.charCodeAt(i) > 0x2e80 ? fontSize : fontSize * 0.6;
      width = Math.max(width, w);
    });
    return width;
  }

  function bars(data, el) {
    var small = narrow(el);
    var fontSize = small ? 11 : 12;
    var categoryAxis = {
      type: "category",
      data: data.categories,
      axisLabel: { fontSize: fontSize, interval: 0, hideOverlap: true },
      axisTick: { alignWithLabel: true }
    };
    var valueAxis = { type: "value", minInterval: 1, axisLabel: { fontSize: 11 } };
    if (!data.horizontal) {
      // labels under the bars stay level and are thinned to those that fit side by side
      // (every second month on a phone) instead of being turned or run into each other
      var widest = 0;
      data.categories.forEach(function (c) { widest = Math.max(widest, textWidth(c, fontSize)); });
      var plot = Math.max(el.clientWidth - 56, 100);
      var fit = Math.max(1, Math.floor(plot / (widest + 8)));
      categoryAxis.axisLabel.interval = Math.max(0, Math.ceil(data.categories.length / fit) - 1);
      categoryAxis.axisLabel.rotate = 0;
    } else {
      // names beside the bars wrap onto a second line rather than being cut off
      categoryAxis.inverse = true;
      categoryAxis.axisLabel.width = small ? 96 : 150;
      categoryAxis.axisLabel.overflow = "break";
      categoryAxis.axisLabel.lineHeight = fontSize + 2;
    }
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, textStyle: { fontSize: small ? 11 : 12 } },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: data.horizontal ? valueAxis : categoryAxis,
      yAxis: data.horizontal ? categoryAxis : valueAxis,
      series: data.series.map(function (s) {
        return {
          name: s.name, type: "bar", data: s.data,
          stack: data.stacked ? "total" : undefined,
          barMaxWidth: 28,
          emphasis: { focus: "series" }
        };
      })
    };
  }

  function pie(data, el) {
    var small = narrow(el);
    return {
      color: data.colors || PALETTE,
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, textStyle: { fontSize: small ? 11 : 12 } },
      series: [{
        type: "pie",
        radius: small ? ["35%", "60%"] : ["40%", "68%"],
        center: ["50%", "45%"],
        data: data.items,
        // on a phone a name outside the ring is cut to "…": the count goes on the ring, the
        // names stay in the legend below
        label: small
          ? { position: "inside", formatter: "{c}", color: "#fff", fontSize: 12, fontWeight: "bold" }
          : { formatter: "{b}\n{c}", fontSize: 13 }
      }]
    };
  }

  var KINDS = { sankey: sankey, bars: bars, pie: pie };

  function dataOf(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    return source ? JSON.parse(source.textContent) : null;
  }

  function draw(el) {
    var kind = KINDS[el.getAttribute("data-chart")];
    var data = dataOf(el);
    if (!kind || !data || !window.echarts) return;
    var height = parseInt(el.getAttribute("data-height"), 10);
    if (height > 0) el.style.height = height + "px";
    var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
    var option = kind(data, el);
    option.textStyle = { fontFamily: FONT };
    option.animation = false;  // drawn at once: a picture of numbers, not a show
    chart.setOption(option, true);
    el.setAttribute("data-drawn", "true");
    if (charts.indexOf(chart) < 0) charts.push(chart);
  }

  function fillBars(scope) {
    var bars = scope.querySelectorAll("[data-fill]");
    for (var i = 0; i < bars.length; i++) {
      var value = parseFloat(bars[i].getAttribute("data-fill"));
      bars[i].style.width = (value >= 0 && value <= 100 ? value : 0) + "%";
    }
  }

  function drawAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    fillBars(scope);
    var found = scope.querySelectorAll(".chart[data-chart]");
    for (var i = 0; i < found.length; i++) draw(found[i]);
  }

  var pending = null;
  function redrawAll() {
    // redraw (not just resize) so label sizes follow the window, e.g. a phone turned sideways;
    // a change of height alone (a phone's address bar, a full-page capture) changes nothing
    charts = charts.filter(function (chart) { return !chart.isDisposed() && document.body.contains(chart.getDom()); });
    charts.forEach(function (chart) {
      var el = chart.getDom();
      if (el.clientWidth === chart.getWidth()) return;
      chart.resize();
      draw(el);
    });
  }

  window.addEventListener("resize", function () {
    if (pending) clearTimeout(pending);
    pending = setTimeout(redrawAll, 150);
  });
  document.addEventListener("htmx:load", function (event) { drawAll(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
})();
