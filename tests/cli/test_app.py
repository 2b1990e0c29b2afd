"""The root command: lazy command loading, error mapping, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from thrustcoach.cli import app as cli_app
from thrustcoach.errors import NotFoundError


def _modules_after(args: list[str]) -> set[str]:
    code = (
        "import sys\n"
        "from thrustcoach.cli.app import main\n"
        f"main({args!r})\n"
        "print(' '.join(m for m in sys.modules if m.startswith('thrustcoach')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(out.stdout.split())


def test_a_command_loads_only_its_own_module() -> None:
    loaded = _modules_after(["plan", "--help"])
    assert "thrustcoach.cli.plan" in loaded
    # The web app, the database and the video stack stay unloaded: start-up stays fast.
    assert not {"thrustcoach.web", "thrustcoach.log", "thrustcoach.pose.video"} & loaded


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_app.main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in cli_app._COMMANDS:
        assert command in out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_app.main(["no-such-command"]) == 2
    assert "No such command" in capsys.readouterr().err


def test_domain_errors_become_one_line_and_their_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise NotFoundError("no athlete named 'Zed'", hint="list them with 'thrustcoach log show'")

    monkeypatch.setattr(cli_app, "app", boom)
    assert cli_app.main(["guide"]) == NotFoundError.exit_code
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no athlete named 'Zed'" in err


def test_unexpected_errors_never_print_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr(cli_app, "app", boom)
    assert cli_app.main(["guide"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" in err


def test_no_help_text_is_eaten_as_markup() -> None:
    """Help is rendered with Rich markup, where ``[default: 8000]`` is a tag and vanishes
    ("TCP port ."): every option's and command's help must read the same once rendered."""
    import click
    import typer
    from rich.text import Text

    cli_app._register(list(dict.fromkeys(cli_app._COMMANDS.values())))
    eaten = []

    def walk(cmd: click.Command, path: str) -> None:
        texts = [cmd.help or ""] + [getattr(p, "help", None) or "" for p in cmd.params]
        eaten.extend(f"{path}: {t!r}" for t in texts if Text.from_markup(t).plain != t)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(cli_app.app), "thrustcoach")
    assert not eaten
