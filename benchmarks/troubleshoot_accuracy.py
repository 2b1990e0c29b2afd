"""Troubleshooter accuracy: top-1 and top-3 hit rates on the paraphrased question set.

Usage: .venv/bin/python benchmarks/troubleshoot_accuracy.py [QUESTIONS.toml] [--misses]

A question is a hit when its expected answer (or one of its `also_ok` answers) is ranked first
(top-1) or among the first three (top-3). Prints the figures and, with --misses, each miss.
"""

from __future__ import annotations

import sys
import time
import tomllib
from pathlib import Path

from thrustcoach.kb import load_knowledge_base, troubleshoot

DEFAULT = (
    Path(__file__).resolve().parents[1] / "tests" / "data" / "kb" / "troubleshoot_questions.toml"
)


def main(argv: list[str]) -> int:
    paths = [a for a in argv if not a.startswith("--")]
    path = Path(paths[0]) if paths else DEFAULT
    questions = tomllib.loads(path.read_text(encoding="utf-8"))["q"]
    load_knowledge_base()
    troubleshoot("warm up")  # build the index outside the timing
    top1 = top3 = 0
    misses: list[str] = []
    start = time.perf_counter()
    for q in questions:
        accepted = {q["expect"], *q.get("also_ok", [])}
        ranked = [f"{m.kind}:{m.id}" for m in troubleshoot(q["text"], limit=3).matches]
        top1 += bool(ranked) and ranked[0] in accepted
        top3 += bool(accepted & set(ranked))
        if not ranked or ranked[0] not in accepted:
            misses.append(f"  {q['text']!r}: got {ranked or 'nothing'}, want {q['expect']}")
    elapsed_ms = (time.perf_counter() - start) * 1000 / len(questions)
    n = len(questions)
    print(f"questions: {n} ({path.name})")
    print(f"top-1 hit rate: {top1}/{n} = {top1 / n:.1%}")
    print(f"top-3 hit rate: {top3}/{n} = {top3 / n:.1%}")
    print(f"mean time per question: {elapsed_ms:.2f} ms")
    if "--misses" in argv and misses:
        print("top-1 misses:")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
