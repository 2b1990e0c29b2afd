"""Parsing what people type: loads (commas, pounds), sides and exercise names."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thrustcoach.errors import UsageError
from thrustcoach.log.values import detect_side, match_variant, parse_load_kg, parse_variant
from thrustcoach.vocab import Side, VariantId


@pytest.mark.parametrize(
    ("text", "kg"),
    [
        ("12.5", "12.50"),
        ("12,5", "12.50"),
        ("12.5 kg", "12.50"),
        ("25 lb", "11.34"),
        ("25lbs", "11.34"),
        ("", "0.00"),
        ("0", "0.00"),
        (" 7,25 KG ", "7.25"),
    ],
)
def test_loads(text: str, kg: str) -> None:
    assert parse_load_kg(text) == Decimal(kg)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,234.5", "cannot read"),
        ("12 stone", "cannot read"),
        ("-2.5", "negative"),
        ("600", "above 500"),
        ("nan", "cannot read"),
        ("12..5", "cannot read"),
    ],
)
def test_bad_loads(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_load_kg(text)


@given(st.decimals(min_value=0, max_value=500, places=2))
def test_comma_and_dot_read_the_same(value: Decimal) -> None:
    text = f"{value:.2f}"
    assert parse_load_kg(text) == parse_load_kg(text.replace(".", ",")) == value


@pytest.mark.parametrize(
    ("name", "variant", "side"),
    [
        ("Hip Thrust (Barbell)", VariantId.HIP_THRUST, None),
        ("Hip Thrust (Left)", VariantId.SINGLE_LEG_HIP_THRUST, Side.LEFT),
        ("Single Leg Hip Thrust (Dumbbell)", VariantId.SINGLE_LEG_HIP_THRUST_DUMBBELL, None),
        ("SL Hip Thrust R", VariantId.SINGLE_LEG_HIP_THRUST, Side.RIGHT),
        ("One-leg hip thrust, straight leg", VariantId.SINGLE_LEG_HIP_THRUST_EXTENDED, None),
        ("Single Leg Glute Bridge - left leg", VariantId.SINGLE_LEG_GLUTE_BRIDGE, Side.LEFT),
        ("Glute Bridge", VariantId.GLUTE_BRIDGE, None),
    ],
)
def test_exercise_names(name: str, variant: VariantId, side: Side | None) -> None:
    assert match_variant(name) == (variant, side)


def test_unknown_exercise_and_variant() -> None:
    assert match_variant("Squat (Barbell)") is None
    with pytest.raises(UsageError, match="unknown variant"):
        parse_variant("bench press")
    assert parse_variant("single-leg-hip-thrust") is VariantId.SINGLE_LEG_HIP_THRUST


def test_side_words() -> None:
    assert detect_side("left leg - hip dropped") is Side.LEFT
    assert detect_side("(R)") is Side.RIGHT
    assert detect_side("left then right") is None  # ambiguous: not guessed
    assert detect_side("felt great", "right side") is Side.RIGHT
    assert detect_side("SL hip thrust") is None  # "SL" is single-leg, not left
