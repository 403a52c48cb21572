"""The CI floor: headline metrics stored in eval/floors.yaml that a run must not fall below."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from eval.report import fmt, metric_names

FLOORS_FILE = Path(__file__).parent / "floors.yaml"


def load_floors(path: Path = FLOORS_FILE) -> dict[str, dict[str, float]]:
    """``{metric: {"min": x}}`` or ``{metric: {"max": x}}`` (max for counts that must stay low)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    floors: dict[str, dict[str, float]] = data.get("floors", {})
    return floors


def check(headline: dict[str, Any], floors: dict[str, dict[str, float]]) -> list[str]:
    """Chinese lines, one per metric outside its floor (a metric that did not run counts as failing)."""
    names = metric_names()
    problems = []
    for key, bound in floors.items():
        name = names.get(key, {}).get("name", key)
        value = headline.get(key)
        if value is None:
            problems.append(f"{name}（{key}）：本次没有这一项的结果（题库缺少这类题？）")
        elif "min" in bound and value < bound["min"]:
            problems.append(f"{name}（{key}）：{fmt(key, value)}，低于下限 {fmt(key, bound['min'])}")
        elif "max" in bound and value > bound["max"]:
            problems.append(f"{name}（{key}）：{fmt(key, value)}，高于上限 {fmt(key, bound['max'])}")
    return problems
