"""Request and response bodies of the REST API (``/api/v1``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from thrustcoach.log.models import MAX_ROW_ID
from thrustcoach.vocab import Side, VariantId

__all__ = [
    "AthleteOut",
    "Page",
    "Paging",
    "SessionOut",
    "SessionPatch",
    "SetIn",
    "SetOut",
    "SetPatch",
    "UserOut",
]

T = TypeVar("T")

# Decimal in Python (exact kg), a plain JSON number on the wire.
Num = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]

MAX_PAGE = 200


class Paging(BaseModel):
    limit: int
    offset: int


def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ROW_ID, description="items to skip")] = 0,
) -> Paging:
    return Paging(limit=limit, offset=offset)


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items``, the ``total`` count, and the paging used."""

    items: list[T]
    total: int
    limit: int
    offset: int


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class UserOut(_Out):
    id: int
    email: str
    role: str
    athlete_id: int | None


class AthleteOut(_Out):
    id: int
    name: str
    weak_side: Side | None
    bilateral_ref_load_kg: Num | None
    bilateral_ref_reps: int | None


class SessionOut(_Out):
    id: int
    athlete_id: int
    performed_on: dt.date
    plan_id: int | None
    plan_week: int | None
    plan_session_index: int | None
    notes: str | None
    feel: int | None


class SessionPatch(BaseModel):
    """Session fields to change; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    performed_on: dt.date | None = None
    notes: str | None = Field(default=None, max_length=2000)
    feel: int | None = Field(default=None, ge=1, le=5, description="1 awful .. 5 great")


class SetOut(_Out):
    id: int
    athlete_id: int
    session_id: int
    variant: VariantId
    side: Side
    order_index: int
    reps: int
    target_reps: int | None
    load_kg: Num
    target_load_kg: Num | None
    pause_s: float | None
    lowering_s: float | None
    rpe: Num | None
    rir: int | None
    bench_contact: bool | None
    pelvis_level: bool | None
    full_range: bool | None
    pain: bool | None
    notes: str | None


class SetPatch(BaseModel):
    """Fields to change on a set; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    variant: VariantId | None = None
    side: Side | None = None
    reps: int | None = Field(default=None, ge=0, le=1000)
    target_reps: int | None = Field(default=None, ge=0, le=1000)
    load_kg: Decimal | None = Field(default=None, ge=0, le=500)
    target_load_kg: Decimal | None = Field(default=None, ge=0, le=500)
    pause_s: float | None = Field(default=None, ge=0, le=60)
    lowering_s: float | None = Field(default=None, ge=0, le=60)
    rpe: Decimal | None = Field(default=None, ge=1, le=10)
    rir: int | None = Field(default=None, ge=0, le=100)
    bench_contact: bool | None = None
    pelvis_level: bool | None = None
    full_range: bool | None = None
    pain: bool | None = None
    notes: str | None = Field(default=None, max_length=2000)


class SetIn(SetPatch):
    """A set to log. Without ``session_id`` it goes into the session of ``performed_on``."""

    variant: VariantId = VariantId.SINGLE_LEG_HIP_THRUST
    side: Side
    reps: int = Field(ge=0, le=1000)
    performed_on: dt.date | None = Field(default=None, description="default: today")
    session_id: int | None = Field(default=None, ge=1, le=MAX_ROW_ID)
