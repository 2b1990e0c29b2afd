// Progress charts with plotly.js (served locally). Weekly values sit on a week axis, one
// labelled slot per week ("week of 24 Nov 2025"), never on a day axis; loads in the user's unit.
"use strict";
(function () {
  const el = document.getElementById("progress-data");
  if (!el || !window.Plotly) return;
  const data = JSON.parse(el.textContent);
  const unitEl = document.getElementById("progress-unit");
  const unit = unitEl ? JSON.parse(unitEl.textContent) : { label: "kg", per_kg: 1 };
  const inUnit = function (xs) {
    return xs.map(function (v) { return v === null || v === undefined ? null : Math.round(v * unit.per_kg * 10) / 10; });
  };
  const COLORS = { left: "#6a3d9a", right: "#e07b00", both: "#0b5cad" };
  const layout = function (yTitle, extra) {
    return Object.assign({
      margin: { t: 10, r: 10, b: 40, l: 50 },
      yaxis: { title: { text: yTitle }, rangemode: "tozero" },
      xaxis: { type: "category" },
      legend: { orientation: "h", y: -0.25 },
      font: { family: "system-ui, sans-serif" },
    }, extra || {});
  };
  const config = { responsive: true, displaylogo: false };
  const ps = data.per_side;
  const load = [];
  ["left", "right"].forEach(function (side) {
    load.push({ x: ps.labels, y: inUnit(ps[side].top_load_kg), name: side + " dumbbell (" + unit.label + ")", mode: "lines+markers", line: { color: COLORS[side] }, connectgaps: false });
    load.push({ x: ps.labels, y: inUnit(ps[side].e1rm_kg), name: side + " e1RM incl. " + data.body_mass_share_pct + " % body mass", mode: "lines+markers", line: { color: COLORS[side], dash: "dot" } });
  });
  Plotly.newPlot("chart-load", load, layout(unit.label), config);

  if (data.symmetry) {
    const s = data.symmetry;
    const traces = [
      { x: s.labels, y: s.lsi.e1rm, name: "e1RM", mode: "lines+markers" },
      { x: s.labels, y: s.lsi.reps, name: "reps", mode: "lines+markers" },
      { x: s.labels, y: s.lsi.load, name: "load", mode: "lines+markers" },
    ];
    // 0-120 % shows the 90 % line well; a weak side far ahead (160 %) still fits on the chart.
    let top = 120;
    ["e1rm", "reps", "load"].forEach(function (m) {
      s.lsi[m].forEach(function (v) { if (v !== null && v + 10 > top) top = Math.ceil((v + 10) / 10) * 10; });
    });
    const shapes = [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: data.threshold_pct, y1: data.threshold_pct, line: { color: "#a4161a", dash: "dash", width: 2 } }];
    const annotations = [{ xref: "paper", x: 0, y: data.threshold_pct, text: data.threshold_pct + " % line", showarrow: false, yshift: 10, xanchor: "left" }];
    Plotly.newPlot("chart-lsi", traces, layout("%", { shapes: shapes, annotations: annotations, yaxis: { title: { text: "%" }, range: [0, top] } }), config);
  } else {
    document.getElementById("chart-lsi").textContent = "Not enough data yet.";
  }

  const vol = ["left", "right", "both"].map(function (side) {
    return { x: ps.labels, y: inUnit(ps[side].volume_kg), name: side, type: "bar", marker: { color: COLORS[side] } };
  });
  Plotly.newPlot("chart-volume", vol, layout(unit.label + " moved", { barmode: "group" }), config);

  const ff = data.form_flags;
  const form = [
    { x: ff.labels, y: ff.bench_contact, name: "bench contact ok (% of sets)", mode: "lines+markers" },
    { x: ff.labels, y: ff.pelvis_level, name: "pelvis level (% of sets)", mode: "lines+markers" },
    { x: ff.labels, y: ff.full_range, name: "full range (% of sets)", mode: "lines+markers" },
  ];
  if (data.video_symmetry) {
    const v = data.video_symmetry;
    form.push({ x: v.labels, y: v.lsi.peak_hip_angle, name: "video: peak hip angle symmetry (%)", mode: "lines+markers", line: { dash: "dot" } });
  }
  const anyForm = form.some(function (t) { return t.y.some(function (v) { return v !== null; }); });
  if (anyForm) {
    Plotly.newPlot("chart-form", form, layout("%", { yaxis: { title: { text: "%" }, range: [0, 110] } }), config);
  } else {
    document.getElementById("chart-form").textContent = "No form checks recorded yet: tick bench contact, pelvis and range when you log a set, or attach a video check.";
    document.getElementById("chart-form").classList.add("chart-empty");
  }
})();
