"""RFC 9457 problem details for every error, and HTML error pages for browser requests.

``ThrustCoachError.http_status`` picks the status; the message becomes ``detail`` and the hint
``hint``. API paths (``/api/...``) and clients that do not ask for HTML get
``application/problem+json``; browsers get the same facts in the page layout. Unexpected
exceptions become a 500 problem without a traceback (the traceback goes to the log).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from python_multipart.exceptions import FormParserError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.errors import ThrustCoachError

__all__ = ["PROBLEM_MEDIA_TYPE", "install_problem_handlers", "problem_response"]

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"

_TITLES = {
    400: "Bad request",
    401: "Sign-in required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Upload too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal error",
}


def _wants_html(request: Request) -> bool:
    if request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def problem_response(
    request: Request,
    *,
    status: int,
    title: str,
    detail: str,
    hint: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if hint:
        body["hint"] = hint
    if extra:
        body.update(extra)
    if _wants_html(request):
        from thrustcoach.web.templating import render

        return render(request, "error.html", {"problem": body}, status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


async def _thrustcoach_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ThrustCoachError)
    if exc.http_status >= 500:
        logger.error("%s on %s: %s", type(exc).__name__, request.url.path, exc)
    headers: dict[str, str] | None = getattr(exc, "headers", None)
    if exc.http_status == 401:
        if _wants_html(request):
            target = quote(request.url.path, safe="/")
            return RedirectResponse(f"/login?next={target}", status_code=303)
        headers = {"www-authenticate": 'Bearer realm="thrustcoach"'}
    return problem_response(
        request,
        status=exc.http_status,
        title=exc.title,
        detail=exc.message,
        hint=exc.hint,
        headers=headers,
    )


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form")]
    return ".".join(parts) or "request"


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": _field(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": "request", "message": "invalid"}
    return problem_response(
        request,
        status=422,
        title="Invalid input",
        detail=f"{first['field']}: {first['message']}",
        hint="correct the named field and try again",
        extra={"errors": errors},
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"nothing at {request.url.path}"
    return problem_response(
        request,
        status=exc.status_code,
        title=_TITLES.get(exc.status_code, "Error"),
        detail=detail,
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _malformed_form(request: Request, exc: Exception) -> Response:
    """A form body that breaks the multipart rules (Starlette lets the parser's error through)."""
    return problem_response(
        request,
        status=400,
        title="Bad request",
        detail="the form data is not valid multipart/form-data",
        hint="send the form again from the page, or with curl -F",
    )


async def _unexpected(request: Request, exc: Exception) -> Response:
    logger.exception("internal error on %s %s", request.method, request.url.path)
    return problem_response(
        request,
        status=500,
        title="Internal error",
        detail=f"the server failed on this request ({type(exc).__name__})",
        hint="try again; if it keeps failing, report it with the time it happened",
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ThrustCoachError, _thrustcoach_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(FormParserError, _malformed_form)
    app.add_exception_handler(Exception, _unexpected)
