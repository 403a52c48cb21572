"""Unit duties: which tasks of the plan concern a unit, and which units are responsible for a task.

A task is one 责任单位 clause together with the paragraphs it governs (see knowledge/plan.py for the
attachment rule). A unit's role in a task is, in order of precedence:

- ``lead``: listed after 县级牵头部门;
- ``named``: listed by name in the clause;
- ``collective``: covered by 县级各部门 / 县级各有关部门 (kind=department) or 各镇乡人民政府 /
  各有关镇乡 (kind=township).

JSON contracts (the tool returns them as plain dicts):

- by unit: ``{"unit": canonical name, "tasks": [{"section", "title", "role", "text"}], "plan": {"id",
  "title", "year"}}`` (``plan``: the plan that answered; absent when a fixed plan is passed in)
- comparison: ``{"unit", "plan", "compared_with", "added": [task], "removed": [task], "unchanged":
  [task + "previous_section"]}``: the unit's task groups in ``plan`` against those in ``compared_with``
- by task (reverse question): ``{"query": str, "matches": [{"section", "title", "units": [...],
  "lead": [...], "collective": [...], "others": [...], "text"}]}`` where ``units`` lists the units
  named or leading in the clause (canonical names), ``collective`` the collective terms as written,
  ``others`` any other party as written, best match first.
"""

from __future__ import annotations

import inspect
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, Field

from knowledge.county import load_county
from knowledge.errors import BadInput, NotFound
from knowledge.plan import Paragraph, Plan, ResponsibilityClause, load_plan
from knowledge.plans import PlanCatalogue, PlanEntry
from knowledge.synonyms import Synonyms, load_synonyms
from knowledge.units import Unit, UnitRegistry
from tools.context import ToolContext

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

ROLES = ("lead", "named", "collective")
_ROLE_NAMES = {"lead": "牵头", "named": "点名负责", "collective": "统称负责"}
_TITLE_MAX = 36
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class TaskGroup:
    """One clause and the paragraphs it governs."""

    clause: ResponsibilityClause
    paragraphs: tuple[Paragraph, ...]
    title: str

    @property
    def section(self) -> str:
        return self.clause.section

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True)
class Task:
    section: str
    title: str
    role: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"section": self.section, "title": self.title, "role": self.role, "text": self.text}


@dataclass(frozen=True)
class DutiesResult:
    unit: Unit
    tasks: tuple[Task, ...]
    plan: PlanEntry | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"unit": self.unit.name, "tasks": [t.as_dict() for t in self.tasks]}
        if self.plan is not None:
            data["plan"] = self.plan.ref()
        return data


@dataclass(frozen=True)
class Match:
    group: TaskGroup
    score: float

    def as_dict(self) -> dict[str, Any]:
        clause = self.group.clause
        return {
            "section": self.group.section,
            "title": self.group.title,
            "units": list(clause.units),
            "lead": list(clause.lead),
            "collective": list(clause.collective),
            "others": list(clause.others),
            "text": self.group.text,
        }


@dataclass(frozen=True)
class ResponsibleResult:
    query: str
    matches: tuple[Match, ...]
    coverage: float = 1.0  # the largest share of the query's (rarity-weighted) words a listed task holds

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.query, "matches": [m.as_dict() for m in self.matches],
                "coverage": round(self.coverage, 3), "confident": self.coverage >= _search_config().min_coverage}


def task_groups(plan: Plan) -> list[TaskGroup]:
    """Every clause with its governed paragraphs and a short title, in plan order."""
    per_section: dict[str, int] = {}
    for clause in plan.clauses:
        per_section[clause.section] = per_section.get(clause.section, 0) + 1
    groups = []
    for clause in plan.clauses:
        paras = tuple(p for p in plan.paragraphs if p.clause is clause)
        shared = per_section[clause.section] > 1
        groups.append(TaskGroup(clause, paras, _title(paras[0], shared)))
    return groups


def _title(first: Paragraph, shared_section: bool) -> str:
    """The section title, or the paragraph's opening words when several tasks share a section."""
    if not shared_section:
        return first.title
    sentence = first.text.split("。", 1)[0]
    if len(sentence) <= _TITLE_MAX:
        return sentence
    clause = re.split(r"[,，;；:：]", sentence, maxsplit=1)[0]
    return clause if len(clause) <= _TITLE_MAX else first.title


def _names(names: tuple[str, ...], unit: Unit, units: UnitRegistry | None) -> bool:
    """The clause writes the unit's canonical name, or (another year's plan) one of its aliases."""
    return unit.name in names or units is not None and any(units.exact(n) == unit for n in names)


def role_of(clause: ResponsibilityClause, unit: Unit, units: UnitRegistry | None = None) -> str | None:
    """The unit's role in a clause (lead > named > collective), or None when it is not covered."""
    if _names(clause.lead, unit, units):
        return "lead"
    if _names(clause.named, unit, units):
        return "named"
    county = load_county().terms
    terms = (county.department_collectives if unit.is_department
             else county.township_collectives if unit.is_township else ())
    if any(term in clause.collective for term in terms):
        return "collective"
    return None


def tasks_of(plan: Plan, units: UnitRegistry, unit: Unit) -> tuple[Task, ...]:
    tasks = []
    for group in task_groups(plan):
        role = role_of(group.clause, unit, units)
        if role:
            tasks.append(Task(group.section, group.title, role, group.text))
    return tuple(tasks)


def unit_duties(plan: Plan, units: UnitRegistry, unit_name: str) -> DutiesResult:
    """Every task of the plan that concerns the unit, in plan order.

    Raises:
        BadInput: empty name. Ambiguous: too generic a name. NotFound: not a unit of the plan.
    """
    unit = units.resolve(unit_name)
    return DutiesResult(unit, tasks_of(plan, units, unit))


def plan_duties(plans: PlanCatalogue, units: UnitRegistry, unit_name: str, year: int | None = None) -> DutiesResult:
    """The unit's tasks in the newest current plan, or in that ``year``'s plan; names the plan used.

    Raises:
        BadInput / Ambiguous / NotFound as :func:`unit_duties`; NotFound when no plan of that year is held.
    """
    entry = plans.pick(year)
    unit = units.resolve(unit_name)
    return DutiesResult(unit, tasks_of(entry.plan, units, unit), entry)


@dataclass(frozen=True)
class _SearchConfig:
    question_words: tuple[str, ...]
    min_score: float
    min_coverage: float
    keep_ratio: float
    max_matches: int


@cache
def _search_config() -> _SearchConfig:
    text = resources.files("tools").joinpath("data", "duties.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    words = sorted((str(w) for w in data["question_words"]), key=len, reverse=True)
    return _SearchConfig(
        tuple(words), float(data["min_score"]), float(data["min_coverage"]), float(data["keep_ratio"]),
        int(data["max_matches"]),
    )


def _bigrams(text: str) -> set[str]:
    parts = re.split(r"[^\w]+", text)
    return {p[i : i + 2] for p in parts for i in range(len(p) - 1)}


def responsible_for(
    plan: Plan, units: UnitRegistry, query: str, *, synonyms: Synonyms | None = None
) -> ResponsibleResult:
    """The tasks best matching a description ("门户网站信息公开平台") and who is responsible.

    Matching is keyword overlap: character bigrams of the question (minus question words) weighted
    by how rare they are across tasks, counted double when they occur in the task's title. Domain
    synonyms (公众号 → 政务新媒体, 年报 → 年度报告) add their bigrams at half weight.

    Raises:
        BadInput: nothing left to match. NotFound: no task of the plan matches.
    """
    config = _search_config()
    if len(query) > MAX_QUERY_CHARS:
        raise BadInput(f"任务描述过长（超过{MAX_QUERY_CHARS}字），请用一句话说明要查的任务。")
    core = query.strip()
    for word in config.question_words:
        core = core.replace(word, " ")
    wanted = _bigrams(core)
    if not wanted:
        raise BadInput("请说明要查询的任务内容，例如：谁负责门户网站信息公开平台？")
    extra = _bigrams(" ".join((synonyms or load_synonyms()).expand(core))) - wanted
    groups = task_groups(plan)
    scored = sorted(_score(groups, wanted, extra), key=lambda m: -m.score)
    best = scored[0].score
    if best < config.min_score:
        raise NotFound(
            f"方案中没有找到与“{query.strip()[:30]}”相关的任务，请换个说法，或直接输入单位名称查询其任务。"
        )
    kept = [m for m in scored if m.score >= best * config.keep_ratio][: config.max_matches]
    coverage = max(_coverage(m.group, groups, wanted, extra) for m in kept)
    return ResponsibleResult(query.strip(), tuple(kept), coverage)


def _coverage(group: TaskGroup, groups: list[TaskGroup], wanted: set[str], extra: set[str]) -> float:
    """The rarity-weighted share of the query's bigrams the task's text holds: of the words as written, or
    together with their synonyms' (at half weight), whichever is higher."""
    body = _bigrams(group.text + " " + group.paragraphs[0].title)
    bodies = [_bigrams(g.text + " " + g.paragraphs[0].title) for g in groups]
    idf = {b: math.log(1 + len(groups) / (1 + sum(b in other for other in bodies))) for b in wanted | extra}

    def share(weight: dict[str, float]) -> float:
        total = sum(weight[b] * idf[b] for b in weight)
        return sum(weight[b] * idf[b] for b in weight if b in body) / total if total else 0.0

    return max(share(dict.fromkeys(wanted, 1.0)), share({**dict.fromkeys(extra, 0.5), **dict.fromkeys(wanted, 1.0)}))


def _score(groups: list[TaskGroup], wanted: set[str], extra: set[str]) -> list[Match]:
    """IDF-weighted bigram overlap per task; title hits count double, synonym bigrams half."""
    grams = [(_bigrams(g.text + " " + g.paragraphs[0].title), _bigrams(g.title)) for g in groups]
    weight = {**dict.fromkeys(extra, 0.5), **dict.fromkeys(wanted, 1.0)}
    idf = {b: math.log(1 + len(groups) / (1 + sum(b in body for body, _ in grams))) for b in weight}
    return [
        Match(
            group, round(sum(weight[b] * idf[b] * (2 if b in title else 1) for b in weight if b in body), 3)
        )
        for group, (body, title) in zip(groups, grams, strict=True)
    ]


class DutiesArgs(BaseModel):
    unit: str | None = Field(
        default=None, description="单位名称，可用全称、简称或带错字，如 县卫健局、卫健局、凤羽镇、凤羽"
    )
    task: str | None = Field(default=None, description="任务内容（反查谁负责），如 门户网站信息公开平台")
    year: int | None = Field(default=None, description="方案年份，如 2021；不填为现行（最新）方案")
    compare: int | None = Field(default=None, description="与哪一年的方案比较单位的任务，如 2020")
    compare_previous: bool = Field(default=False, description="与上一年的方案比较（今年比去年多了哪些任务）")
    topic: str | None = Field(default=None, description="与单位一起给出：只看该单位在这个主题上的任务，如 营商环境")


def make_tool(ctx: ToolContext) -> StructuredTool:
    def duties(
        unit: str | None = None,
        task: str | None = None,
        year: int | None = None,
        compare: int | None = None,
        compare_previous: bool = False,
        topic: str | None = None,
    ) -> dict[str, Any]:
        """List a unit's tasks in the county's 政务公开 plan (the current one, or another year's), compare
        two years' tasks of a unit, or find who is responsible for a task.

        Give exactly one of:
            unit: a unit name as people type it (全称/简称/错字): 县卫健局, 财政局, 凤羽镇.
            task: what the task is about, for "谁负责…" questions: 门户网站信息公开平台.
        Optionally:
            year: the plan's year (default: the newest current plan).
            compare / compare_previous: with unit, compare with that year's plan / the year before.
            topic: with unit, only its tasks on that topic ("营商环境那块我们要做啥"): 营商环境.

        Returns:
            For unit: {"unit": canonical name, "tasks": [{"section", "title", "role", "text"}], "plan":
            {"id", "title", "year"}}, role is lead (县级牵头部门/牵头单位), named (named in a 责任单位 clause) or
            collective (covered by 县级各部门/各镇乡人民政府 …). For a comparison: {"unit", "plan",
            "compared_with", "added", "removed", "unchanged"}. With topic, the unit's result also has "topic"
            and "about" (its tasks on the topic, best first; [] for none). For task: {"query", "matches":
            [{"section", "title", "units", "lead", "collective", "others", "text"}], "plan"}.
        """
        plans, units = ctx.plans(), ctx.units
        if unit and unit.strip():
            if compare is not None or compare_previous:
                from tools.duties_compare import compare_duties

                return compare_duties(plans, units, unit, year=year, against=compare).as_dict()
            data = plan_duties(plans, units, unit, year).as_dict()
            if topic and topic.strip():
                from tools.duties_topic import tasks_about

                data |= {"topic": topic.strip(), "about": tasks_about(data["tasks"], topic.strip())}
            return data
        if task and task.strip():
            entry = plans.pick(year)
            return {**responsible_for(entry.plan, units, task).as_dict(), "plan": entry.ref()}
        raise BadInput("请提供单位名称（如：县卫健局）或任务内容（如：门户网站信息公开平台）。")

    description = inspect.cleandoc(duties.__doc__ or "")
    from langchain_core.tools import StructuredTool  # slow to import: built only when a tool is first used

    return StructuredTool.from_function(
        func=duties, name="duties", description=description, args_schema=DutiesArgs
    )


def _summary(text: str, limit: int = 60) -> str:
    first = text.split("\n", 1)[0]
    return first if len(first) <= limit else first[:limit] + "……"


def plan_title(data: dict[str, Any]) -> str:
    """The title of the plan a result came from (the built-in plan's when the result does not say)."""
    plan = data.get("plan")
    return str(plan["title"]) if isinstance(plan, dict) else load_plan().title


def render(data: dict[str, Any]) -> str:
    """Chinese chat text for every contract of :func:`make_tool`."""
    if "matches" in data:
        return _render_matches(data)
    if "added" in data:
        from tools.duties_compare import render_comparison

        return render_comparison(data)
    if "topic" in data:
        from tools.duties_topic import render_topic

        topical = render_topic(data, plan_title(data), _ROLE_NAMES)
        if data.get("about"):
            return topical
        return topical + "\n\n" + render({k: v for k, v in data.items() if k not in ("topic", "about")})
    tasks = data.get("tasks", [])
    counts = {role: sum(t["role"] == role for t in tasks) for role in ROLES}
    split = "、".join(f"{_ROLE_NAMES[r]}{n}项" for r, n in counts.items() if n)
    head = f"{data['unit']}在《{plan_title(data)}》中的任务共{len(tasks)}项" + (f"（{split}）" if split else "")
    if not tasks:
        return head + "。"
    specific = [t for t in tasks if t["role"] != "collective"]
    general = [t for t in tasks if t["role"] == "collective"]
    lines = [head + "：", ""]
    for i, task in enumerate(specific, 1):
        lines.append(f"{i}. 〔{task['section']}〕{task['title']}（{_ROLE_NAMES[task['role']]}）")
        lines.append(f"   {_summary(task['text'])}")
    if general:
        if specific:
            lines.append("")
        terms = load_county().terms
        township = str(data["unit"]).endswith("人民政府") and terms.township_collectives
        term = (terms.township_collectives if township else terms.department_collectives or ("统称",))[0]
        lines.append(f"作为“{term}”等统称承担的共性任务{len(general)}项：")
        lines += [f"- 〔{t['section']}〕{t['title']}" for t in general]
    return "\n".join(lines)


def _render_matches(data: dict[str, Any]) -> str:
    lines = [f"与“{data['query']}”最相关的任务及责任单位：", ""]
    for i, match in enumerate(data["matches"], 1):
        named = [u for u in match["units"] if u not in match["lead"]]
        parties = [*named, *match["collective"], *match["others"]]
        lines.append(f"{i}. {match['title']}〔《{plan_title(data)}》{match['section']}〕")
        if match["lead"]:
            lines.append(f"   牵头：{'、'.join(match['lead'])}")
        lines.append(f"   责任单位：{'、'.join(parties)}")
    return "\n".join(lines)
