/* Dashboard charts (ECharts, served locally). Data comes from <script type="application/json">
   blocks written by the page; nothing runs inline (the CSP forbids it). */
(function () {
  "use strict";

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function bars(element, names, series, horizontal) {
    var chart = echarts.init(element);
    var category = { type: "category", data: names, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    var value = { type: "value" };
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 40, bottom: 70 },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function init() {
    if (typeof echarts === "undefined") { return; }
    var charts = data("chart-data");
    var labels = data("chart-labels") || {};
    if (!charts) { return; }
    var element;

    element = document.getElementById("chart-incidence");
    if (element && !element.hidden) {
      var incidence = charts.incidence;
      bars(element, incidence.names, incidence.years.map(function (year) {
        return { name: year, type: "bar", data: incidence.series[year] };
      }), false);
    }
    ["funds", "employment", "problems"].forEach(function (key) {
      element = document.getElementById("chart-" + key);
      if (!element || element.hidden) { return; }
      var chart = charts[key];
      bars(element, chart.names, Object.keys(chart.series).map(function (code) {
        return {
          name: labels[code] || code,
          type: "bar",
          data: chart.series[code].map(function (row) { return row.value; })
        };
      }), false);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
