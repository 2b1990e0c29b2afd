"""The bad-input corpus: cases from ``tests/data/badinput/{cli,web}.toml`` run against the CLI
(in-process, one thread per case) and the web app (a TestClient), each judged on what a user
must never see: a traceback, an internal error (exit 70 / HTTP 500), a hang, or rows written
for an input that was refused.

Used by ``tests/badinput/test_corpus.py`` (one test per case) and ``benchmarks/badinput.py``
(the totals). Placeholders in the tables: ``{BIG}`` (a 5,001-digit number), ``{HUGE_ID}``
(2**63), ``{file:NAME}`` (``files/NAME``), ``{gen:NAME}`` (a file made on the fly, see
:data:`GENERATORS`), ``{tmp}`` (a fresh folder), ``{existing}`` (an existing file),
``{long:N}`` (N letters), and on the web ``{set_id}``, ``{session_id}``, ``{plan_id}``.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import threading
import time
import tomllib
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, func, select

CORPUS_DIR = Path(__file__).resolve().parents[1] / "data" / "badinput"
FILES_DIR = CORPUS_DIR / "files"
BIG = "1" + "0" * 5000
HUGE_ID = str(2**63)
CASE_TIMEOUT_S = 90.0
_PLACEHOLDER = re.compile(r"\{([A-Za-z_]+)(?::([^{}]+))?\}")


@dataclass(frozen=True)
class Case:
    surface: str  # "cli" | "web"
    id: str
    spec: dict[str, Any]
    expect: tuple[int, ...]  # allowed exit codes / HTTP statuses; () = anything but a crash
    xfail: str | None = None
    not_recognized: bool = False  # noise: the analysis must say it is not a hip thrust


@dataclass
class Outcome:
    case: Case
    code: int | None  # None: no answer within CASE_TIMEOUT_S
    output: str
    traceback: bool = False
    internal: bool = False
    rows_written: int = 0
    elapsed_s: float = 0.0

    @property
    def hang(self) -> bool:
        return self.code is None

    @property
    def rejected(self) -> bool:
        if self.code is None:
            return True
        return self.code >= 400 if self.case.surface == "web" else self.code != 0

    def problems(self) -> list[str]:
        """What went wrong for a user (empty: the case behaved)."""
        out = []
        if self.hang:
            out.append(f"no answer within {CASE_TIMEOUT_S:g} s")
        if self.traceback:
            out.append("a traceback reached the user")
        if self.internal:
            out.append("internal error (exit 70 / HTTP 500)")
        if self.rejected and self.rows_written:
            out.append(f"refused, yet {self.rows_written} rows were written")
        if self.case.not_recognized:
            if self.code != 5 and "not_recognized" not in self.output:
                out.append("noise was analysed as a movement (expected not_recognized)")
        elif self.case.expect and self.code not in self.case.expect:
            out.append(f"answered {self.code}, expected one of {list(self.case.expect)}")
        return out


def load_cases(surface: str) -> list[Case]:
    """The cases of one surface ("cli" or "web") in table order."""
    table = tomllib.loads((CORPUS_DIR / f"{surface}.toml").read_text(encoding="utf-8"))
    cases = []
    for spec in table["case"]:
        cases.append(
            Case(
                surface=surface,
                id=spec["id"],
                spec=spec,
                expect=tuple(spec.get("expect", ())),
                xfail=spec.get("xfail"),
                not_recognized=bool(spec.get("not_recognized", False)),
            )
        )
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return cases


# -- generated inputs ------------------------------------------------------------------------

_BODY = tuple(
    f"{side}_{joint}"
    for side in ("left", "right")
    for joint in ("shoulder", "hip", "knee", "ankle")
)


def _landmark_rows(xy: Callable[[int, int], tuple[float, float]], frames: int) -> str:
    lines = ["frame,time_s,landmark,x,y,z,visibility"]
    for f in range(frames):
        for k, name in enumerate(_BODY):
            x, y = xy(f, k)
            lines.append(f"{f},{f / 30:.6f},{name},{x:.2f},{y:.2f},,0.99")
    return "\n".join(lines) + "\n"


def _random_landmarks(path: Path) -> None:
    rng = np.random.default_rng(13)
    pts = rng.uniform(0, 1000, size=(900, len(_BODY), 2))
    path.write_text(_landmark_rows(lambda f, k: tuple(pts[f, k]), 900))


def _zero_landmarks(path: Path) -> None:
    path.write_text(_landmark_rows(lambda f, k: (0.0, 0.0), 900))


def _big_landmarks(path: Path) -> None:  # a valid file of ~2.3 MB (used with a 1 MB limit)
    path.write_text(_landmark_rows(lambda f, k: (100.0 + k, 200.0 + f % 7), 9000))


def _strong_rows(path: Path, rows: int, *, cell: str = "Glutes") -> None:
    head = (
        "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
        "Distance Unit;Seconds;Notes;Workout Notes;Workout Duration\n"
    )
    row = f"2024-03-04 07:30:00;{cell};Single Leg Hip Thrust (Left);1;10;kg;10;;;;;;;1h\n"
    path.write_text(head + row * rows)


GENERATORS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "random_landmarks": (".csv", _random_landmarks),
    "zero_landmarks": (".csv", _zero_landmarks),
    "big_landmarks": (".csv", _big_landmarks),
    "long_line": (
        ".csv",
        lambda p: p.write_text("frame,time_s,landmark,x,y\n0,0,left_hip,1," + "9" * 300_000 + "\n"),
    ),
    "json_deep": (".json", lambda p: p.write_text("[" * 100_000 + "]" * 100_000)),
    "json_2mb": (".json", lambda p: p.write_text('{"name": "' + "x" * 2_200_000 + '"}')),
    "strong_2mb": (".csv", lambda p: _strong_rows(p, 25_000)),
    "strong_field_too_large": (
        ".csv",
        lambda p: _strong_rows(p, 1, cell='"' + "x" * 200_000 + '"'),
    ),
    "empty_folder": ("", lambda p: p.mkdir()),
}


class _Inputs:
    """Fills the placeholders of one case (generated files are made once per runner)."""

    def __init__(self, root: Path, ids: dict[str, str]) -> None:
        self.root = root
        self.ids = ids
        self.generated: dict[str, Path] = {}
        self.counter = 0

    def _generated(self, name: str) -> Path:
        if name not in self.generated:
            suffix, make = GENERATORS[name]
            path = self.root / "generated" / f"{name}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            make(path)
            self.generated[name] = path
        return self.generated[name]

    def fresh_dir(self) -> Path:
        self.counter += 1
        path = self.root / "cases" / str(self.counter)
        path.mkdir(parents=True)
        return path

    def fill(self, text: str, case_dir: Path) -> str:
        def one(match: re.Match[str]) -> str:
            key, arg = match[1], match[2]
            if key == "BIG":
                return BIG
            if key == "HUGE_ID":
                return HUGE_ID
            if key == "file":
                return str(FILES_DIR / arg)
            if key == "gen":
                return str(self._generated(arg))
            if key == "tmp":
                return str(case_dir)
            if key == "existing":
                path = case_dir / "existing.txt"
                path.write_text("keep me\n")
                return str(path)
            if key == "long":
                return "x" * int(arg)
            if key in self.ids:
                return self.ids[key]
            raise KeyError(f"unknown placeholder {match[0]}")

        return _PLACEHOLDER.sub(one, text)

    def fill_any(self, value: Any, case_dir: Path) -> Any:
        if isinstance(value, str):
            return self.fill(value, case_dir)
        if isinstance(value, list):
            return [self.fill_any(v, case_dir) for v in value]
        if isinstance(value, dict):
            return {k: self.fill_any(v, case_dir) for k, v in value.items()}
        return value


# Rows the server keeps about itself, not user data: the job runner registers on first use.
_OPERATIONAL_TABLES = {"job_runners"}


def count_rows(engine: Engine) -> int:
    """Rows in every table of the log and account schema (not the server's own bookkeeping)."""
    from thrustcoach.log import Base, session_scope

    total = 0
    with session_scope(engine, read_only=True) as s:
        for table in Base.metadata.sorted_tables:
            if table.name in _OPERATIONAL_TABLES:
                continue
            total += s.scalar(select(func.count()).select_from(table)) or 0
    return total


def _in_thread(target: Callable[[], Any], timeout_s: float) -> tuple[bool, Any, str | None]:
    """(finished, result, traceback text) of ``target`` run in a daemon thread."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = target()
        except BaseException:  # noqa: BLE001 - the harness reports whatever escaped
            box["error"] = traceback.format_exc()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout_s)
    return not thread.is_alive(), box.get("result"), box.get("error")


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


# -- the CLI ---------------------------------------------------------------------------------


class CliRunner:
    """Runs ``thrustcoach`` in-process on its own data folder, with one athlete "Ana" (a set,
    a stored plan) and one "Bob" (so commands must be told which athlete)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {
            "THRUSTCOACH_DATA_DIR": str(root / "data"),
            "THRUSTCOACH_CONFIG": str(root / "no-config.toml"),
        }
        self.inputs = _Inputs(root, {})
        self._prepare()

    def _main(self, args: list[str]) -> tuple[int | None, str, str | None]:
        from thrustcoach.cli.app import main

        out = io.StringIO()
        stdin = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
        try:
            with redirect_stdout(out), redirect_stderr(out):
                done, code, error = _in_thread(lambda: main(args), CASE_TIMEOUT_S)
        finally:
            sys.stdin = stdin
        return (code if done else None), out.getvalue(), error

    def _prepare(self) -> None:
        with _environment(self.env):
            plan = self.root / "plan.json"
            steps = [
                ["log", "athlete", "Ana", "--weak-side", "left", "--body-mass", "62"],
                ["log", "athlete", "Bob"],
                ["log", "add", "-a", "Ana", "--side", "left", "--reps", "10", "--load", "12.5"],
                ["plan", "--experience", "beginner", "--body-mass-kg", "62", "--equipment",
                 "bodyweight", "--days", "mon,thu", "--format", "json", "--out", str(plan),
                 "--no-input"],
                ["log", "plan", str(plan), "-a", "Ana"],
            ]  # fmt: skip
            for args in steps:
                code, output, error = self._main(args)
                assert code == 0 and error is None, (args, output, error)

    def engine(self) -> Engine:
        from thrustcoach.log import get_engine

        return get_engine(f"sqlite:///{self.root / 'data' / 'thrustcoach.db'}")

    def run(self, case: Case) -> Outcome:
        case_dir = self.inputs.fresh_dir()
        args = [self.inputs.fill(a, case_dir) for a in case.spec["args"]]
        env = {**self.env, **self.inputs.fill_any(case.spec.get("env", {}), case_dir)}
        before = count_rows(self.engine())
        started = time.monotonic()
        with _environment(env):
            code, output, error = self._main(args)
        elapsed = time.monotonic() - started
        output += error or ""
        return Outcome(
            case=case,
            code=code,
            output=output,
            traceback=error is not None or "Traceback (most recent call last)" in output,
            internal=code == 70 or "internal error" in output,
            rows_written=count_rows(self.engine()) - before,
            elapsed_s=elapsed,
        )


# -- the web app -----------------------------------------------------------------------------


@dataclass
class _Web:
    app: Any
    client: Any  # the athlete's session (cookie), answering 500 instead of raising
    anonymous: Any
    csrf: str
    token: str
    ids: dict[str, str] = field(default_factory=dict)


class WebRunner:
    """Sends each case to a fresh app with one signed-in athlete who has a set and a plan."""

    def __init__(self, root: Path) -> None:
        from fastapi.testclient import TestClient

        from tests.web.helpers import make_account
        from thrustcoach.config import Settings
        from thrustcoach.web import create_app

        self.root = root
        # One job worker that replays landmark files (no MediaPipe graph built at start).
        app = create_app(
            Settings(data_dir=root / "data", max_upload_mb=2, job_workers=1, pose_warm_start=False)
        )
        ann = make_account(app, "ann@example.org", name="Ann")
        client = TestClient(app, raise_server_exceptions=False, cookies=ann.client.cookies)
        set_row = client.post("/api/v1/sets", headers=ann.h, json={"side": "left", "reps": 8})
        plan = client.post("/api/v1/plans", headers=ann.h, json={"inputs": _plan_inputs()})
        assert set_row.status_code == 201 and plan.status_code == 201, plan.text
        page = client.post("/account/tokens", data=ann.form(name="corpus")).text
        token = re.search(r'id="new-token">([^<]+)<', page)
        assert token, "no API token on the account page"
        self.web = _Web(
            app=app,
            client=client,
            anonymous=TestClient(app, raise_server_exceptions=False),
            csrf=ann.csrf,
            token=token[1],
            ids={
                "set_id": str(set_row.json()["id"]),
                "session_id": str(set_row.json()["session_id"]),
                "plan_id": str(plan.json()["id"]),
            },
        )
        self.inputs = _Inputs(root, self.web.ids)

    def close(self) -> None:
        from thrustcoach.web.app import stop_job_workers

        stop_job_workers(self.web.app)

    def engine(self) -> Engine:
        from thrustcoach.web.db import app_engine

        return app_engine(self.web.app.state.settings)

    def _stored(self) -> int:
        jobs = self.web.app.state.settings.data_dir / "jobs"
        files = sum(1 for _ in jobs.iterdir()) if jobs.is_dir() else 0
        return count_rows(self.engine()) + files

    def _request(self, spec: dict[str, Any], case_dir: Path) -> Any:
        web = self.web
        auth = spec.get("auth", "cookie")
        client = web.anonymous if auth in ("none", "token") else web.client
        headers = dict(self.inputs.fill_any(spec.get("headers", {}), case_dir))
        if auth == "token":
            headers["authorization"] = f"Bearer {web.token}"
        elif auth == "cookie" and spec.get("csrf", True):
            headers.setdefault("x-csrf-token", web.csrf)
        kwargs: dict[str, Any] = {"headers": headers}
        if "query" in spec:
            kwargs["params"] = self.inputs.fill_any(spec["query"], case_dir)
        if "json" in spec:
            kwargs["json"] = self.inputs.fill_any(spec["json"], case_dir)
        elif "json_text" in spec:
            kwargs["content"] = self.inputs.fill(spec["json_text"], case_dir)
            headers["content-type"] = "application/json"
        elif "form" in spec:
            form = self.inputs.fill_any(spec["form"], case_dir)
            if auth == "cookie" and spec.get("csrf", True):
                form = {"csrf_token": web.csrf, **form}
            kwargs["data"] = form
        elif "content" in spec:
            kwargs["content"] = self.inputs.fill(spec["content"], case_dir).encode()
        elif "content_file" in spec:
            kwargs["content"] = Path(self.inputs.fill(spec["content_file"], case_dir)).read_bytes()
        if "content_type" in spec:
            headers["content-type"] = self.inputs.fill(spec["content_type"], case_dir)
        path = self.inputs.fill(spec["path"], case_dir)
        return client.request(spec.get("method", "GET"), path, **kwargs)

    def run(self, case: Case) -> Outcome:
        case_dir = self.inputs.fresh_dir()
        before = self._stored()
        started = time.monotonic()
        done, response, error = _in_thread(
            lambda: self._request(case.spec, case_dir), CASE_TIMEOUT_S
        )
        elapsed = time.monotonic() - started
        self._settle()
        text = response.text if response is not None else ""
        code = response.status_code if (done and response is not None) else None
        if done and response is None:
            code = 599  # the request itself blew up in the client: count it as a crash
        return Outcome(
            case=case,
            code=code,
            output=text + (error or ""),
            traceback=error is not None or "Traceback (most recent call last)" in text,
            internal=code is not None and code >= 500,
            rows_written=self._stored() - before,
            elapsed_s=elapsed,
        )

    def _settle(self) -> None:
        """Wait for analyses a case queued (their failures are part of the answer)."""
        from thrustcoach.log import session_scope

        jobs = self.web.app.state.jobs
        deadline = time.monotonic() + CASE_TIMEOUT_S
        while time.monotonic() < deadline:
            with session_scope(self.engine(), read_only=True) as db:
                states = [j.state for j in jobs.list_for(db, [1], limit=1000)[0]]
            if not any(s in ("queued", "running") for s in states):
                return
            time.sleep(0.05)


def _plan_inputs() -> dict[str, Any]:
    import datetime as dt

    today = dt.date.today()
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    return {
        "experience": "beginner",
        "body_mass_kg": 70,
        "start_date": today.isoformat(),
        "training_days": [days[today.weekday()], days[(today.weekday() + 3) % 7]],
    }


def summary(outcomes: list[Outcome]) -> dict[str, int]:
    """The totals the benchmark prints."""
    return {
        "tried": len(outcomes),
        "tracebacks": sum(o.traceback for o in outcomes),
        "internal errors": sum(o.internal for o in outcomes),
        "hangs": sum(o.hang for o in outcomes),
        "rows written": sum(o.rows_written for o in outcomes if o.rejected),
    }


def to_json(outcome: Outcome) -> str:
    return json.dumps(
        {
            "id": outcome.case.id,
            "code": outcome.code,
            "problems": outcome.problems(),
            "elapsed_s": round(outcome.elapsed_s, 2),
        }
    )
