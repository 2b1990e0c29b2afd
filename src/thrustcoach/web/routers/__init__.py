"""One router per resource; ``ROUTERS`` is what :func:`thrustcoach.web.app.create_app` mounts."""

from __future__ import annotations

from fastapi import APIRouter

from thrustcoach.web.routers import (
    api_log,
    api_plans,
    auth,
    guide,
    home,
    live,
    log,
    ops,
    plans,
    progress,
    today,
    video,
)

__all__ = ["ROUTERS"]

ROUTERS: tuple[APIRouter, ...] = (
    home.router,
    ops.router,
    auth.router,
    guide.router,
    today.router,
    plans.router,
    log.router,
    progress.router,
    video.router,
    live.router,
    api_log.router,
    api_plans.router,
    progress.api_router,
    video.api_router,
)
