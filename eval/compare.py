"""``--compare previous.json``: which headline metrics and which items got better or worse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eval.report import fmt, metric_names
from knowledge.errors import BadInput


def load_previous(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput(f"无法读取上次的结果 {path}：请给出 gongkai eval --json 的输出文件。") from exc
    if not isinstance(data, dict) or "headline" not in data or "items" not in data:
        raise BadInput(f"{path} 不是 gongkai eval --json 的输出。")
    return data


def compare(previous: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """Metric deltas (better/worse by each metric's direction) and items whose pass/fail flipped."""
    names = metric_names()
    better: list[dict[str, Any]] = []
    worse: list[dict[str, Any]] = []
    for key, now in current["headline"].items():
        before = previous.get("headline", {}).get(key)
        if now is None or before is None or now == before or key.startswith("latency."):
            continue
        row = {"metric": key, "name": names.get(key, {}).get("name", key), "before": before, "after": now}
        higher = names.get(key, {}).get("higher", True)
        (better if (now > before) == higher else worse).append(row)
    old = {r["id"]: r["passed"] for r in previous.get("items", [])}
    fixed = [r["id"] for r in current["items"] if old.get(r["id"]) is False and r["passed"]]
    broken = [r["id"] for r in current["items"] if old.get(r["id"]) is True and not r["passed"]]
    new = [r["id"] for r in current["items"] if r["id"] not in old]
    return {"better": better, "worse": worse, "fixed_items": fixed, "broken_items": broken, "new_items": new}


def render_text(diff: dict[str, Any]) -> str:
    lines = []
    for title, rows in (("变好", diff["better"]), ("变差", diff["worse"])):
        for row in rows:
            lines.append(f"{title}：{row['name']} {fmt(row['metric'], row['before'])} → {fmt(row['metric'], row['after'])}")
    if diff["fixed_items"]:
        lines.append(f"新通过的题（{len(diff['fixed_items'])}）：{'、'.join(diff['fixed_items'])}")
    if diff["broken_items"]:
        lines.append(f"新失败的题（{len(diff['broken_items'])}）：{'、'.join(diff['broken_items'])}")
    if diff["new_items"]:
        lines.append(f"新增的题：{len(diff['new_items'])}道")
    return "\n".join(lines) or "与上次相比没有变化。"
