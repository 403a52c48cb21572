"""Choose ``min_key_coverage`` (knowledge/sources/retrieval.yaml) by k-fold cross-validation on the dev split.

Run: ``python -m benchmarks.coverage_cv [--embedder none] [--folds 5] [--cost 3]``. Each dev qa question must
not be refused; each dev out-of-scope question (tasks and other jurisdictions excepted: the decision
recognises those before the verdict) must be. The signals are computed once per question; for every grid
value the verdict is re-judged. For each fold the value with the best training score (a wrongly refused qa
question costs ``--cost`` out-of-scope ones) is scored on the held-out fold. The test split is never read.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
from pathlib import Path
from typing import Any

from assistant.factory import build_engine
from assistant.settings import Settings
from eval.items import load_sets
from knowledge.relevance import judge

DEV = Path(__file__).resolve().parents[1] / "eval" / "sets" / "dev"
GRID = [round(0.05 * n, 2) for n in range(13)]
DECIDED_ELSEWHERE = ("task", "other_jurisdiction")


def score(rows: list[tuple[bool, Any]], base: Any, value: float, cost: float, dense_only: bool) -> tuple[float, int, int]:
    """(weighted score, qa refused, oos refused) of one threshold over some rows (in_scope, signals)."""
    t = dataclasses.replace(base, min_key_coverage=value)
    qa_refused = sum(1 for ok, s in rows if ok and judge(s, t, dense_only=dense_only) == "refuse")
    oos_refused = sum(1 for ok, s in rows if not ok and judge(s, t, dense_only=dense_only) == "refuse")
    return oos_refused - cost * qa_refused, qa_refused, oos_refused


def signal_rows(files: list[Path], embedder: str, data_dir: str) -> tuple[list[tuple[bool, Any]], Any, bool]:
    """(in scope?, retrieval signals) for each qa and out-of-scope question of ``files`` whose refusal the
    relevance decision makes (tasks and other jurisdictions are decided by the router), the configured
    relevance thresholds, and whether retrieval is dense only."""
    items = [i for i in load_sets(files).items
             if i.kind == "qa" or (i.kind == "out_of_scope" and i.data.get("category") not in DECIDED_ELSEWHERE)]
    engine = build_engine(Settings(embedder=embedder, data_dir=Path(data_dir)))  # type: ignore[arg-type]
    retriever = engine.retriever.open()
    rows = [(i.kind == "qa", retriever.retrieve(i.data["question"], 5).signals) for i in items]
    return rows, retriever.config.relevance, retriever.mode == "dense"


def shuffled_folds(n: int, k: int) -> tuple[list[int], list[list[int]]]:
    """The row order shuffled with a fixed seed, and its ``k`` folds."""
    order = list(range(n))
    random.Random(0).shuffle(order)
    return order, [order[i::k] for i in range(k)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedder", default="none")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cost", type=float, default=3.0)
    parser.add_argument("--data-dir", default="/tmp/gongkai-bench", help="vector cache (shared with answer_configs)")
    args = parser.parse_args()
    rows, base, dense_only = signal_rows(sorted(DEV.glob("*.yaml")), args.embedder, args.data_dir)
    order, folds = shuffled_folds(len(rows), args.folds)
    held = {"qa": 0, "qa_refused": 0, "oos": 0, "oos_refused": 0}
    for n, fold in enumerate(folds):
        train = [rows[i] for i in order if i not in set(fold)]
        test = [rows[i] for i in fold]
        best = max(GRID, key=lambda v: (score(train, base, v, args.cost, dense_only)[0], -v))
        _, qa_refused, oos_refused = score(test, base, best, args.cost, dense_only)
        held["qa"] += sum(ok for ok, _ in test)
        held["oos"] += sum(not ok for ok, _ in test)
        held["qa_refused"] += qa_refused
        held["oos_refused"] += oos_refused
        print(f"fold {n}: min_key_coverage={best}  held-out qa refused {qa_refused}, out-of-scope refused {oos_refused}")
    print(f"held-out: qa wrongly refused {held['qa_refused']}/{held['qa']}, "
          f"out-of-scope refused {held['oos_refused']}/{held['oos']}")
    for value in GRID:
        _, qa_refused, oos_refused = score(rows, base, value, args.cost, dense_only)
        print(f"all dev  min_key_coverage={value:.2f}: qa refused {qa_refused}, out-of-scope refused {oos_refused}")
    chosen = max(GRID, key=lambda v: (score(rows, base, v, args.cost, dense_only)[0], -v))
    print(f"chosen on all dev: {chosen}")


if __name__ == "__main__":
    main()
