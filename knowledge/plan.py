"""Parse the plan into parts, subsections, paragraphs and 责任单位 clauses.

Section labels follow the project convention: the part numeral alone for a part without
subsections ("一", "三") and the part numeral plus the subsection numeral in ASCII parentheses
("四(三)", "五(二)").

Clause attachment rule (which paragraphs a 责任单位 clause governs), applied within one section:

1. A clause written at the end of a paragraph governs that paragraph (``attachment="own"``).
2. Clause-less paragraphs before it, back to the previous clause of the same section, are governed
   by it as well (``"next"``): e.g. the first paragraph of 三, and the paragraph before
   "公开范围……" in 四(六) and 四(七).
3. Clause-less paragraphs after the last clause of a section fall under that last clause
   (``"previous"``): the closing paragraph of 五(二) ("易发生单项否决……") has no clause of its own
   and continues the 政务新媒体 task that the section's clause assigns.
4. A section without any clause leaves its paragraphs with ``clause=None`` (the plan has none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from knowledge.types import PLAN_TITLE

COLLECTIVE_TERMS = ("县级各部门", "县级各有关部门", "各镇乡人民政府", "各有关镇乡")
DEPARTMENT_COLLECTIVES = ("县级各部门", "县级各有关部门")
TOWNSHIP_COLLECTIVES = ("各镇乡人民政府", "各有关镇乡")
_LEAD_PREFIX = "县级牵头部门"
_NUMERALS = "一二三四五六七八九十"

_PART_RE = re.compile(rf"^([{_NUMERALS}]+)、(.+)$")
_SUB_RE = re.compile(rf"^[(（]([{_NUMERALS}]+)[)）](.+)$")
_CLAUSE_RE = re.compile(r"[(（]责任单位[:：](.+?)[)）]\s*$")
# a party written like a government unit: 县…局 / 县…办 / 县…办公室 / 州…分局
_UNIT_RE = re.compile(r"^[县州].+(局|办|办公室|分局)$")


@dataclass(frozen=True)
class ResponsibilityClause:
    """One "(责任单位:…)" clause, split into its kinds of parties.

    ``named`` and ``lead`` hold unit names exactly as written in the plan (the canonical names);
    ``collective`` the collective terms in :data:`COLLECTIVE_TERMS`; ``others`` any other party as
    raw text (e.g. 政府采购和出让中心, 项目法人单位 in 四(七)).
    """

    index: int
    section: str
    raw: str
    named: tuple[str, ...]
    lead: tuple[str, ...]
    collective: tuple[str, ...]
    others: tuple[str, ...]

    @property
    def units(self) -> tuple[str, ...]:
        """Named then lead units, without duplicates."""
        return tuple(dict.fromkeys(self.named + self.lead))


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph; ``text`` excludes its own clause, ``clause`` is the one governing it."""

    index: int
    section: str
    part_title: str
    subsection_title: str
    text: str
    clause: ResponsibilityClause | None
    attachment: str  # own | next | previous | none (see the module docstring)

    @property
    def title(self) -> str:
        """The heading the paragraph sits under: the subsection title, else the part title."""
        return self.subsection_title or self.part_title


@dataclass(frozen=True)
class Subsection:
    label: str  # e.g. "四(三)"
    numeral: str  # e.g. "三"
    title: str


@dataclass(frozen=True)
class Part:
    numeral: str
    title: str
    subsections: tuple[Subsection, ...]


@dataclass(frozen=True)
class Section:
    label: str
    title: str
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Plan:
    title: str
    header: tuple[str, ...]  # 主送, 印发 sentence, date, (此件公开发布)
    intro: str
    parts: tuple[Part, ...]
    paragraphs: tuple[Paragraph, ...]
    clauses: tuple[ResponsibilityClause, ...]

    def sections(self) -> list[Section]:
        """Every section in plan order with its paragraphs."""
        grouped: dict[str, list[Paragraph]] = {}
        for para in self.paragraphs:
            grouped.setdefault(para.section, []).append(para)
        return [Section(label, paras[0].title, tuple(paras)) for label, paras in grouped.items()]

    def paragraph_for_section(self, label: str) -> Paragraph:
        """The first paragraph of a section label such as "五(三)"; KeyError if there is none."""
        for para in self.paragraphs:
            if para.section == label:
                return para
        raise KeyError(label)

    def section_title(self, label: str) -> str:
        return self.paragraph_for_section(label).title


def split_clause(raw: str, *, index: int = 0, section: str = "") -> ResponsibilityClause:
    """Split the inside of a "(责任单位:…)" clause into named, lead, collective and other parties."""
    named: list[str] = []
    lead: list[str] = []
    collective: list[str] = []
    others: list[str] = []
    for group in re.split(r"[;；]", raw):
        group = group.strip()
        is_lead = group.startswith(_LEAD_PREFIX)
        if is_lead:
            group = re.sub(rf"^{_LEAD_PREFIX}[:：]", "", group)
        for item in filter(None, (p.strip() for p in re.split(r"[,，、]", group))):
            _classify_item(item, lead if is_lead else named, collective, others)
    return ResponsibilityClause(
        index=index,
        section=section,
        raw=raw,
        named=tuple(named),
        lead=tuple(lead),
        collective=tuple(collective),
        others=tuple(others),
    )


def _classify_item(item: str, units: list[str], collective: list[str], others: list[str]) -> None:
    if item in COLLECTIVE_TERMS:
        collective.append(item)
        return
    # "县应急局等县级各有关部门": a named unit followed by a collective term
    head, sep, tail = item.partition("等")
    if sep and tail in COLLECTIVE_TERMS and _UNIT_RE.match(head):
        units.append(head)
        collective.append(tail)
    elif _UNIT_RE.match(item):
        units.append(item)
    else:
        others.append(item)


def parse_plan(text: str) -> Plan:
    """Parse the plan's published text (one paragraph per line)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title_at = lines.index(PLAN_TITLE)
    header, body = tuple(lines[:title_at]), lines[title_at + 1 :]
    intro = body[0] if body and not _PART_RE.match(body[0]) else ""
    parts, raw_paras = _walk(body[1:] if intro else body)
    paragraphs, clauses = _attach(raw_paras)
    return Plan(PLAN_TITLE, header, intro, parts, paragraphs, clauses)


@dataclass
class _RawPara:
    section: str
    part_title: str
    subsection_title: str
    text: str
    clause_raw: str | None


def _walk(lines: list[str]) -> tuple[tuple[Part, ...], list[_RawPara]]:
    parts: list[Part] = []
    subs: list[Subsection] = []
    paras: list[_RawPara] = []
    part_num = part_title = sub_title = section = ""
    for line in lines:
        part_m, sub_m = _PART_RE.match(line), _SUB_RE.match(line)
        if part_m and _is_heading(line):
            if part_num:
                parts.append(Part(part_num, part_title, tuple(subs)))
            part_num, part_title, sub_title, subs = part_m[1], part_m[2], "", []
            section = part_num
        elif sub_m and _is_heading(line) and part_num:
            sub_title = sub_m[2]
            section = f"{part_num}({sub_m[1]})"
            subs.append(Subsection(section, sub_m[1], sub_title))
        elif part_num:
            clause_m = _CLAUSE_RE.search(line)
            text = line[: clause_m.start()].rstrip() if clause_m else line
            paras.append(_RawPara(section, part_title, sub_title, text, clause_m[1] if clause_m else None))
    if part_num:
        parts.append(Part(part_num, part_title, tuple(subs)))
    return tuple(parts), paras


def _is_heading(line: str) -> bool:
    return len(line) <= 40 and "。" not in line


def _attach(raw: list[_RawPara]) -> tuple[tuple[Paragraph, ...], tuple[ResponsibilityClause, ...]]:
    clauses: list[ResponsibilityClause] = []
    governing: list[tuple[ResponsibilityClause | None, str]] = [(None, "none")] * len(raw)
    pending: list[int] = []
    last: ResponsibilityClause | None = None
    for i, para in enumerate(raw):
        if i and raw[i - 1].section != para.section:
            _close_section(governing, pending, last)
            pending, last = [], None
        if para.clause_raw is None:
            pending.append(i)
            continue
        last = split_clause(para.clause_raw, index=len(clauses) + 1, section=para.section)
        clauses.append(last)
        governing[i] = (last, "own")
        for j in pending:
            governing[j] = (last, "next")
        pending = []
    _close_section(governing, pending, last)
    paragraphs = tuple(
        Paragraph(i + 1, p.section, p.part_title, p.subsection_title, p.text, clause, how)
        for i, (p, (clause, how)) in enumerate(zip(raw, governing, strict=True))
    )
    return paragraphs, tuple(clauses)


def _close_section(
    governing: list[tuple[ResponsibilityClause | None, str]],
    pending: list[int],
    last: ResponsibilityClause | None,
) -> None:
    """Trailing clause-less paragraphs of a section fall under its last clause (rule 3)."""
    if last is not None:
        for j in pending:
            governing[j] = (last, "previous")


def plan_text() -> str:
    """The packaged plan text (knowledge/sources/plan.txt)."""
    return resources.files("knowledge").joinpath("sources", "plan.txt").read_text(encoding="utf-8")


@cache
def load_plan() -> Plan:
    """The parsed packaged plan, parsed once per process."""
    return parse_plan(plan_text())
