"""Parse the plan into parts, subsections, paragraphs and 责任单位 clauses. (stub: filled in by the plan work)"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Plan:
    title: str = ""
    paragraphs: tuple[object, ...] = field(default_factory=tuple)


def load_plan() -> Plan:
    return Plan()
