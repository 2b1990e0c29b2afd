"""Jinja2 page rendering: autoescaped templates with the user, CSRF token and nav in context."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach import __version__
from thrustcoach.web.security import CSRF_FIELD, csrf_token
from thrustcoach.web.units import Units

__all__ = ["NAV", "flash", "render", "templates", "units_of"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
# Autoescape everything we render (Starlette enables it for .html; make it unconditional).
templates.env.autoescape = True

# (path, label, needs sign-in)
NAV: tuple[tuple[str, str, bool], ...] = (
    ("/today", "Today", True),
    ("/plans", "Plan", True),
    ("/log", "Log", True),
    ("/progress", "Progress", True),
    ("/live", "Live", True),
    ("/video", "Video check", True),
    ("/guide", "Guide", False),
    ("/troubleshoot", "Troubleshoot", False),
)


def flash(request: Request, message: str, *, kind: str = "info", where: str = "") -> None:
    """Queue a one-line message for the next rendered page (kind: info, success, error).

    ``where`` names the part of the page it belongs to (the page shows it there, e.g. beside
    the form that was saved, so it is in view); empty = the top of the page.
    """
    messages = list(request.session.get("flash", []))
    messages.append({"kind": kind, "text": message, "where": where})
    request.session["flash"] = messages[-5:]


def units_of(request: Request) -> Units:
    """The signed-in user's load unit (kg for everyone else)."""
    user = getattr(request.state, "user", None)
    return Units(getattr(user, "weight_unit", "kg") or "kg")


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    has_session = "session" in request.scope
    user = getattr(request.state, "user", None)
    ctx: dict[str, Any] = {
        "flashes": request.session.pop("flash", []) if has_session else [],
        "user": user,
        "u": units_of(request),
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request) if has_session else "",
        "nav": NAV,
        "path": request.url.path,
        "version": __version__,
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code, headers=headers)
