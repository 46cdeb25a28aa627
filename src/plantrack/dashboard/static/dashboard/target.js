/* The chart of one target month by month: the value, what was due, and the target value. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("target-chart-data").textContent);
  var english = (document.documentElement.lang || "").indexOf("en") === 0;
  var names = english ? ["Actual", "Due by then", "Target", "Save as image"]
                      : ["实际值", "应达到", "目标值", "保存为图片"];
  var chart = echarts.init(document.getElementById("target-chart"));
  var series = [
    { name: names[0], type: "line", data: data.value, symbolSize: 6 },
    { name: names[1], type: "line", data: data.required, symbol: "none",
      lineStyle: { type: "dashed" } },
  ];
  if (data.target !== null) {
    series[0].markLine = { symbol: "none", label: { formatter: names[2] + " {c}" },
                           data: [{ yAxis: data.target }], lineStyle: { color: "#b42318" } };
  }
  chart.setOption({
    title: { text: data.title + (data.unit ? "（" + data.unit + "）" : ""), left: 8,
             textStyle: { fontSize: 13 } },
    toolbox: { feature: { saveAsImage: { title: names[3], pixelRatio: 2 } }, right: 8 },
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 48, right: 24, top: 40, bottom: 40 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", scale: true },
    series: series,
  });
  window.plantrackCharts = { target: chart };
  window.addEventListener("resize", function () { chart.resize(); });
})();
