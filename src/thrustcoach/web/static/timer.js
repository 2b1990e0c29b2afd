// Set timer: counts the lift, the top pause and the lowering at the prescribed tempo, then the
// rest. Beeps with Web Audio (pitch says the phase) and, optionally, speaks the phases aloud.
// The panel sits at the bottom of the screen with the timed set's log button, so the clock and
// "Log set" are on screen together; after a set is logged the page starts its rest by itself.
"use strict";
(function () {
  const box = document.getElementById("timer");
  if (!box) return;
  const clock = document.getElementById("timer-clock");
  const phaseEl = document.getElementById("timer-phase");
  const setEl = document.getElementById("timer-set");
  const pauseBtn = document.getElementById("timer-pause");
  const stopBtn = document.getElementById("timer-stop");
  const logBtn = document.getElementById("timer-log");
  const voice = document.getElementById("timer-voice");
  const beepOn = document.getElementById("timer-beep");
  let audio = null;
  let steps = [];
  let index = 0;
  let remaining = 0;
  let handle = null;
  let paused = false;
  let logForm = null;

  const PITCH = { ready: 520, lift: 880, hold: 660, lower: 440, rest: 330, done: 990 };

  function beep(kind, long) {
    if (!beepOn.checked) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = PITCH[kind] || 600;
      gain.gain.setValueAtTime(0.25, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + (long ? 0.6 : 0.15));
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + (long ? 0.6 : 0.15));
    } catch (e) { /* no audio device: the display still counts */ }
  }

  function say(text) {
    if (!voice.checked || !("speechSynthesis" in window)) return;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }

  function build(d) {
    const reps = parseInt(d.reps, 10) || 0;
    const out = [{ kind: "ready", label: "Get ready", s: 3 }];
    for (let r = 1; r <= reps; r++) {
      out.push({ kind: "lift", label: "Rep " + r + " of " + reps + ": lift", s: parseFloat(d.lift) || 1, speak: "Up" });
      if ((parseFloat(d.pause) || 0) > 0) out.push({ kind: "hold", label: "Rep " + r + ": hold at the top", s: parseFloat(d.pause), speak: "Hold" });
      out.push({ kind: "lower", label: "Rep " + r + ": lower slowly", s: parseFloat(d.lower) || 2, speak: "Down" });
    }
    const rest = parseInt(d.rest, 10) || 0;
    if (rest > 0) out.push({ kind: "rest", label: "Rest, then switch side", s: rest, speak: "Rest " + rest + " seconds" });
    return out;
  }

  function show() {
    const step = steps[index];
    clock.textContent = Math.ceil(remaining);
    phaseEl.textContent = step.label;
  }

  function enter(i) {
    index = i;
    if (index >= steps.length) {
      finish(logForm ? "Set done. Log it with the button below." : "Rest over: next set.");
      return;
    }
    const step = steps[index];
    remaining = step.s;
    beep(step.kind, step.kind === "lift");
    if (step.speak) say(step.speak);
    show();
  }

  function tick() {
    if (paused) return;
    remaining -= 0.25;
    const step = steps[index];
    if (remaining <= 0.001) {
      enter(index + 1);
      return;
    }
    // Count the seconds of the lowering and the end of the rest, like a coach would.
    if (Math.abs(remaining - Math.round(remaining)) < 0.01) {
      if (step.kind === "lower" || (step.kind === "rest" && remaining <= 3) || step.kind === "ready") beep(step.kind, false);
    }
    show();
  }

  function finish(text) {
    clearInterval(handle);
    handle = null;
    phaseEl.textContent = text;
    clock.textContent = "0";
    beep("done", true);
    say(text);
  }

  function open(label, form) {
    if (handle) clearInterval(handle);
    paused = false;
    pauseBtn.textContent = "Pause";
    box.hidden = false;
    document.body.classList.add("timer-open");
    setEl.textContent = label;
    logForm = form;
    logBtn.hidden = !form;
    if (form) logBtn.textContent = "Log " + label.split(",")[0].toLowerCase() + " as prescribed";
    enter(0);
    handle = setInterval(tick, 250);
  }

  function start(button) {
    steps = build(button.dataset);
    open(button.dataset.label, document.getElementById("quick-" + button.dataset.order));
    pauseBtn.focus();
  }

  document.querySelectorAll("[data-timer]").forEach(function (b) {
    b.addEventListener("click", function () { start(b); });
  });
  pauseBtn.addEventListener("click", function () {
    paused = !paused;
    pauseBtn.textContent = paused ? "Resume" : "Pause";
    phaseEl.textContent = paused ? "Paused" : steps[index].label;
  });
  stopBtn.addEventListener("click", function () { finish("Stopped."); });
  logBtn.addEventListener("click", function () {
    if (!logForm) return;
    clearInterval(handle);
    if (logForm.requestSubmit) logForm.requestSubmit(); else logForm.submit();
  });

  // Just logged a set: its rest starts now (the page says how long and what comes next).
  const autorest = parseInt(box.dataset.autorest || "0", 10);
  if (autorest > 0) {
    steps = [{ kind: "rest", label: box.dataset.autorestLabel || "Rest", s: autorest, speak: "Rest " + autorest + " seconds" }];
    open("Rest timer", null);
  }
})();
