"""Every plan the knowledge base holds, by year: the data set's built-in plan and each ingested 工作方案/要点.

Which plan answers: the newest *current* plan by default ("今年的方案" means this one, whatever the
calendar says); a year asks for that year's plan (a current one first, else a superseded one);
withdrawn plans never answer. Pure: ``knowledge.shelf`` reads the sources from the chunk store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.county import County, load_county
from knowledge.errors import NotFound
from knowledge.plan import Plan, parse_plan

BUILTIN_PLAN_ID = "builtin:plan"
PLAN_KINDS = ("plan", "points")  # knowledge.doc_kinds codes of 工作方案 and 工作要点
_COUNTY_GOVERNMENT = ("人民政府", "人民政府办公室", "政府", "政府办公室", "政府办")
_YEAR_RE = re.compile(r"(20\d{2})\s*年")


@dataclass(frozen=True)
class PlanSource:
    """A plan as stored: what the catalogue needs, independent of where documents are recorded."""

    doc_id: str
    title: str
    year: int | None
    status: str
    text: str


@dataclass(frozen=True)
class PlanEntry:
    doc_id: str
    title: str
    year: int | None
    status: str
    plan: Plan

    def ref(self) -> dict[str, object]:
        """The ``plan`` object of the duties contract."""
        return {"id": self.doc_id, "title": self.title, "year": self.year}


def plan_year(title: str, header: Iterable[str] = ()) -> int | None:
    """The year a plan is for: the year in its title, else the year of the date in its header."""
    for text in (title, *header):
        m = _YEAR_RE.search(text)
        if m:
            return int(m[1])
    return None


def is_county_plan(title: str, county: County) -> bool:
    """The plan is this county's own: its title names no issuer before the year or subject, or names this
    county or its government (not one of its townships or departments, not another county)."""
    head = re.split(r"20\d{2}|关于|政务公开|政府信息公开", title, maxsplit=1)[0].strip("《》 ")
    for name in sorted((county.name, *county.aliases), key=len, reverse=True):
        if name and head.startswith(name):
            head = head[len(name) :]
            break
    return head.removeprefix(county.county_prefix) in ("", *_COUNTY_GOVERNMENT)


class PlanCatalogue:
    """The plans in the order they are preferred: newest year last, later additions after earlier ones."""

    def __init__(self, entries: Iterable[PlanEntry]) -> None:
        listed = [e for e in entries if e.status != "withdrawn"]
        # stable sort: of two plans of the same year, the one added later wins
        self.entries = sorted(listed, key=lambda e: e.year or 0)

    def __len__(self) -> int:
        return len(self.entries)

    def years(self) -> list[int]:
        return sorted({e.year for e in self.entries if e.year})

    def current(self) -> PlanEntry:
        """The newest current plan.

        Raises:
            NotFound: the knowledge base holds no current plan.
        """
        current = [e for e in self.entries if e.status == "current"]
        if not current:
            raise NotFound("知识库中还没有现行的政务公开工作方案，请先用 gongkai ingest 导入方案文件。")
        return current[-1]

    def for_year(self, year: int) -> PlanEntry:
        """That year's plan: a current one if there is one, else a superseded one.

        Raises:
            NotFound: no plan of that year; the message lists the years there are.
        """
        of_year = [e for e in self.entries if e.year == year]
        if not of_year:
            held = "、".join(f"{y}年" for y in self.years()) or "无"
            raise NotFound(f"知识库中没有{year}年的工作方案。现有方案的年份：{held}。")
        current = [e for e in of_year if e.status == "current"]
        return (current or of_year)[-1]

    def pick(self, year: int | None = None) -> PlanEntry:
        return self.current() if year is None else self.for_year(year)

    def previous(self, entry: PlanEntry) -> PlanEntry:
        """The plan of the year before ``entry``'s ("今年比去年")."""
        if entry.year is None:
            raise NotFound("当前方案没有标明年份，无法与上一年比较，请用 --compare 指定年份。")
        return self.for_year(entry.year - 1)


def catalogue(sources: Iterable[PlanSource]) -> PlanCatalogue:
    """Parse every source into a catalogue entry (pure)."""
    return PlanCatalogue(
        PlanEntry(s.doc_id, s.title, s.year, s.status, parse_plan(s.text, title=s.title)) for s in sources
    )


def builtin_source() -> PlanSource | None:
    """The active county data set's own plan, if it has one."""
    text = load_county().builtin_plan_text()
    if not text:
        return None
    plan = parse_plan(text)
    return PlanSource(BUILTIN_PLAN_ID, plan.title, plan_year(plan.title, plan.header), "current", text)
