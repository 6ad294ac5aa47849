/* Charts of the contract statistics page, drawn with Apache ECharts (served from the platform's static files,
   installed from npm). The figures come from the page's own JSON (json_script), the same as the tables. */
(function () {
  "use strict";
  var source = document.getElementById("contract-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var wan = function (s) { return Math.round(Number(s) / 100) / 100; };  // yuan string -> 万元, 2 places

  var monthly = document.getElementById("chart-monthly");
  if (monthly) {
    echarts.init(monthly).setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 70, right: 70, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months.map(function (m) { return m.label; }) },
      yAxis: [{ type: "value", name: "当月（万元）" }, { type: "value", name: "累计（万元）" }],
      series: [
        { name: "合同成交额", type: "bar", data: data.months.map(function (m) { return wan(m.contract_amount); }) },
        { name: "技术交易额", type: "bar", data: data.months.map(function (m) { return wan(m.transaction_amount); }) },
        { name: "累计合同成交额", type: "line", yAxisIndex: 1,
          data: data.cumulative.map(function (m) { return wan(m.cumulative); }) },
        { name: "目标进度", type: "line", yAxisIndex: 1, lineStyle: { type: "dashed" },
          data: data.cumulative.map(function (m) { return wan(m.target); }) }
      ]
    });
  }
  var fields = document.getElementById("chart-fields");
  if (fields) {
    var rows = data.fields.slice().reverse();
    echarts.init(fields).setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 170, right: 40, top: 10, bottom: 30 },
      xAxis: { type: "value", name: "万元" },
      yAxis: { type: "category", data: rows.map(function (r) { return r.label; }) },
      series: [{ name: "合同成交额", type: "bar", data: rows.map(function (r) { return wan(r.contract_amount); }) }]
    });
  }
})();
