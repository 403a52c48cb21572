"""A unit's tasks on one topic ("营商环境那块我们要做啥", "重大建设项目那条我们有任务吗"): the unit's tasks whose
text shares the topic's rarer words, shown with their whole text (the question is about what exactly to do).

Matching is the reverse question's keyword overlap (tools/duties.py): character bigrams of the topic, weighted
by how rare they are across the unit's tasks, counted double in a task's title; tasks scoring at least ``keep_ratio`` of
the best are kept. No task sharing a word: the answer says so and lists all the unit's tasks.
"""

from __future__ import annotations

import math
import re
from typing import Any

from knowledge.synonyms import load_synonyms


def _bigrams(text: str) -> set[str]:
    parts = re.split(r"[^\w]+", text)
    return {p[i : i + 2] for p in parts for i in range(len(p) - 1)}


def tasks_about(tasks: list[dict[str, Any]], topic: str, *, keep_ratio: float = 0.75) -> list[dict[str, Any]]:
    """The tasks (``{"section", "title", "role", "text"}``) about ``topic``, best first; [] for none."""
    wanted = _bigrams(topic) | {b for term in load_synonyms().expand(topic) for b in _bigrams(term)}
    bodies = [_bigrams(f"{t['title']} {t['text']}") for t in tasks]
    titles = [_bigrams(t["title"]) for t in tasks]
    idf = {b: math.log(1 + len(tasks) / (1 + sum(b in body for body in bodies))) for b in wanted}
    scored = [(sum(idf[b] * (2 if b in titles[n] else 1) for b in wanted if b in body), n)
              for n, body in enumerate(bodies)]
    best = max((s for s, _ in scored), default=0.0)
    if best <= 0:
        return []
    return [tasks[n] for s, n in sorted(scored, key=lambda x: (-x[0], x[1])) if s >= best * keep_ratio]


def render_topic(data: dict[str, Any], plan: str, role_names: dict[str, str]) -> str:
    """The unit's tasks on the topic, each with its section, role and whole text."""
    about = data.get("about") or []
    if not about:
        return f"{data['unit']}在《{plan}》中没有与“{data['topic']}”直接相关的任务。"
    lines = [f"{data['unit']}在《{plan}》中与“{data['topic']}”有关的任务{len(about)}项：", ""]
    for i, task in enumerate(about, 1):
        lines.append(f"{i}. 〔{task['section']}〕{task['title']}（{role_names[task['role']]}）")
        lines.append(f"   {task['text']}")
    return "\n".join(lines)
