"""Bad-input corpus totals: how many cases were tried, and how many ended in a traceback, an
internal error (exit 70 / HTTP 5xx), a hang, or rows written for a refused input.

    python benchmarks/badinput.py              # every case (CLI and web), ~2-3 minutes
    python benchmarks/badinput.py --surface cli --verbose

The cases are tests/data/badinput/{cli,web}.toml, run by tests/badinput/harness.py (the same
harness the test suite uses, one test per case). Everything but ``tried`` must be 0. Cases
whose expected answer is pending someone else's work (marked ``xfail`` in the tables) are
listed separately, not counted as failures.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the harness lives with the tests

from tests.badinput.harness import (  # noqa: E402
    CliRunner,
    Outcome,
    WebRunner,
    load_cases,
    summary,
)


def _run(surface: str, root: Path, *, verbose: bool) -> tuple[list[Outcome], float]:
    started = time.monotonic()
    runner = CliRunner(root / surface) if surface == "cli" else WebRunner(root / surface)
    outcomes = []
    for case in load_cases(surface):
        outcome = runner.run(case)
        outcomes.append(outcome)
        problems = outcome.problems()
        if verbose or (problems and not case.xfail):
            flag = "ok " if not problems else ("xfail" if case.xfail else "BAD")
            print(f"  {flag} {surface} {case.id}: {outcome.code} {'; '.join(problems)}")
    if isinstance(runner, WebRunner):
        runner.close()
    return outcomes, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surface", choices=("cli", "web", "all"), default="all")
    parser.add_argument("--verbose", "-v", action="store_true", help="one line per case")
    args = parser.parse_args(argv)
    surfaces = ("cli", "web") if args.surface == "all" else (args.surface,)
    logging.basicConfig(level=logging.CRITICAL)  # the cases' own log lines are not the point
    with tempfile.TemporaryDirectory(prefix="tc-badinput-") as tmp:
        root = Path(tmp)
        os.environ["THRUSTCOACH_DATA_DIR"] = str(root / "userdata")  # never the user's own
        os.environ["THRUSTCOACH_CONFIG"] = str(root / "no-config.toml")
        outcomes: list[Outcome] = []
        timing = []
        for surface in surfaces:
            done, seconds = _run(surface, root, verbose=args.verbose)
            outcomes += done
            timing.append(f"{surface} {len(done)} in {seconds:.0f} s")
    totals = summary(outcomes)
    pending = [o for o in outcomes if o.case.xfail and o.problems()]
    missed = [o for o in outcomes if o.problems() and not o.case.xfail]
    print(" | ".join(f"{k} {v}" for k, v in totals.items()) + f"  ({', '.join(timing)})")
    print(
        f"other expectation misses: {len(missed)}; pending elsewhere (xfail): {len(pending)}"
        + (f" ({pending[0].case.xfail})" if pending else "")
    )
    bad = sum(v for k, v in totals.items() if k != "tried") + len(missed)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
