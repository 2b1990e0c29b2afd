// Starts Swagger UI on /docs/try (a separate file: the CSP allows no inline script).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  const csrf = document.querySelector('meta[name="csrf-token"]');
  window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Page-session calls that change data need the CSRF header, as the app's own scripts send it.
    requestInterceptor: function (req) {
      if (csrf) { req.headers["X-CSRF-Token"] = csrf.getAttribute("content"); }
      return req;
    },
  });
});
