"""``thrustcoach plan``: a dated unilateral block with per-leg loads, weak side first.

Every input has a flag; missing ones are asked for when stdin is a terminal, otherwise the
command stops with one line naming the flag. Option values are parsed here (not by click) so
that every bad value is a one-line :class:`~thrustcoach.errors.PlanError` with exit code 2.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import typer
from pydantic import TypeAdapter, ValidationError
from rich.console import Console
from rich.prompt import Prompt

from thrustcoach.cli.plan_table import render_table
from thrustcoach.errors import InputFileError, PlanError, UsageError
from thrustcoach.files import configured_limit, read_text_limited
from thrustcoach.program import (
    DEFAULT_TEMPLATE_ID,
    Equipment,
    Experience,
    Plan,
    PlanInputs,
    SessionResult,
    Weekday,
    build_plan,
    load_templates,
    next_block,
    plan_to_html,
    plan_to_ics,
    plan_to_markdown,
)
from thrustcoach.text import shorten

__all__ = ["register"]

_FORMATS = ("table", "markdown", "json", "html")
_SET_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:kg)?\s*[x×*]\s*(\d+)\s*$", re.IGNORECASE)
_DAY_ALIASES = {d.value: d for d in Weekday} | {
    full: d
    for d, full in zip(
        Weekday,
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        strict=True,
    )
}


def _choice(value: str, flag: str, options: list[str]) -> str:
    v = value.strip().lower()
    if v not in options:
        raise PlanError(f"{flag} {shorten(value)} is not one of: {', '.join(options)}")
    return v


# Every weight the plan takes is below 1,000 kg: a longer number is a typo, not a lift.
_MAX_NUMBER_CHARS = 12


def _decimal(value: str, flag: str) -> Decimal:
    text = value.strip().lower().removesuffix("kg").strip().replace(",", ".")
    if len(text) > _MAX_NUMBER_CHARS:
        raise PlanError(
            f"{flag} {shorten(value)} is not a plausible number of kg", hint="e.g. 72.5"
        )
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise PlanError(f"{flag} {shorten(value)} is not a number", hint="e.g. 72.5") from None
    if not number.is_finite() or number <= 0:
        raise PlanError(f"{flag} must be a positive number of kg, got {shorten(value)}")
    return number


def _bilateral(set_text: str | None, one_rm: str | None) -> dict[str, Any] | None:
    if set_text and one_rm:
        raise PlanError("give either --bilateral-set or --one-rm-kg, not both")
    if one_rm:
        return {"load_kg": _decimal(one_rm, "--one-rm-kg"), "reps": 1}
    if not set_text or set_text.strip().lower() in {"", "none", "unknown", "-"}:
        return None
    if re.fullmatch(r"\s*\d+(?:[.,]\d+)?\s*(?:kg)?\s*", set_text, re.IGNORECASE):
        return {"load_kg": _decimal(set_text, "--bilateral-set"), "reps": 1}  # a plain 1RM
    match = _SET_RE.match(set_text)
    if match is None:
        if "-" in set_text:
            raise PlanError(f"--bilateral-set {shorten(set_text)}: loads cannot be negative")
        raise PlanError(
            f"--bilateral-set {shorten(set_text)} is not LOADxREPS",
            hint="e.g. --bilateral-set 100x8",
        )
    if len(match.group(2)) > 3:
        raise PlanError(f"--bilateral-set {shorten(set_text)}: too many reps to be a set")
    reps = int(match.group(2))
    if reps < 1:
        raise PlanError("--bilateral-set needs at least 1 rep")
    return {"load_kg": _decimal(match.group(1), "--bilateral-set"), "reps": reps}


def _dumbbells(text: str | None) -> list[Decimal]:
    if not text:
        return []
    return [_decimal(part, "--dumbbells") for part in re.split(r"[,\s]+", text.strip()) if part]


def _days(text: str) -> list[Weekday]:
    parts = [p for p in re.split(r"[,\s]+", text.strip().lower()) if p]
    if not parts:
        raise PlanError("--days is empty", hint="e.g. --days mon,wed,fri")
    unknown = [p for p in parts if p not in _DAY_ALIASES]
    if unknown:
        raise PlanError(
            f"--days: unknown day {shorten(unknown[0])}", hint="use mon,tue,wed,thu,fri,sat,sun"
        )
    return [_DAY_ALIASES[p] for p in parts]


def _start(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PlanError(f"--start {shorten(text)} is not a date", hint="use YYYY-MM-DD") from None


class _Asker:
    """Fills missing values: a prompt on a terminal, else a one-line error naming the flag."""

    def __init__(self, *, interactive: bool) -> None:
        self.interactive = interactive

    def __call__(
        self,
        value: str | None,
        flag: str,
        question: str,
        *,
        choices: list[str] | None = None,
        default: str | None = None,
        required: bool = True,
    ) -> str | None:
        if value is not None:
            return value
        if not self.interactive:
            if required:
                raise PlanError(
                    f"missing {flag}", hint=f"pass {flag} (see thrustcoach plan --help)"
                )
            return default
        answer = Prompt.ask(question, choices=choices, default=default)
        return answer if answer else default


def _collect_inputs(opts: dict[str, str | None], ask: _Asker) -> PlanInputs:
    exp_options = [e.value for e in Experience]
    experience = ask(opts["experience"], "--experience", "Experience", choices=exp_options)
    body = ask(opts["body_mass_kg"], "--body-mass-kg", "Body mass (kg)")
    bilateral = opts["bilateral_set"] or opts["one_rm_kg"]
    if bilateral is None and ask.interactive:
        bilateral = Prompt.ask(
            "Bilateral hip thrust: a recent set LOADxREPS (e.g. 100x8) or a 1RM in kg "
            "(blank if unknown)",
            default="",
        )
        opts = {**opts, "bilateral_set": bilateral}
    weak = ask(
        opts["weak_side"],
        "--weak-side",
        "Weak side",
        choices=["left", "right", "unknown"],
        default="unknown",
        required=False,
    )
    implied = "dumbbells" if opts["dumbbells"] else None
    equipment = ask(
        opts["equipment"] or implied,
        "--equipment",
        "Equipment",
        choices=[e.value for e in Equipment],
    )
    equipment = _choice(equipment or "", "--equipment", [e.value for e in Equipment])
    bells = opts["dumbbells"]
    if equipment == "dumbbells":
        bells = ask(bells, "--dumbbells", "Dumbbell weights you own (kg, comma-separated)")
    start = ask(
        opts["start"],
        "--start",
        "Start date (YYYY-MM-DD)",
        default=date.today().isoformat(),
        required=False,
    )
    days = ask(opts["days"], "--days", "Training days (e.g. mon,wed,fri)")
    weak_side = _choice(weak or "unknown", "--weak-side", ["left", "right", "unknown"])
    return PlanInputs.checked(
        experience=_choice(experience or "", "--experience", exp_options),
        body_mass_kg=_decimal(body or "", "--body-mass-kg"),
        bilateral=_bilateral(opts["bilateral_set"], opts["one_rm_kg"]),
        weak_side=None if weak_side == "unknown" else weak_side,
        equipment=equipment,
        dumbbells_kg=_dumbbells(bells),
        start_date=_start(start or ""),
        training_days=_days(days or ""),
    )


def _read_json(path: Path, what: str) -> str:
    limit = configured_limit("max_json_mb")
    return read_text_limited(path, max_bytes=limit, what=what, setting="max_json_mb")


def _read_results(path: Path) -> list[SessionResult]:
    text = _read_json(path, "a results JSON")
    try:
        return TypeAdapter(list[SessionResult]).validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputFileError(
            f"{path} is not a list of session results: {where}: {first['msg']}",
            hint='e.g. [{"week": 1, "session": 1, "form": {"pelvis_level": false}}]',
        ) from exc


def _read_plan(path: Path) -> Plan:
    return Plan.from_json(_read_json(path, "a plan JSON"))


def _write(path: Path, data: str | bytes) -> None:
    try:
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"cannot write {path}: {exc.strerror}", hint="choose another path"
        ) from exc


def _as_json(plan: Plan) -> str:
    return plan.to_json() + "\n"


_TEXT_RENDERERS: dict[str, Callable[[Plan], str]] = {
    "markdown": plan_to_markdown,
    "html": plan_to_html,
    "json": _as_json,
}


def _render(plan: Plan, fmt: str, out: Path | None) -> None:
    if fmt == "table":
        if out is None:
            render_table(plan, console=Console())
            return
        try:
            with out.open("w", encoding="utf-8") as fh:
                render_table(plan, console=Console(file=fh, width=120, color_system=None))
        except OSError as exc:
            raise UsageError(
                f"cannot write {out}: {exc.strerror}", hint="choose another path"
            ) from exc
        return
    text = _TEXT_RENDERERS[fmt](plan)
    if out:
        _write(out, text)
    else:
        typer.echo(text, nl=False)


def plan(
    experience: str | None = typer.Option(
        None,
        "--experience",
        help="beginner | intermediate | advanced "
        "(intermediate: 12 clean bodyweight reps per side are easy).",
    ),
    body_mass_kg: str | None = typer.Option(None, "--body-mass-kg", help="Body mass in kg."),
    bilateral_set: str | None = typer.Option(
        None,
        "--bilateral-set",
        help="A recent bilateral hip thrust set, LOADxREPS in kg, e.g. 100x8 "
        "(a plain number = 1RM).",
    ),
    one_rm_kg: str | None = typer.Option(
        None, "--one-rm-kg", help="Or your bilateral hip thrust 1RM in kg."
    ),
    weak_side: str | None = typer.Option(
        None, "--weak-side", help="left | right | unknown (default: unknown)."
    ),
    equipment: str | None = typer.Option(None, "--equipment", help="bodyweight | dumbbells."),
    dumbbells: str | None = typer.Option(
        None, "--dumbbells", help="Dumbbell weights you own in kg, e.g. 5,7.5,10,12.5."
    ),
    start: str | None = typer.Option(
        None, "--start", help="First day of the block, YYYY-MM-DD (default: today)."
    ),
    days: str | None = typer.Option(
        None, "--days", help="Training days, e.g. mon,wed,fri (3 days add the bilateral day)."
    ),
    template: str | None = typer.Option(
        None,
        "--template",
        help=f"Block template id (default: {DEFAULT_TEMPLATE_ID}) (--list-templates).",
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="table | markdown | json | html."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the plan to FILE instead of the terminal."
    ),
    ics: Path | None = typer.Option(
        None, "--ics", help="Also write an iCalendar file (one event per session)."
    ),
    previous: Path | None = typer.Option(
        None, "--next", help="Follow-up block of this plan JSON (needs --results)."
    ),
    results: Path | None = typer.Option(
        None, "--results", help="JSON list of session results with form flags."
    ),
    list_templates: bool = typer.Option(
        False, "--list-templates", help="List the block templates and exit."
    ),
    no_input: bool = typer.Option(
        False, "--no-input", help="Never prompt; fail on missing values."
    ),
) -> None:
    """Build a training plan: single-leg hip thrusts per leg, weak side first, dated sessions."""
    if list_templates:
        for t in load_templates().values():
            typer.echo(f"{t.id}: {t.name} ({len(t.weeks)} weeks, {t.purpose.replace('_', ' ')})")
        return
    fmt = _choice(fmt, "--format", list(_FORMATS))
    if template is not None:
        template = _choice(template, "--template", sorted(load_templates()))
    if previous is not None:
        if results is None:
            raise PlanError("--next needs --results FILE with the logged sessions")
        result = next_block(_read_plan(previous), _read_results(results), template=template)
    else:
        opts = {
            "experience": experience,
            "body_mass_kg": body_mass_kg,
            "bilateral_set": bilateral_set,
            "one_rm_kg": one_rm_kg,
            "weak_side": weak_side,
            "equipment": equipment,
            "dumbbells": dumbbells,
            "start": start,
            "days": days,
        }
        ask = _Asker(interactive=not no_input and sys.stdin.isatty())
        result = build_plan(_collect_inputs(opts, ask), template=template or DEFAULT_TEMPLATE_ID)
    _render(result, fmt, out)
    if ics is not None:
        _write(ics, plan_to_ics(result))


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
