"""The ThrustCoach web app: FastAPI pages for people and a REST API under ``/api/v1``."""

from __future__ import annotations

from thrustcoach.web.app import create_app

__all__ = ["create_app"]
