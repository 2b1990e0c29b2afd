// Video check: streamed upload with a progress bar, job polling that survives reloads,
// and the angle plot of a finished report.
"use strict";
(function () {
  const form = document.getElementById("upload-form");
  if (form) {
    const input = document.getElementById("clip");
    const bar = document.getElementById("upload-progress");
    const status = document.getElementById("upload-status");
    const error = document.getElementById("upload-error");
    const button = document.getElementById("upload-button");
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      error.hidden = true;
      const file = input.files[0];
      if (!file) return;
      const maxMb = parseInt(input.dataset.maxMb, 10);
      if (file.size > maxMb * 1024 * 1024) {
        error.textContent = "The file is larger than " + maxMb + " MB: trim the clip to the set.";
        error.hidden = false;
        return;
      }
      const params = new URLSearchParams({ filename: file.name });
      ["pause_s", "lowering_s"].forEach(function (k) {
        const v = document.getElementById(k).value.trim().replace(",", ".");
        if (v) params.set(k, v);
      });
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/v1/analyses?" + params.toString());
      xhr.setRequestHeader("X-CSRF-Token", window.TC.csrf);
      xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
      });
      xhr.addEventListener("load", function () {
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status === 202 && data) {
          window.location.assign(data.report_url);
        } else {
          error.textContent = (data && data.detail ? data.detail : "Upload failed") + (data && data.hint ? " (" + data.hint + ")" : "");
          error.hidden = false;
          button.disabled = false;
          status.hidden = true;
        }
      });
      xhr.addEventListener("error", function () {
        error.textContent = "The upload was interrupted: check the connection and try again.";
        error.hidden = false;
        button.disabled = false;
      });
      button.disabled = true;
      status.hidden = false;
      xhr.send(file);
    });
  }

  const job = document.getElementById("job");
  if (job && (job.dataset.state === "queued" || job.dataset.state === "running")) {
    const bar = document.getElementById("job-progress");
    const msg = document.getElementById("job-message");
    const poll = async function () {
      try {
        const data = await window.TC.api("GET", "/api/v1/analyses/" + job.dataset.jobId);
        bar.value = Math.round(100 * data.progress);
        bar.textContent = bar.value + " %";
        msg.textContent = data.message;
        if (data.state === "done" || data.state === "failed") {
          window.location.reload();
          return;
        }
      } catch (e) {
        msg.textContent = "waiting for the server…";
      }
      setTimeout(poll, 1000);
    };
    setTimeout(poll, 500);
  }

  // The rep timeline under the video: a rep's segment jumps the video to that rep.
  const video = document.getElementById("report-video");
  document.querySelectorAll(".timeline [data-seek]").forEach(function (seg) {
    seg.addEventListener("click", function () {
      if (!video) return;
      video.currentTime = parseFloat(seg.dataset.seek) || 0;
      video.play().catch(function () { /* autoplay refused: the frame is shown */ });
    });
  });

  const chart = document.getElementById("chart-angles");
  if (chart && window.Plotly) {
    const sets = JSON.parse(document.getElementById("rep-data").textContent);
    window.TC.api("GET", "/api/v1/analyses/" + job.dataset.jobId + "/files/curves.json").then(function (c) {
      const traces = [
        { x: c.time_s, y: c.hip_angle_deg, name: "hip angle (°)", mode: "lines", line: { color: "#0b5cad" } },
        { x: c.time_s, y: c.knee_angle_deg, name: "knee angle (°)", mode: "lines", line: { color: "#888" } },
      ];
      const tops = { x: [], y: [], text: [], name: "top of each rep", mode: "markers", marker: { size: 10, color: [] } };
      const shapes = [];
      sets.forEach(function (s) {
        s.reps.forEach(function (r) {
          tops.x.push(r.top_s);
          tops.y.push(r.peak_hip_angle_deg);
          tops.text.push("rep " + r.index + " (" + r.side + ")" + (r.faults.length ? ": " + r.faults.map(function (f) { return f.code; }).join(", ") : ""));
          tops.marker.color.push(r.faults.length ? "#a4161a" : "#1b6e20");
          shapes.push({ type: "rect", xref: "x", yref: "paper", x0: r.top_s, x1: r.pause_end_s, y0: 0, y1: 1, fillcolor: "#1b6e20", opacity: 0.1, line: { width: 0 } });
        });
      });
      traces.push(tops);
      Plotly.newPlot(chart, traces, {
        margin: { t: 10, r: 10, b: 40, l: 50 }, xaxis: { title: { text: "time (s)" } }, yaxis: { title: { text: "degrees" } },
        legend: { orientation: "h", y: -0.25 }, shapes: shapes,
      }, { responsive: true, displaylogo: false });
    }).catch(function () { chart.textContent = "The angle data is not available."; });
  }
})();
