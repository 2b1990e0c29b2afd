"""Block templates as data (``data/templates.toml``): weeks of sets x reps per leg with tempo."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from thrustcoach.errors import DataError, NotFoundError
from thrustcoach.program.rules import read_data_toml, validation_message
from thrustcoach.vocab import VariantId

__all__ = [
    "DEFAULT_TEMPLATE_ID",
    "BilateralDay",
    "BlockTemplate",
    "ExtraSetSlot",
    "WeekTemplate",
    "get_template",
    "load_templates",
]

DEFAULT_TEMPLATE_ID = "unilateral_4wk"

_Frozen = ConfigDict(frozen=True, extra="forbid")


class WeekTemplate(BaseModel):
    """One week: ``sets`` x ``reps_per_leg`` on each leg, ``pause_s`` at the top."""

    model_config = _Frozen

    week: int = Field(ge=1)
    sets: int = Field(ge=1, le=10)
    reps_per_leg: int = Field(ge=1, le=30)
    pause_s: int = Field(ge=0, le=10)
    lowering_s: int = Field(default=2, ge=1, le=10)
    slow_lowering: bool = False
    deload: bool = False


class BilateralDay(BaseModel):
    """The bilateral hip thrust day that pairs with the single-leg sessions."""

    model_config = _Frozen

    variant: VariantId
    sets: int = Field(ge=1, le=10)
    reps: int = Field(ge=1, le=30)
    pause_s: int = Field(ge=0, le=10)
    lowering_s: int = Field(ge=1, le=10)
    rest_s: int = Field(ge=0, le=600)


class ExtraSetSlot(BaseModel):
    model_config = _Frozen

    week: int = Field(ge=1)
    session: int = Field(ge=1)


class BlockTemplate(BaseModel):
    """A multi-week block; see the header of ``templates.toml`` for each field."""

    model_config = _Frozen

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    purpose: Literal["activation", "strength_accessory", "finisher"]
    load: Literal["working", "light"]
    sessions_per_week: int = Field(ge=1, le=7)
    pair_with_bilateral: bool
    rest_between_sides_s: int = Field(ge=0, le=600)
    rest_between_sets_s: int = Field(ge=0, le=600)
    extra_weak_set: ExtraSetSlot
    source: str
    week: tuple[WeekTemplate, ...] = Field(min_length=1)
    bilateral: BilateralDay | None = None

    @property
    def weeks(self) -> tuple[WeekTemplate, ...]:
        return self.week

    @model_validator(mode="after")
    def _consistent(self) -> BlockTemplate:
        numbers = [w.week for w in self.week]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"weeks must be numbered 1..n in order, got {numbers}")
        if self.pair_with_bilateral != (self.bilateral is not None):
            raise ValueError("pair_with_bilateral needs a [template.bilateral] table and v.v.")
        slot = self.extra_weak_set
        if slot.week > len(self.week) or slot.session > self.sessions_per_week:
            raise ValueError("extra_weak_set points outside the block")
        if self.week[slot.week - 1].deload:
            raise ValueError("the extra weak-side set cannot go into a deload week")
        if self.week[0].deload:
            raise ValueError("a block cannot start with a deload week")
        return self


class _TemplateFile(BaseModel):
    model_config = _Frozen
    template: tuple[BlockTemplate, ...] = Field(min_length=1)


def parse_templates(raw: dict[str, Any]) -> dict[str, BlockTemplate]:
    try:
        parsed = _TemplateFile.model_validate(raw)
    except ValidationError as exc:
        raise DataError(
            f"program templates are invalid: {validation_message(exc)}",
            hint="fix src/thrustcoach/program/data/templates.toml",
        ) from exc
    ids = [t.id for t in parsed.template]
    if len(set(ids)) != len(ids):
        raise DataError(f"program templates repeat an id: {ids}")
    return {t.id: t for t in parsed.template}


@cache
def load_templates() -> dict[str, BlockTemplate]:
    """Every shipped block template by id (cached). Treat the mapping as read-only."""
    return parse_templates(read_data_toml("templates.toml"))


def get_template(template_id: str) -> BlockTemplate:
    templates = load_templates()
    try:
        return templates[template_id]
    except KeyError:
        raise NotFoundError(
            f"unknown plan template {template_id!r}",
            hint=f"choose one of: {', '.join(sorted(templates))}",
        ) from None
