"""Fixtures for the pose tests: small clips generated on the fly, never committed."""

from __future__ import annotations

import pytest

from tests.pose.videokit import SetVideo, make_set_video


@pytest.fixture(scope="session")
def set_video(tmp_path_factory: pytest.TempPathFactory) -> SetVideo:
    """A 320x240, 30 fps clip of a right-leg single-leg hip thrust, 3 reps (~14 s)."""
    return make_set_video(tmp_path_factory.mktemp("video") / "set.mp4")
