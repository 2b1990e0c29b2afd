"""The bad-input corpus (tests/data/badinput/): one test per case, on every CLI command, file
kind and web form or API body. A case passes when it answers within its time without a
traceback or an internal error (exit 70 / HTTP 5xx), with its expected exit code or status,
and writes nothing when it is refused. ``python benchmarks/badinput.py`` prints the totals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from thrustcoach.log import dispose_engines

from .harness import FILES_DIR, Case, CliRunner, Outcome, WebRunner, load_cases

CLI_CASES = load_cases("cli")
WEB_CASES = load_cases("web")


def _params(cases: list[Case]) -> list[object]:
    return [
        pytest.param(
            case,
            id=case.id,
            marks=[pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else [],
        )
        for case in cases
    ]


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliRunner]:
    yield CliRunner(tmp_path_factory.mktemp("badinput-cli"))
    dispose_engines()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebRunner]:
    runner = WebRunner(tmp_path_factory.mktemp("badinput-web"))
    yield runner
    runner.close()
    dispose_engines()


def _check(outcome: Outcome) -> None:
    problems = outcome.problems()
    assert not problems, (
        f"{outcome.case.id}: {'; '.join(problems)} (answered {outcome.code}): "
        f"{outcome.output[-600:]}"
    )


@pytest.mark.parametrize("case", _params(CLI_CASES))
def test_cli_bad_input(cli: CliRunner, case: Case) -> None:
    _check(cli.run(case))


@pytest.mark.parametrize("case", _params(WEB_CASES))
def test_web_bad_input(web: WebRunner, case: Case) -> None:
    _check(web.run(case))


def test_the_corpus_covers_every_command_file_kind_and_form() -> None:
    assert len(CLI_CASES) + len(WEB_CASES) >= 150
    commands = {" ".join(c.spec["args"][:2]) if c.spec["args"][0] == "log" else c.spec["args"][0]
                for c in CLI_CASES}  # fmt: skip
    for command in (
        "guide", "troubleshoot", "plan", "analyze", "pose", "batch", "report", "serve",
        "log athlete", "log add", "log edit", "log delete", "log attach", "log import",
        "log export", "log results", "log plan", "log show",
    ):  # fmt: skip
        assert command in commands, command
    used = " ".join(" ".join(c.spec["args"]) + str(c.spec.get("env", "")) for c in CLI_CASES)
    kinds = {"lm_": "landmark CSV", ".trc": "TRC", "strong_": "Strong", "hevy_": "Hevy",
             "plan_": "plan JSON", "results_": "results JSON", "video_": "video",
             "config_": "config TOML"}  # fmt: skip
    for marker, kind in kinds.items():
        assert marker in used, kind
    referenced = {p.name for p in FILES_DIR.iterdir()}
    unused = [name for name in referenced if name not in used + str(WEB_CASES)]
    assert unused == [], f"files in the corpus that no case uses: {unused}"
    paths = {c.spec["path"].split("?")[0] for c in WEB_CASES}
    forms = ("/api/v1/sets", "/api/v1/plans", "/api/v1/analyses", "/log/sets", "/plans",
             "/login", "/signup", "/account/password", "/video/upload", "/today/log")  # fmt: skip
    for path in forms:
        assert path in paths, path
    assert Path(FILES_DIR).is_dir()
