// leakwatch dashboard script: draws the overview chart with uPlot from the
// JSON data block the server rendered. Served from 'self' (CSP forbids
// inline script); it never evaluates strings or writes HTML.
(function () {
  "use strict";

  function drawChart() {
    var el = document.getElementById("chart");
    var data = document.getElementById("series-data");
    if (!el || !data || typeof uPlot === "undefined") return;
    var points;
    try { points = JSON.parse(data.textContent); } catch (e) { return; }
    if (!Array.isArray(points) || points.length === 0) return;
    var xs = [], open = [], docs = [];
    points.forEach(function (p, i) {
      var t = Date.parse(p.started) / 1000;
      // Two scans started in the same second must stay two points.
      if (xs.length && t <= xs[xs.length - 1]) t = xs[xs.length - 1] + 1;
      xs.push(t); open.push(p.open); docs.push(p.documents);
    });
    var width = Math.max(320, el.clientWidth - 16);
    var opts = {
      title: "",
      width: width,
      height: 300,
      series: [
        {},
        { label: "Open services", stroke: "#c2410c", width: 2, scale: "n", points: { show: true } },
        { label: "Readable records", stroke: "#1d4ed8", width: 2, scale: "docs", points: { show: true } }
      ],
      axes: [
        {},
        { scale: "n", label: "open services" },
        { scale: "docs", side: 1, label: "records", grid: { show: false },
          values: function (u, vals) { return vals.map(function (v) { return v >= 1e6 ? (v / 1e6) + "M" : v >= 1e3 ? (v / 1e3) + "k" : v; }); } }
      ],
      scales: { n: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } }
    };
    el.dataset.points = String(points.length);
    var chart = new uPlot(opts, [xs, open, docs], el);
    el.dataset.ready = "true";
    window.addEventListener("resize", function () {
      chart.setSize({ width: Math.max(320, el.clientWidth - 16), height: 300 });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawChart);
  } else {
    drawChart();
  }
})();
