/* The chart of one target month by month: the value, what was due, and the target value. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("target-chart-data").textContent);
  var english = (document.documentElement.lang || "").indexOf("en") === 0;
  var names = english ? ["Actual", "Due by then", "Target", "Save as image"]
                      : ["实际值", "应达到", "目标值", "保存为图片"];
  var chart = echarts.init(document.getElementById("target-chart"));

  function bound(side) {
    return function (extent) {
      var low = data.target === null ? extent.min : Math.min(extent.min, data.target);
      var high = data.target === null ? extent.max : Math.max(extent.max, data.target);
      var margin = (high - low) * 0.1 || Math.abs(high) * 0.1 || 1;
      var value = side < 0 ? low - margin : high + margin;
      return Number(value.toPrecision(3));
    };
  }
  var series = [
    { name: names[0], type: "line", data: data.value, symbolSize: 6 },
    { name: names[1], type: "line", data: data.required, symbol: "none",
      lineStyle: { type: "dashed" } },
  ];
  if (data.target !== null) {
    series[0].markLine = { symbol: "none",
                           label: { formatter: names[2] + " {c}", position: "insideEndTop" },
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
    // The target line is a mark line, which ECharts leaves out of the axis range: widen the
    // range to hold it, with a margin so neither line sits on the frame.
    yAxis: { type: "value", min: bound(-1), max: bound(1) },
    series: series,
  });
  window.plantrackCharts = { target: chart };
  window.addEventListener("resize", function () { chart.resize(); });
})();
