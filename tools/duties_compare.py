"""Two years' tasks of one unit side by side: which task groups were added, removed or carried over.

A task group of the newer plan and one of the older plan are the same task when their wording overlaps
enough (character bigrams of title and text, Jaccard ≥ ``compare_min_similarity`` in duties.yaml);
pairs are taken best first, each group used once. Section numbers may differ between years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from knowledge.errors import BadInput
from knowledge.plans import PlanCatalogue, PlanEntry
from knowledge.units import Unit, UnitRegistry
from tools.duties import Task, tasks_of


@dataclass(frozen=True)
class Comparison:
    unit: Unit
    plan: PlanEntry
    other: PlanEntry
    added: tuple[Task, ...]
    removed: tuple[Task, ...]
    unchanged: tuple[tuple[Task, Task], ...]  # (this year's, the other year's)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit.name,
            "plan": self.plan.ref(),
            "compared_with": self.other.ref(),
            "added": [t.as_dict() for t in self.added],
            "removed": [t.as_dict() for t in self.removed],
            "unchanged": [{**new.as_dict(), "previous_section": old.section} for new, old in self.unchanged],
        }


@cache
def _min_similarity() -> float:
    text = resources.files("tools").joinpath("data", "duties.yaml").read_text(encoding="utf-8")
    return float(yaml.safe_load(text)["compare_min_similarity"])


def _grams(task: Task) -> set[str]:
    parts = re.split(r"[^\w]+", task.title + " " + task.text)
    return {p[i : i + 2] for p in parts for i in range(len(p) - 1)}


def similarity(a: Task, b: Task) -> float:
    ga, gb = _grams(a), _grams(b)
    return len(ga & gb) / max(len(ga | gb), 1)


def pair_tasks(new: tuple[Task, ...], old: tuple[Task, ...], threshold: float) -> list[tuple[int, int]]:
    """Index pairs (new, old) of the same task, best match first, each task in at most one pair."""
    scored = sorted(((similarity(a, b), i, j) for i, a in enumerate(new) for j, b in enumerate(old)), reverse=True)
    used_new: set[int] = set()
    used_old: set[int] = set()
    pairs = []
    for score, i, j in scored:
        if score < threshold:
            break
        if i not in used_new and j not in used_old:
            pairs.append((i, j))
            used_new.add(i)
            used_old.add(j)
    return sorted(pairs)


def compare_duties(
    plans: PlanCatalogue, units: UnitRegistry, unit_name: str, *, year: int | None = None, against: int | None = None
) -> Comparison:
    """The unit's tasks in the plan of ``year`` (default: the current plan) against the plan of ``against``
    (default: the year before).

    Raises:
        NotFound: a plan is not held, or the unit is unknown. BadInput: both sides are the same plan.
    """
    entry = plans.pick(year)
    other = plans.previous(entry) if against is None else plans.for_year(against)
    if other.doc_id == entry.doc_id:
        raise BadInput(f"要比较的是同一个方案（{entry.year}年），请指定另一个年份。")
    unit = units.resolve(unit_name)
    new, old = tasks_of(entry.plan, units, unit), tasks_of(other.plan, units, unit)
    pairs = pair_tasks(new, old, _min_similarity())
    matched_new, matched_old = {i for i, _ in pairs}, {j for _, j in pairs}
    return Comparison(
        unit=unit,
        plan=entry,
        other=other,
        added=tuple(t for i, t in enumerate(new) if i not in matched_new),
        removed=tuple(t for j, t in enumerate(old) if j not in matched_old),
        unchanged=tuple((new[i], old[j]) for i, j in pairs),
    )


def render_comparison(data: dict[str, Any]) -> str:
    """Chinese chat text for the comparison contract."""
    plan, other = data["plan"], data["compared_with"]
    added, removed, unchanged = data["added"], data["removed"], data["unchanged"]
    lines = [
        f"{data['unit']}：《{plan['title']}》与《{other['title']}》相比，新增{len(added)}项任务、"
        f"不再列出{len(removed)}项、延续{len(unchanged)}项。"
    ]
    for head, tasks in (("新增的任务", added), ("不再列出的任务", removed)):
        if tasks:
            lines += ["", f"{head}："]
            lines += [f"- 〔{t['section']}〕{t['title']}" for t in tasks]
    if unchanged:
        lines += ["", "延续的任务："]
        lines += [f"- 〔{t['section']}，上一方案{t['previous_section']}〕{t['title']}" for t in unchanged]
    return "\n".join(lines)
