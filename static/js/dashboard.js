/* The dashboards' charts (Apache ECharts, vendored; Chinese UI). Every bar and point with a URL leads to
   the list behind it. The table beneath each chart holds the same numbers. */
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var charts = [];

  function base(spec) {
    return {
      animation: false,
      color: spec.series.map(function (s) { return s.color; }).filter(Boolean),
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      legend: { top: 0, type: "scroll", show: spec.series.length > 1 },
      grid: { left: 8, right: 24, top: spec.series.length > 1 ? 32 : 12, bottom: 8, containLabel: true }
    };
  }

  function point(s, i) {
    var v = s.data[i];
    return { value: v, url: s.urls[i] || null, itemStyle: s.urls[i] ? {} : { opacity: 0.85 } };
  }

  function horizontal(spec, ranking) {
    var option = base(spec);
    option.yAxis = { type: "category", data: spec.categories, inverse: true, axisLabel: { width: 110, overflow: "truncate" } };
    option.xAxis = { type: "value", minInterval: 1, max: ranking && spec.unit === "%" ? 100 : null };
    option.series = spec.series.map(function (s) {
      return {
        name: s.name, type: "bar", stack: s.stack || undefined, barMaxWidth: 22, cursor: "pointer",
        data: s.data.map(function (_, i) { return point(s, i); }),
        label: ranking ? { show: true, position: "right", formatter: "{c}" + (spec.unit || "") } : { show: false }
      };
    });
    if (ranking) { option.legend = { show: false }; option.grid.top = 8; }
    return option;
  }

  function line(spec) {
    var option = base(spec);
    var twoAxes = spec.series.some(function (s) { return s.axis === 1; });
    option.tooltip.axisPointer = { type: "line" };
    option.xAxis = { type: "category", data: spec.categories, boundaryGap: true };
    option.yAxis = [{ type: "value", minInterval: 1 }];
    if (twoAxes) { option.yAxis.push({ type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }); }
    option.series = spec.series.map(function (s) {
      return {
        name: s.name, type: "line", yAxisIndex: s.axis || 0, smooth: false, symbolSize: 7, cursor: "pointer",
        data: s.data.map(function (_, i) { return point(s, i); }), connectNulls: true
      };
    });
    return option;
  }

  function build(spec) {
    if (spec.type === "line") { return line(spec); }
    return horizontal(spec, spec.type === "rank");
  }

  document.querySelectorAll(".dash-chart[data-spec]").forEach(function (el) {
    var node = document.getElementById(el.getAttribute("data-spec"));
    if (!node) { return; }
    var spec = JSON.parse(node.textContent);
    var chart = echarts.init(el, null, { locale: "ZH", renderer: "canvas" });
    chart.setOption(build(spec));
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) { window.location.href = url; }
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  // A changed filter applies at once: the URL holds the filters, so the view can be bookmarked and sent.
  var form = document.getElementById("dash-filters");
  if (form) {
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        Array.prototype.forEach.call(form.elements, function (e) { if (e.name && !e.value) { e.disabled = true; } });
        form.submit();
      });
    });
  }
}());
