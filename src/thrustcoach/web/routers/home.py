"""The start page and the offline API documentation pages (/docs, /docs/try)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from starlette.requests import Request
from starlette.responses import Response

from thrustcoach.web.deps import OptionalUser
from thrustcoach.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, user: OptionalUser) -> Response:
    if user is not None:
        return RedirectResponse("/today", status_code=303)
    return render(request, "home.html")


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": p.get("name"),
                    "where": p.get("in"),
                    "required": p.get("required", False),
                    "description": p.get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content", {})
            ops.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": params,
                    "body": ", ".join(body),
                    "responses": sorted(op.get("responses", {})),
                    "tag": (op.get("tags") or ["other"])[0],
                }
            )
    return ops


@router.get("/docs")
def docs(request: Request, user: OptionalUser) -> Response:
    """API reference rendered from the OpenAPI schema on the server (works offline)."""
    schema = request.app.openapi()
    return render(request, "docs.html", {"ops": _operations(schema), "info": schema["info"]})


@router.get("/docs/try")
def docs_try(request: Request, user: OptionalUser) -> Response:
    """Interactive Swagger UI over /openapi.json, with its assets served locally."""
    return render(request, "docs_try.html")
