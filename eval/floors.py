"""The CI floor: headline metrics stored in eval/floors.yaml that a run must not fall below.

The file holds one block per split (``dev:``, ``test:``); a block applies to that split's headline.
A split that did not run (``--split dev``, or the blind test split not committed yet) is skipped, not
failed. Top-level metric keys (the old flat format) apply to the whole run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from eval.items import SPLITS
from eval.report import fmt, metric_names

FLOORS_FILE = Path(__file__).parent / "floors.yaml"
Floors = dict[str, dict[str, dict[str, float]]]


def load_floors(path: Path = FLOORS_FILE) -> Floors:
    """``{scope: {metric: {"min": x} | {"max": x}}}``; scope is a split name or "all" (the whole run)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    raw: dict[str, Any] = data.get("floors") or {}
    out: Floors = {}
    for key, value in raw.items():
        if key in SPLITS:
            out[key] = dict(value or {})
        else:
            out.setdefault("all", {})[key] = value
    return out


def check(summary: dict[str, Any], floors: Floors) -> tuple[list[str], list[str]]:
    """(problems, skipped splits): Chinese lines, one per metric outside its floor (a metric that did not
    run counts as failing), and the splits whose floors were not applied because they did not run."""
    problems, skipped = [], []
    splits = summary.get("splits") or {}
    for scope, bounds in floors.items():
        if scope == "all":
            problems += _check(summary["headline"], bounds, "")
        elif scope in splits:
            problems += _check(splits[scope]["headline"], bounds, f"[{scope}] ")
        else:
            skipped.append(scope)
    return problems, skipped


def _check(headline: dict[str, Any], bounds: dict[str, dict[str, float]], prefix: str) -> list[str]:
    names = metric_names()
    problems = []
    for key, bound in bounds.items():
        name = names.get(key, {}).get("name", key)
        value = headline.get(key)
        if value is None:
            problems.append(f"{prefix}{name}（{key}）：本次没有这一项的结果（题库缺少这类题？）")
        elif "min" in bound and value < bound["min"]:
            problems.append(f"{prefix}{name}（{key}）：{fmt(key, value)}，低于下限 {fmt(key, bound['min'])}")
        elif "max" in bound and value > bound["max"]:
            problems.append(f"{prefix}{name}（{key}）：{fmt(key, value)}，高于上限 {fmt(key, bound['max'])}")
    return problems
