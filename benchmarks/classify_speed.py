"""Latency of the 公开属性 suggestion and the PII finder over the eval drafts (prints p50/p95; not a test).

Run: python benchmarks/classify_speed.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

from tools.attribute import classify_document
from tools.pii import find_pii

SET = Path(__file__).resolve().parents[1] / "eval" / "sets" / "dev" / "classify.yaml"


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, n={len(ordered)}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    texts = [item["text"] for item in yaml.safe_load(SET.read_text("utf-8"))["items"]]
    classify_document(texts[0])  # build the rule book and the TF-IDF index once
    for name, func in (("classify_document", classify_document), ("find_pii", find_pii)):
        samples = []
        for _ in range(args.repeat):
            for text in texts:
                start = time.perf_counter()
                func(text)
                samples.append(time.perf_counter() - start)
        print(f"{name}: {_percentiles(samples)}")
    big = "\n".join(texts) * 4
    start = time.perf_counter()
    classify_document(big)
    print(f"classify_document on {len(big)} chars: {(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
