"""Fixtures for the plan tests, and the explicit switch that rewrites golden files.

Golden files under tests/data/program/ are only rewritten with ``pytest tests/program
--update-goldens`` (or ``THRUSTCOACH_UPDATE_GOLDENS=1`` when running the whole suite); a normal
run compares and fails on any difference.
"""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from thrustcoach.program import PlanInputs


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite the plan golden files under tests/data/program/ instead of comparing",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    flag = bool(request.config.getoption("--update-goldens", default=False))
    return flag or os.environ.get("THRUSTCOACH_UPDATE_GOLDENS") == "1"


@pytest.fixture(scope="session")
def golden_dir(test_data_dir: Path) -> Path:
    return test_data_dir / "program"


@pytest.fixture
def intermediate_inputs() -> PlanInputs:
    """An intermediate lifter: 70 kg, bilateral 100 kg x 8, left side weaker, a dumbbell rack."""
    return PlanInputs.checked(
        experience="intermediate",
        body_mass_kg=Decimal(70),
        bilateral={"load_kg": Decimal(100), "reps": 8},
        weak_side="left",
        equipment="dumbbells",
        dumbbells_kg=[Decimal(x) for x in ("5", "7.5", "10", "12.5", "15", "17.5", "20", "22.5")],
        start_date=date(2026, 1, 5),
        training_days=["mon", "wed", "fri"],
    )


@pytest.fixture
def beginner_inputs() -> PlanInputs:
    return PlanInputs.checked(
        experience="beginner",
        body_mass_kg=Decimal(60),
        weak_side="right",
        equipment="bodyweight",
        start_date=date(2026, 1, 5),
        training_days=["tue", "fri"],
    )
