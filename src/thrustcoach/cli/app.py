"""The ``thrustcoach`` command: the root typer app, error mapping and command registration.

Each command module exposes ``register(app)``; add its commands to ``_COMMANDS``.
Errors derived from :class:`~thrustcoach.errors.ThrustCoachError` become one red line on
stderr and the error's exit code; anything else becomes a one-line internal error (exit 70)
with the traceback only under ``--debug``.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence

import typer
from rich.console import Console

from thrustcoach import __version__
from thrustcoach.cli.safe import plain
from thrustcoach.errors import ThrustCoachError

__all__ = ["app", "main"]

err_console = Console(stderr=True, highlight=False, soft_wrap=True)

app = typer.Typer(
    name="thrustcoach",
    help="ThrustCoach: learn, plan, check on video and log the single-leg hip thrust.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)

# Command name -> module under thrustcoach.cli that defines register(app). Order = order in
# --help. Modules are imported only when needed: a command imports just its own module (the
# web app, database and video stack cost seconds of start-up), --help imports them all.
_COMMANDS: dict[str, str] = {
    "guide": "guide",
    "troubleshoot": "guide",
    "plan": "plan",
    "serve": "serve",
    "pose": "pose",
    "analyze": "analyze",
    "live": "live",
    "log": "log",
    "report": "report",
    "batch": "batch",
    "admin": "admin",
}
_registered: set[str] = set()

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"thrustcoach {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    verbose: int = typer.Option(
        0,
        "--verbose",
        "-v",
        count=True,
        help="More log output, library warnings included (-vv: debug).",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of internal errors."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """ThrustCoach: learn, plan, check on video and log the single-leg hip thrust."""
    _state["debug"] = debug
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # Python warnings come from libraries (numpy's "Mean of empty slice" and the like): notes
    # for developers, not for someone checking a set. They go to the log, shown with -v.
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").setLevel(logging.WARNING if verbose else logging.ERROR)


def _register(modules: Sequence[str]) -> None:
    for name in modules:
        if name not in _registered:
            importlib.import_module(f"thrustcoach.cli.{name}").register(app)
            _registered.add(name)


def _modules_for(args: Sequence[str]) -> list[str]:
    """The command modules a command line needs: its command's, or all (help, typos)."""
    if "--version" in args:
        return []
    command = next((a for a in args if not a.startswith("-")), None)
    if command in _COMMANDS:
        return [_COMMANDS[command]]
    return list(dict.fromkeys(_COMMANDS.values()))


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point. Returns (and exits with) the process exit code."""
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        _register(_modules_for(args))
        rv = app(args=args, standalone_mode=False)
    except ThrustCoachError as exc:
        err_console.print(f"[bold red]error:[/] {plain(exc)}", markup=True)
        code = exc.exit_code
    except typer.Exit as exc:
        code = int(exc.exit_code or 0)
    except typer.Abort:
        err_console.print("aborted")
        code = 130
    except KeyboardInterrupt:
        err_console.print("interrupted")
        code = 130
    except Exception as exc:  # the last line of defence: never a raw traceback
        import click

        # typer >= 0.20 vendors click as typer._click: its usage errors are not click's.
        from typer._click.exceptions import ClickException as VendoredClickException

        if isinstance(exc, click.ClickException | VendoredClickException):
            exc.show()
            code = exc.exit_code
        else:
            if _state["debug"]:
                raise
            err_console.print(
                f"[bold red]internal error:[/] {type(exc).__name__}: {plain(exc)} "
                "(please report it; rerun with --debug for details)"
            )
            code = 70
    else:
        code = rv if isinstance(rv, int) else 0
    if argv is None:
        sys.exit(code)
    return code
