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
from typing import Any

from knowledge.county import PlanTerms, load_county

_NUMERALS = "一二三四五六七八九十"
_PART_RE = re.compile(rf"^([{_NUMERALS}]+)、(.+)$")
_SUB_RE = re.compile(rf"^[(（]([{_NUMERALS}]+)[)）](.+)$")
# the document's own title line: short, no sentence, ends like a plan (……工作方案 / ……工作要点（试行）)
_TITLE_RE = re.compile(r"^[^。，,；;]{4,60}(?:方案|要点)(?:[(（][^)）]{1,6}[)）])?$")
_HEADING_MAX = 40


def __getattr__(name: str) -> Any:
    """The active county's collective terms, under the names the rest of the code and the tests use."""
    terms = load_county().terms
    if name == "COLLECTIVE_TERMS":
        return terms.collectives
    if name == "DEPARTMENT_COLLECTIVES":
        return terms.department_collectives
    if name == "TOWNSHIP_COLLECTIVES":
        return terms.township_collectives
    raise AttributeError(name)


@cache
def _grammar(terms: PlanTerms) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The clause at the end of a paragraph, a label opening a group inside it, and a unit's shape."""
    labels = "|".join(re.escape(label) for label in terms.labels)
    clause = re.compile(rf"[(（]({labels})[:：](.+?)[)）][。.；;]?\s*$")
    label = re.compile(rf"^({labels})[:：]?")
    return clause, label, terms.unit_pattern()


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


def split_clause(
    raw: str, *, index: int = 0, section: str = "", label: str = "", terms: PlanTerms | None = None
) -> ResponsibilityClause:
    """Split the inside of a "(责任单位:…)" clause (after its first label) into named, lead, collective
    and other parties. Groups are separated by ；, each may open with its own label (县级牵头部门:,
    配合单位:); a group without a label takes the clause's first ``label`` (default: a unit label)."""
    terms = terms or load_county().terms
    _, label_re, _ = _grammar(terms)
    named: list[str] = []
    lead: list[str] = []
    collective: list[str] = []
    others: list[str] = []
    for group in re.split(r"[;；]", raw):
        group = group.strip()
        opened = label_re.match(group)
        group_label = opened[1] if opened else label
        if opened:
            group = group[opened.end() :]
        units = lead if group_label in terms.lead_labels else named
        for item in filter(None, (p.strip() for p in re.split(r"[,，、]", group))):
            _classify_item(item, terms, units, collective, others)
    return ResponsibilityClause(
        index=index,
        section=section,
        raw=raw,
        named=tuple(named),
        lead=tuple(lead),
        collective=tuple(collective),
        others=tuple(others),
    )


def _classify_item(
    item: str, terms: PlanTerms, units: list[str], collective: list[str], others: list[str]
) -> None:
    unit_re = _grammar(terms)[2]
    if item in terms.collectives:
        collective.append(item)
        return
    # "县应急局等县级各有关部门": a named unit followed by a collective term
    head, sep, tail = item.partition("等")
    if sep and tail in terms.collectives and unit_re.match(head):
        units.append(head)
        collective.append(tail)
    elif unit_re.match(item):
        units.append(item)
    else:
        others.append(item)


def find_title(lines: list[str]) -> int | None:
    """Index of the document's own title line (……工作方案 / ……工作要点), or None."""
    return next((i for i, line in enumerate(lines) if _TITLE_RE.match(line) and not _PART_RE.match(line)), None)


def parse_plan(text: str, *, title: str | None = None, terms: PlanTerms | None = None) -> Plan:
    """Parse a plan's text (one paragraph per line): header, title, intro, parts, clauses.

    Args:
        text: the whole text; the title line is ``title`` when given and present, else the first
            line shaped like a plan title; lines before it are the header (主送, 印发 sentence, date).
        title: the document's title, used when the text has no title line of its own.
        terms: the clause vocabulary (default: the active county's).
    """
    terms = terms or load_county().terms
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title_at = lines.index(title) if title and title in lines else find_title(lines)
    header: tuple[str, ...] = ()
    if title_at is None:
        body, found = lines, title or (lines[0] if lines else "")
    else:
        header, body, found = tuple(lines[:title_at]), lines[title_at + 1 :], lines[title_at]
    intro = body[0] if body and not _PART_RE.match(body[0]) else ""
    parts, raw_paras = _walk(body[1:] if intro else body, terms)
    paragraphs, clauses = _attach(raw_paras, terms)
    return Plan(found, header, intro, parts, paragraphs, clauses)


def looks_like_plan(plan: Plan) -> bool:
    """A parsed text has a plan's structure: at least two parts and two 责任单位 clauses."""
    return len(plan.parts) >= 2 and len(plan.clauses) >= 2


@dataclass
class _RawPara:
    section: str
    part_title: str
    subsection_title: str
    text: str
    clause_raw: str | None
    clause_label: str = ""


def _walk(lines: list[str], terms: PlanTerms) -> tuple[tuple[Part, ...], list[_RawPara]]:
    clause_re = _grammar(terms)[0]
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
            continue
        if sub_m and part_num:
            heading, body = _split_heading(sub_m[2])
            if heading:
                sub_title, section = heading, f"{part_num}({sub_m[1]})"
                subs.append(Subsection(section, sub_m[1], sub_title))
                if not body:
                    continue
                line = body
        if part_num:
            clause_m = clause_re.search(line)
            text = line[: clause_m.start()].rstrip() if clause_m else line
            paras.append(_RawPara(section, part_title, sub_title, text, clause_m[2] if clause_m else None,
                                  clause_m[1] if clause_m else ""))
    if part_num:
        parts.append(Part(part_num, part_title, tuple(subs)))
    return tuple(parts), paras


def _split_heading(rest: str) -> tuple[str, str]:
    """A subsection line's heading and the body written after it on the same line ("（一）推进决策公开。各单位要……")."""
    if _is_heading(rest):
        return rest, ""
    heading, _, body = rest.partition("。")
    return (heading, body.strip()) if body.strip() and len(heading) <= _HEADING_MAX else ("", "")


def _is_heading(line: str) -> bool:
    return len(line) <= _HEADING_MAX and "。" not in line


def _attach(
    raw: list[_RawPara], terms: PlanTerms
) -> tuple[tuple[Paragraph, ...], tuple[ResponsibilityClause, ...]]:
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
        last = split_clause(para.clause_raw, index=len(clauses) + 1, section=para.section,
                            label=para.clause_label, terms=terms)
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
    """The text of the active county's built-in plan ("" when its data set has none)."""
    return load_county().builtin_plan_text() or ""


def load_plan() -> Plan:
    """The active county's built-in plan, parsed once per process."""
    return _parse_builtin(load_county().directory)


@cache
def _parse_builtin(directory: object) -> Plan:
    return parse_plan(plan_text())
