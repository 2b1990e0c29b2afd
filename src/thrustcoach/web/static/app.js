// ThrustCoach: small progressive enhancements. Every page works without this file.
"use strict";

window.TC = (function () {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.content : "";

  async function api(method, url, body) {
    const opts = { method, headers: { "Accept": "application/json", "X-CSRF-Token": csrf }, credentials: "same-origin" };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(url, opts);
    const data = res.headers.get("content-type", "").includes("json") ? await res.json() : null;
    if (!res.ok) {
      const msg = data && data.detail ? data.detail : res.statusText;
      throw new Error(msg);
    }
    return data;
  }

  // Ask before destructive submits: <form data-confirm="Delete this set?">
  document.addEventListener("submit", function (ev) {
    const form = ev.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      ev.preventDefault();
    }
  });

  return { api, csrf };
})();
