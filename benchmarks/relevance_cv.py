"""Choose the relevance thresholds of knowledge/sources/retrieval.yaml jointly by k-fold cross-validation.

Run: ``python -m benchmarks.relevance_cv [--embedder none] [--folds 5] [--cost 5] [--extra FILE ...]``.
Tuned together: ``focus_without_anchor`` and ``bm25_without_anchor`` (a question with none of the domain's
core words must match one clause closely) and ``min_key_coverage`` (the near-miss refusal). Each dev qa question
(and each qa item of an ``--extra`` file) must not be refused; each out-of-scope question must be (tasks and
other jurisdictions excepted: the decision recognises those before the verdict). Signals are computed once per
question; every grid point re-judges them. Per fold, the point with the best training score (a wrongly refused
qa question costs ``--cost`` out-of-scope ones; ties go to the point nearest the shipped values) is scored on
the held-out fold. The test split is never read.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
from pathlib import Path
from typing import Any

from benchmarks.coverage_cv import DEV, shuffled_folds, signal_rows
from knowledge.relevance import judge

GRID = {
    "focus_without_anchor": [round(0.1 * n, 1) for n in range(3, 10)],
    "bm25_without_anchor": [2.0, 3.0, 4.0, 5.0, 6.0, 8.0],
    "min_key_coverage": [round(0.05 * n, 2) for n in range(13)],
}
def score(rows: list[tuple[bool, Any]], t: Any, cost: float, dense_only: bool) -> tuple[float, int, int]:
    """(weighted score, qa refused, oos refused) of one set of thresholds over rows (in_scope, signals)."""
    verdicts = [(ok, judge(s, t, dense_only=dense_only) == "refuse") for ok, s in rows]
    qa_refused = sum(1 for ok, refused in verdicts if ok and refused)
    oos_refused = sum(1 for ok, refused in verdicts if not ok and refused)
    return oos_refused - cost * qa_refused, qa_refused, oos_refused


def points(base: Any) -> list[Any]:
    names = list(GRID)
    return [dataclasses.replace(base, **dict(zip(names, values, strict=True)))
            for values in itertools.product(*(GRID[n] for n in names))]


def distance(t: Any, base: Any) -> float:
    return sum(abs(getattr(t, n) - getattr(base, n)) / (max(GRID[n]) - min(GRID[n])) for n in GRID)


def best(rows: list[tuple[bool, Any]], grid: list[Any], base: Any, cost: float, dense_only: bool) -> Any:
    return max(grid, key=lambda t: (score(rows, t, cost, dense_only)[0], -distance(t, base)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedder", default="none")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cost", type=float, default=5.0)
    parser.add_argument("--extra", nargs="*", default=[], help="more dev-side set files (e.g. a fresh set's half)")
    parser.add_argument("--data-dir", default="/tmp/gongkai-bench", help="vector cache (shared with answer_configs)")
    args = parser.parse_args()
    files = sorted(DEV.glob("*.yaml")) + [Path(f) for f in args.extra]
    rows, base, dense_only = signal_rows(files, args.embedder, args.data_dir)
    grid = points(base)
    order, folds = shuffled_folds(len(rows), args.folds)
    held = [0, 0, 0, 0]  # qa, qa refused, oos, oos refused
    for n, fold in enumerate(folds):
        held_out = set(fold)
        chosen = best([rows[i] for i in order if i not in held_out], grid, base, args.cost, dense_only)
        test = [rows[i] for i in fold]
        _, qa_refused, oos_refused = score(test, chosen, args.cost, dense_only)
        held = [held[0] + sum(ok for ok, _ in test), held[1] + qa_refused,
                held[2] + sum(not ok for ok, _ in test), held[3] + oos_refused]
        print(f"fold {n}: " + " ".join(f"{k}={getattr(chosen, k)}" for k in GRID)
              + f"  held-out qa refused {qa_refused}, out-of-scope refused {oos_refused}")
    print(f"held-out: qa wrongly refused {held[1]}/{held[0]}, out-of-scope refused {held[3]}/{held[2]}")
    for name, t in (("shipped", base), ("chosen on all", best(rows, grid, base, args.cost, dense_only))):
        _, qa_refused, oos_refused = score(rows, t, args.cost, dense_only)
        print(f"{name}: " + " ".join(f"{k}={getattr(t, k)}" for k in GRID)
              + f"  qa refused {qa_refused}, out-of-scope refused {oos_refused}")


if __name__ == "__main__":
    main()
