"""Fixtures for the web tests: an app on a fresh data directory, signed-up users, test files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.log.conftest import fresh_postgres_url

# The browser tests' fixtures (live server, Chromium, a page at phone and desktop width).
from tests.web.browser import chromium, page, server  # noqa: F401
from tests.web.helpers import Account, make_account
from thrustcoach.config import Settings
from thrustcoach.log import dispose_engines
from thrustcoach.web import create_app
from thrustcoach.web.app import stop_job_workers


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Every web test runs on SQLite and on a fresh PostgreSQL database (when available)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'thrustcoach.db'}"
    else:
        yield from fresh_postgres_url()


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[FastAPI]:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        max_upload_mb=2,
        job_workers=2,
        pose_warm_start=False,  # tests replay landmarks: no MediaPipe graph to build
    )
    app = create_app(settings)
    yield app
    stop_job_workers(app)
    dispose_engines()


@pytest.fixture
def ann(app: FastAPI) -> Account:
    return make_account(app, "ann@example.org", name="Ann")


@pytest.fixture
def bob(app: FastAPI) -> Account:
    return make_account(app, "bob@example.org", name="Bob")


@pytest.fixture(scope="session")
def landmark_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic single-leg set: 4 reps on the left leg with a too-short top pause."""
    from thrustcoach.pose import write_landmarks_csv
    from thrustcoach.pose.synthetic import SyntheticSet, generate
    from thrustcoach.vocab import FaultCode, Side

    synth = generate(
        SyntheticSet(
            reps_per_side=4, sides=(Side.LEFT,), seed=5, faults={FaultCode.SHORT_PAUSE: 0.2}
        )
    )
    path = tmp_path_factory.mktemp("clips") / "left_set.csv"
    write_landmarks_csv(synth.series, path)
    return path
