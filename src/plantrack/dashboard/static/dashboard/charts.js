/* Charts of the overview (总览): the map or bar chart of the regions below, coloured by warning
   level, and one trend chart per headline indicator. Everything is drawn from the JSON the page
   embeds (#chart-data); every chart has a "save as image" button. Charts are kept on
   window.plantrackCharts so tests and other scripts can read what was drawn. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var charts = (window.plantrackCharts = {});
  var lang = document.documentElement.lang || "zh-hans";
  var english = lang.indexOf("en") === 0;
  var text = english
    ? { save: "Save as image", value: "Actual", level: "Warning level" }
    : { save: "保存为图片", value: "实际值", level: "预警等级" };
  var toolbox = { feature: { saveAsImage: { title: text.save, pixelRatio: 2 } }, right: 8 };

  function pieces() {
    return data.levels.map(function (l) {
      return { value: l.rank, label: l.name, color: l.colour };
    });
  }

  function regionData() {
    return data.children.map(function (c) {
      return { name: c.name, value: c.rank, code: c.code, level: c.level, url: c.url };
    });
  }

  function go(params) {
    if (params.data && params.data.url) window.location.href = params.data.url;
  }

  function tooltip(params) {
    var level = data.levels[params.value] || data.levels[0];
    return params.name + "：" + level.name;
  }

  function drawMap(element) {
    fetch(element.dataset.mapUrl)
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (geo) {
        echarts.registerMap(element.dataset.mapName, geo);
        var chart = echarts.init(element);
        chart.setOption({
          title: { text: data.region + " · " + data.month, left: 8, textStyle: { fontSize: 14 } },
          toolbox: toolbox,
          tooltip: { trigger: "item", formatter: tooltip },
          visualMap: { type: "piecewise", pieces: pieces(), left: 8, bottom: 8, text: [text.level] },
          series: [{ type: "map", map: element.dataset.mapName, roam: false, data: regionData(),
                     label: { show: true, fontSize: 11 }, emphasis: { label: { show: true } } }],
        });
        chart.on("click", go);
        charts.map = chart;
        element.dataset.ready = "1";
      })
      .catch(function () {
        element.outerHTML = '<p class="fallback" role="note">' +
          (english ? "The map could not be loaded; the table lists the regions."
                   : "地图加载失败；请看右侧表格。") + "</p>";
      });
  }

  function drawBars(element) {
    var chart = echarts.init(element);
    var rows = regionData();
    chart.setOption({
      toolbox: toolbox,
      tooltip: { trigger: "item", formatter: tooltip },
      grid: { left: 110, right: 24, top: 32, bottom: 24 },
      xAxis: { type: "value", min: 0, max: 4, show: false },
      yAxis: { type: "category", data: rows.map(function (r) { return r.name; }), inverse: true },
      visualMap: { type: "piecewise", pieces: pieces(), show: false, dimension: 0 },
      series: [{ type: "bar", data: rows.map(function (r) {
        return { value: Math.max(r.value, 0.3), name: r.name, url: r.url, level: r.level,
                 itemStyle: { color: data.levels[r.value].colour } };
      }) }],
    });
    chart.on("click", go);
    charts.bars = chart;
    element.dataset.ready = "1";
  }

  function drawTrend(element) {
    var trend = data.trends[Number(element.dataset.index)];
    var chart = echarts.init(element);
    var series = [{ name: text.value, type: "line", data: trend.value, connectNulls: false,
                    symbolSize: 6 }];
    trend.lines.forEach(function (line) {
      series.push({ name: line.name, type: "line", data: line.data, symbol: "none",
                    lineStyle: { type: "dashed" } });
    });
    chart.setOption({
      title: { text: trend.indicator + (trend.unit ? "（" + trend.unit + "）" : ""), left: 8,
               textStyle: { fontSize: 13 } },
      toolbox: toolbox,
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 48, right: 16, top: 40, bottom: 48 },
      xAxis: { type: "category", data: trend.months },
      yAxis: { type: "value", scale: true },
      series: series,
    });
    charts["trend-" + trend.code] = chart;
  }

  var map = document.getElementById("map");
  if (map) drawMap(map);
  var bars = document.getElementById("bars");
  if (bars) drawBars(bars);
  document.querySelectorAll(".chart.trend").forEach(drawTrend);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
})();
