"""Retrieval quality per mode (bm25 / dense / hybrid) on the eval questions, and the relevance calibration.

Run: ``python -m benchmarks.retrieval_modes [--embedder use] [--signals]``. Prints hit@1, hit@5, MRR,
key-fact accuracy (extractive answer) and out-of-scope refusal for each mode; ``--signals`` also
prints the relevance signals (content-word coverage, best BM25 score, best dense similarity) of every
in-scope and out-of-scope question, which is how the thresholds in knowledge/sources/retrieval.yaml
were chosen.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.answer import compose_answer
from assistant.factory import build_store
from assistant.settings import Settings
from eval.grading import grade_facts
from knowledge.index import IndexOptions, open_retriever
from knowledge.retriever import HybridRetriever

SETS = Path(__file__).resolve().parent.parent / "eval" / "sets" / "dev"
QA_FILES = ("qa_plan.yaml", "qa_regulations.yaml")
OOS_FILE = "out_of_scope.yaml"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    sources: tuple[tuple[str, tuple[str, ...]], ...]
    key_facts: tuple[Any, ...]


@dataclass(frozen=True)
class Scores:
    hit1: float
    hit5: float
    mrr: float
    facts: float
    refusal: float
    false_refusal: float
    misses: tuple[str, ...]


def _items(name: str) -> list[dict[str, Any]]:
    path = SETS / name
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [i for i in data.get("items") or [] if isinstance(i, dict)]


def load_questions() -> tuple[list[Question], list[str]]:
    """In-scope QA questions (with expected sources and key facts) and out-of-scope questions."""
    qa: list[Question] = []
    for name in QA_FILES:
        for item in _items(name):
            if item.get("kind", "qa") != "qa" or not item.get("question"):
                continue
            raw = item.get("source")
            entries = raw if isinstance(raw, list) else [raw] if raw else []
            sources = tuple(
                (str(s.get("title", "")), tuple(s["section"] if isinstance(s.get("section"), list) else [s.get("section", "")]))
                for s in entries
            )
            facts = tuple(tuple(str(a) for a in f) if isinstance(f, list) else str(f) for f in item.get("key_facts") or [])
            qa.append(Question(str(item["id"]), str(item["question"]), sources, facts))
    oos = [str(i["question"]) for i in _items(OOS_FILE) if i.get("question")]
    return qa, oos


def _section_ok(got: str, expected: str) -> bool:
    got, expected = got.replace("（", "(").replace("）", ")"), expected.replace("（", "(").replace("）", ")")
    return got == expected or got.startswith(expected + "(") or (expected.endswith("条") and got.startswith(expected))


def rank_of(question: Question, hits: list[Any]) -> int | None:
    """1-based rank of the first hit that is an expected source."""
    for rank, hit in enumerate(hits, start=1):
        for title, sections in question.sources:
            title_ok = not title or title.strip("《》") == hit.chunk.title
            if title_ok and any(_section_ok(hit.chunk.section, s) for s in sections):
                return rank
    return None


def evaluate(retriever: HybridRetriever, qa: list[Question], oos: list[str]) -> Scores:
    ranks: list[int | None] = []
    facts_ok = 0
    misses: list[str] = []
    for question in qa:
        hits = retriever.search(question.text, 5)
        rank = rank_of(question, hits)
        ranks.append(rank)
        answer = compose_answer(question.text, hits).text
        if grade_facts(answer, question.key_facts, question=question.text).score >= 1:
            facts_ok += 1
        else:
            misses.append(question.id)
    refused = sum(1 for q in oos if not retriever.search(q, 5))
    n = max(1, len(qa))
    return Scores(
        hit1=sum(1 for r in ranks if r == 1) / n,
        hit5=sum(1 for r in ranks if r is not None and r <= 5) / n,
        mrr=sum(1.0 / r for r in ranks if r) / n,
        facts=facts_ok / n,
        refusal=refused / max(1, len(oos)),
        false_refusal=sum(1 for q in qa if not retriever.search(q.text, 5)) / n,
        misses=tuple(misses),
    )


def print_signals(retriever: HybridRetriever, qa: list[Question], oos: list[str]) -> None:
    print("\nrelevance signals (coverage, bm25_top, dense_top, foreign place) — in scope:")
    for question in qa:
        s = retriever.signals(question.text)
        print(f"  IN  {s.coverage:.2f} {s.focus:.2f} {s.bm25_top:6.2f} {s.dense_top:.2f} {s.foreign_place or '-':6} {question.text}")
    print("out of scope:")
    for text in oos:
        s = retriever.signals(text)
        print(f"  OUT {s.coverage:.2f} {s.focus:.2f} {s.bm25_top:6.2f} {s.dense_top:.2f} {s.foreign_place or '-':6} {text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedder", default="use", choices=["use", "sentence-transformers"])
    parser.add_argument("--model", default="")
    parser.add_argument("--signals", action="store_true", help="print each question's relevance signals")
    parser.add_argument("--misses", action="store_true", help="list the ids of questions whose key facts were missed")
    args = parser.parse_args()
    qa, oos = load_questions()
    print(f"{len(qa)} in-scope questions, {len(oos)} out-of-scope questions, embedder={args.embedder}")
    print(f"{'mode':8} {'hit@1':>6} {'hit@5':>6} {'MRR':>6} {'facts':>6} {'OOS refused':>12} {'in-scope refused':>17}")
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ("bm25", "dense", "hybrid"):
            options = IndexOptions(data_dir=Path(tmp), embedder=args.embedder, embedding_model=args.model, mode=mode)
            retriever = open_retriever(options, build_store(Settings(data_dir=Path(tmp))))
            s = evaluate(retriever, qa, oos)
            print(f"{mode:8} {s.hit1:6.3f} {s.hit5:6.3f} {s.mrr:6.3f} {s.facts:6.3f} {s.refusal:12.3f} {s.false_refusal:17.3f}")
            if args.misses and s.misses:
                print("  key facts missed:", " ".join(s.misses))
            if args.signals and mode == "hybrid":
                print_signals(retriever, qa, oos)


if __name__ == "__main__":
    main()
