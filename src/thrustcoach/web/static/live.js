// Live coaching: the camera picture goes to the server a frame at a time (small JPEGs over a
// WebSocket, never more than two unanswered: frames are dropped, not queued); the server sends
// back the landmarks (drawn over the picture), the engine's events and the coach's cues, which
// this page shows and speaks (Web Speech API; Web Audio beeps when there is no voice).
// A dropped connection reconnects by itself and keeps the count (the server holds the session).
"use strict";
(function () {
  const root = document.getElementById("live");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const video = $("live-video");
  const overlay = $("live-overlay");
  const bones = JSON.parse(root.dataset.bones || "[]");
  const MAX_SIDE = 480;          // px: the pose model crops to 256 px anyway
  const MAX_FPS = 30;
  const MAX_IN_FLIGHT = 2;
  const JPEG_QUALITY = 0.7;
  const RECONNECT_MS = [500, 1000, 2000, 4000, 8000];
  const grab = document.createElement("canvas");

  let stream = null;
  let ws = null;
  let ready = false;
  let sessionId = sessionStorage.getItem("tc-live-session");
  let seq = 0;
  let inFlight = 0;
  let encoding = false;
  let lastSent = 0;
  let retries = 0;
  let stopped = false;           // taken over, refused, or the page decided to stop
  let planned = null;
  let tempo = { pause_s: null, lowering_s: null };
  let counts = { left: 0, right: 0, both: 0 };
  let bar = { phase: null, since: 0 };
  let audio = null;
  let wakeLock = null;

  // -- speech and beeps ---------------------------------------------------------------
  const voiceBox = $("live-voice");
  const beepBox = $("live-beep");
  voiceBox.checked = localStorage.getItem("tc-live-voice") !== "off";
  beepBox.checked = localStorage.getItem("tc-live-beep") !== "off";
  voiceBox.addEventListener("change", () => localStorage.setItem("tc-live-voice", voiceBox.checked ? "on" : "off"));
  beepBox.addEventListener("change", () => localStorage.setItem("tc-live-beep", beepBox.checked ? "on" : "off"));

  function hasVoice() {
    const s = window.speechSynthesis;
    return !!(s && typeof s.speak === "function" && window.SpeechSynthesisUtterance &&
      (!s.getVoices || s.getVoices().length > 0));
  }

  const PITCH = { count: 880, done: 990, hold: 660, lower: 440, fault: 220, switch: 520 };
  function beep(kind) {
    if (!beepBox.checked) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const n = kind === "fault" ? 2 : 1;
      for (let i = 0; i < n; i++) {
        const at = audio.currentTime + i * 0.2;
        const long = kind === "lower" || kind === "done";
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = PITCH[kind] || 600;
        gain.gain.setValueAtTime(0.25, at);
        gain.gain.exponentialRampToValueAtTime(0.001, at + (long ? 0.5 : 0.15));
        osc.connect(gain).connect(audio.destination);
        osc.start(at);
        osc.stop(at + (long ? 0.5 : 0.15));
      }
    } catch (e) { /* no audio device: the screen still shows the cue */ }
  }

  function say(cue) {
    $("live-cue").textContent = cue.text;
    if (voiceBox.checked && hasVoice()) {
      const s = window.speechSynthesis;
      // The count matters most: it interrupts a cue still being spoken.
      if ((cue.kind === "count" || cue.kind === "lower") && s.speaking) s.cancel();
      const u = new SpeechSynthesisUtterance(cue.text);
      u.rate = 1.15;
      s.speak(u);
    } else {
      beep(cue.kind);
    }
  }

  // -- drawing ------------------------------------------------------------------------
  function drawSkeleton(landmarks) {
    const w = overlay.clientWidth, h = overlay.clientHeight;
    if (overlay.width !== w || overlay.height !== h) { overlay.width = w; overlay.height = h; }
    const ctx = overlay.getContext("2d");
    ctx.clearRect(0, 0, w, h);
    if (!landmarks || !video.videoWidth) return;
    // The video is letterboxed inside its box (object-fit: contain): map image -> box.
    const scale = Math.min(w / video.videoWidth, h / video.videoHeight);
    const dw = video.videoWidth * scale, dh = video.videoHeight * scale;
    const ox = (w - dw) / 2, oy = (h - dh) / 2;
    const pt = (i) => [ox + landmarks[i][0] * dw, oy + landmarks[i][1] * dh, landmarks[i][2]];
    ctx.lineWidth = 4;
    ctx.lineCap = "round";
    for (const [a, b] of bones) {
      const p = pt(a), q = pt(b);
      if (p[2] < 0.5 || q[2] < 0.5) continue;
      ctx.strokeStyle = a % 2 === 1 && b % 2 === 1 ? "#3c9dff" : (a % 2 === 0 && b % 2 === 0 ? "#ff8a3c" : "#e6e6e6");
      ctx.beginPath(); ctx.moveTo(p[0], p[1]); ctx.lineTo(q[0], q[1]); ctx.stroke();
    }
  }

  function showCounts(c) {
    counts = c || counts;
    for (const side of ["left", "right", "both"]) {
      $("count-" + side).textContent = counts[side] || 0;
    }
    $("count-both-box").hidden = !(counts.both > 0 || (planned && planned.side === "both"));
  }

  function showPlan(p, t) {
    planned = p;
    tempo = t || tempo;
    for (const side of ["left", "right", "both"]) $("target-" + side).textContent = "";
    if (p) {
      $("plan-label").textContent = p.label;
      $("target-" + p.side).textContent = "of " + p.reps;
      $("tempo-inputs").hidden = true;
    }
    const markAt = (id, s) => { $(id).style.left = s ? "50%" : "100%"; };
    markAt("tempo-pause-mark", tempo.pause_s);
    markAt("tempo-lower-mark", tempo.lowering_s);
  }

  // Tempo bars: a bar's target mark sits in the middle; the fill grows with the phase.
  function fill(id, valueId, seconds, target) {
    const el = $(id);
    const full = target ? 2 * target : 4;
    el.style.width = Math.min(100, (100 * seconds) / full) + "%";
    el.classList.toggle("short", !!target && seconds < target * 0.75);
    el.classList.toggle("good", !!target && seconds >= target * 0.75);
    $(valueId).textContent = seconds.toFixed(1) + (target ? " / " + target + " s" : " s");
  }

  function tickBars() {
    if (bar.phase === "pause") fill("tempo-pause", "tempo-pause-value", (performance.now() - bar.since) / 1000, tempo.pause_s);
    if (bar.phase === "lowering") fill("tempo-lower", "tempo-lower-value", (performance.now() - bar.since) / 1000, tempo.lowering_s);
    requestAnimationFrame(tickBars);
  }
  requestAnimationFrame(tickBars);

  const PHASES = { lift: "Drive up", pause: "Hold at the top", lowering: "Lower slowly", rest: "At the bottom" };
  function onEvent(ev) {
    const lateMs = Math.max(0, (ev.known_at_s - ev.time_s) * 1000);
    if (ev.kind === "phase") {
      $("live-phase").textContent = PHASES[ev.phase] || ev.phase;
      bar = { phase: ev.phase, since: performance.now() - lateMs };
      if (ev.phase === "lift") { fill("tempo-pause", "tempo-pause-value", 0, tempo.pause_s); fill("tempo-lower", "tempo-lower-value", 0, tempo.lowering_s); }
    } else if (ev.kind === "rep" && ev.rep) {
      if (ev.rep.pause_s != null) fill("tempo-pause", "tempo-pause-value", ev.rep.pause_s, tempo.pause_s);
      if (ev.rep.eccentric_s != null) fill("tempo-lower", "tempo-lower-value", ev.rep.eccentric_s, tempo.lowering_s);
      bar = { phase: "rest", since: performance.now() };
      $("live-phase").textContent = "Rep done: " + ev.message;
      $("live-end").hidden = false;
      const now = $("live-log-now"); if (now) now.hidden = false;
    } else if (ev.kind === "set_ended") {
      $("live-status").textContent = "No reps for a while: log the set, or carry on and the count goes on.";
    } else if (ev.kind === "warning") {
      $("live-status").textContent = ev.message;
    }
  }

  function status(text) { $("live-status").textContent = text; }
  function error(text) { const e = $("live-error"); e.textContent = text; e.hidden = !text; }

  function onMessage(msg) {
    if (msg.type === "frame") {
      inFlight = Math.max(0, inFlight - 1);
      if (msg.skipped) return;
      drawSkeleton(msg.landmarks);
      (msg.events || []).forEach(onEvent);
      (msg.cues || []).forEach(say);
      showCounts(msg.counts);
      const hint = $("live-hint");
      hint.hidden = !msg.hint;
      hint.textContent = msg.hint || "";
      status(msg.fps.toFixed(0) + " frames/s analysed" + (msg.dropped ? ", " + msg.dropped + " dropped (the server was busy)" : ""));
    } else if (msg.type === "ready") {
      ready = true;
      retries = 0;
      sessionId = msg.session;
      sessionStorage.setItem("tc-live-session", sessionId);
      showPlan(msg.planned, msg.tempo);
      showCounts(msg.counts);
      error("");
      $("live-takeover").hidden = true;
      $("live-end").hidden = !Object.values(msg.counts || {}).some((n) => n > 0);
      status(msg.resumed ? "Reconnected: the count goes on." : "Counting. Start your set when ready.");
      if (!msg.counting) $("live-phase").textContent = "Set ended";
      sendPlan();
    } else if (msg.type === "status") {
      status(msg.message);
    } else if (msg.type === "summary") {
      showSummary(msg);
    } else if (msg.type === "busy") {
      stopped = true;
      error(msg.message);
      $("live-takeover").hidden = false;
    } else if (msg.type === "taken_over") {
      stopped = true;
      stopCamera();
      error(msg.message);
    } else if (msg.type === "error") {
      error(msg.message);
    }
  }

  // -- the connection -----------------------------------------------------------------
  function connect(takeover) {
    stopped = false;
    ready = false;
    inFlight = 0;
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/live/ws";
    const sock = new WebSocket(url);
    ws = sock;
    sock.binaryType = "arraybuffer";
    sock.onopen = () => sock.send(JSON.stringify({ type: "hello", session: sessionId, takeover: !!takeover }));
    sock.onmessage = (e) => { if (typeof e.data === "string") onMessage(JSON.parse(e.data)); };
    sock.onclose = (e) => {
      if (ws !== sock) return;
      ready = false;
      if (stopped || [4001, 4009, 4401, 4403].includes(e.code)) {
        if (e.code === 4401) error("Please log in again: your session has ended.");
        return;
      }
      const wait = RECONNECT_MS[Math.min(retries, RECONNECT_MS.length - 1)];
      retries += 1;
      status("Connection lost: reconnecting… your count is kept (" + (counts.left || 0) + " left, " + (counts.right || 0) + " right).");
      setTimeout(() => { if (!stopped && stream) connect(false); }, wait);
    };
  }

  function typedTempo() {
    const read = (id) => { const v = parseFloat($(id).value.replace(",", ".")); return isFinite(v) ? v : null; };
    return { pause_s: read("live-pause"), lowering_s: read("live-lowering") };
  }

  function sendPlan() {
    if (planned) return;
    showPlan(null, typedTempo());  // without a plan, the typed tempo is the bars' target
    if (!ws || ws.readyState !== 1) return;
    ws.send(JSON.stringify({ type: "plan", pause_s: $("live-pause").value.replace(",", "."), lowering_s: $("live-lowering").value.replace(",", ".") }));
  }
  $("live-pause").addEventListener("change", sendPlan);
  $("live-lowering").addEventListener("change", sendPlan);

  // -- frames -------------------------------------------------------------------------
  function pump() {
    if (!stream) return;
    const now = performance.now();
    if (ready && ws && ws.readyState === 1 && !encoding && inFlight < MAX_IN_FLIGHT &&
        now - lastSent >= 1000 / MAX_FPS - 2 && video.videoWidth) {
      const k = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
      grab.width = Math.round(video.videoWidth * k);
      grab.height = Math.round(video.videoHeight * k);
      grab.getContext("2d").drawImage(video, 0, 0, grab.width, grab.height);
      const taken = performance.now();
      encoding = true;
      lastSent = taken;
      grab.toBlob((blob) => {
        encoding = false;
        if (!blob || !ws || ws.readyState !== 1) return;
        blob.arrayBuffer().then((jpeg) => {
          const msg = new Uint8Array(12 + jpeg.byteLength);
          const head = new DataView(msg.buffer);
          head.setFloat64(0, taken, true);
          head.setUint32(8, seq++ >>> 0, true);
          msg.set(new Uint8Array(jpeg), 12);
          if (ws.readyState === 1) { ws.send(msg.buffer); inFlight += 1; }
        });
      }, "image/jpeg", JPEG_QUALITY);
    }
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(pump);
    else setTimeout(pump, 1000 / MAX_FPS);
  }

  async function startCamera() {
    error("");
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      error("The browser gives the camera only to secure pages. Open this page on http://127.0.0.1 on this computer, or start the app with 'thrustcoach serve --https' and open its https address (scan the QR code below on a phone).");
      return;
    }
    // Sound needs a tap first on phones: unlock audio and speech now.
    try { audio = audio || new (window.AudioContext || window.webkitAudioContext)(); audio.resume(); } catch (e) { /* no audio */ }
    if (window.speechSynthesis && window.speechSynthesis.getVoices) window.speechSynthesis.getVoices();
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: "environment", width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } },
      });
    } catch (e) {
      const why = {
        NotAllowedError: "Camera access was refused. Allow the camera for this site (the camera icon in the address bar, or the browser's site settings) and press Start camera again.",
        NotFoundError: "No camera was found. Plug one in, or use a phone as the camera (below).",
        NotReadableError: "The camera is busy in another app or tab. Close it there and press Start camera again.",
        OverconstrainedError: "The camera cannot film at a usable size.",
      };
      error(why[e.name] || "The camera could not start: " + e.message);
      return;
    }
    video.srcObject = stream;
    await video.play().catch(() => {});
    $("live-placeholder").hidden = true;
    $("live-start").hidden = true;
    $("live-phase").textContent = "Connecting…";
    try { if (navigator.wakeLock) wakeLock = await navigator.wakeLock.request("screen"); } catch (e) { /* the screen may dim */ }
    stream.getVideoTracks()[0].addEventListener("ended", () => { error("The camera stopped (unplugged, or taken by another app)."); stopCamera(); });
    connect(false);
    pump();
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    $("live-start").hidden = false;
    if (wakeLock) { wakeLock.release().catch(() => {}); wakeLock = null; }
  }

  // -- the end of the set ---------------------------------------------------------------
  const fmt = (v) => (v == null ? "–" : v.toFixed(1) + " s");
  function showSummary(s) {
    const box = $("live-summary");
    box.hidden = false;
    $("live-end").hidden = true;
    $("live-phase").textContent = "Set ended";
    const parts = ["left", "right", "both"].filter((k) => s.counts[k] > 0).map((k) => s.counts[k] + " " + (k === "both" ? "reps (both legs)" : k));
    $("summary-counts").textContent = parts.length ? parts.join(", ") : "No reps counted.";
    $("summary-tempo").textContent = "Average: lift " + fmt(s.tempo.concentric_s) + ", pause " + fmt(s.tempo.pause_s) +
      " (plan " + s.prescribed.pause_s + " s), lowering " + fmt(s.tempo.eccentric_s) + " (plan " + s.prescribed.lowering_s + " s).";
    const list = $("summary-faults");
    list.textContent = "";
    const seen = {};
    for (const r of s.reps) for (const f of r.faults) {
      seen[f.code] = seen[f.code] || { title: f.title || f.code, cue: f.cue, reps: [] };
      seen[f.code].reps.push(r.index);
    }
    for (const code of Object.keys(seen)) {
      const li = document.createElement("li");
      li.className = "fault";
      li.textContent = seen[code].title + " (rep " + seen[code].reps.join(", ") + "): " + seen[code].cue;
      list.appendChild(li);
    }
    $("summary-warnings").textContent = (s.warnings || []).join(" · ");
    const log = $("live-log");
    if (log) {
      const n = parts.length ? parts.join(" and ") : "";
      log.textContent = n ? "Log " + n : "Nothing to log";
      log.disabled = !n;
    }
    box.scrollIntoView({ block: "nearest" });
  }

  async function logSet() {
    const buttons = [$("live-log"), $("live-log-now")].filter(Boolean);
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const res = await window.TC.api("POST", "/live/log", {
        session: sessionId,
        load: $("live-load") ? $("live-load").value : "",
        rpe: $("live-rpe") ? $("live-rpe").value : "",
      });
      const done = $("live-logged");
      done.hidden = false;
      done.textContent = res.message;
      $("live-summary").hidden = true;
      $("live-end").hidden = true;
      const now = $("live-log-now"); if (now) now.hidden = true;
      say({ kind: "done", text: "logged" });
    } catch (e) {
      error("The set was not logged: " + e.message + ". Nothing is lost: try again.");
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  $("live-start").addEventListener("click", startCamera);
  $("live-takeover").addEventListener("click", () => {
    $("live-takeover").hidden = true;
    error("");
    if (!stream) { startCamera(); return; }
    connect(true);
  });
  $("live-end").addEventListener("click", () => { if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "end" })); });
  if ($("live-log")) $("live-log").addEventListener("click", logSet);
  if ($("live-log-now")) $("live-log-now").addEventListener("click", logSet);
  if ($("live-discard")) $("live-discard").addEventListener("click", () => {
    $("live-summary").hidden = true;
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "new_set" }));
  });
  window.addEventListener("pagehide", () => { stopped = true; if (ws) ws.close(1000); });
})();
