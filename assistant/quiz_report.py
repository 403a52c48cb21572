"""The trainers' quiz report: graded answers summed per member and per plan section, as tables and .xlsx."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

MEMBER_HEADER = ("成员", "答题数", "平均得分", "答全对", "最近答题")
SECTION_HEADER = ("方案条目/规定", "答题数", "答题人数", "平均得分", "最常答错的题")


@dataclass(frozen=True)
class AnswerRow:
    """One recorded answer (``assistant.storage.models.QuizAnswer`` without the database)."""

    user_id: str
    question_id: str
    title: str
    section: str
    score: float
    created_at: datetime


@dataclass(frozen=True)
class Report:
    since: datetime | None
    until: datetime | None
    members: list[list[str]]
    sections: list[list[str]]

    @property
    def empty(self) -> bool:
        return not self.members


def section_label(title: str, section: str) -> str:
    """方案 sections by their number (五(二)); other sources by short title and article."""
    if "工作方案" in title and section:
        return f"方案{section}"
    short = title.replace("中华人民共和国", "").strip("《》")
    return f"{short} {section}".strip() or "（未注明）"


def build_report(rows: Iterable[AnswerRow], *, since: datetime | None = None,
                 until: datetime | None = None) -> Report:
    """Per member (answers, mean score, fully right, last answer) and per section (with the weakest question)."""
    by_member: dict[str, list[AnswerRow]] = defaultdict(list)
    by_section: dict[str, list[AnswerRow]] = defaultdict(list)
    for row in rows:
        by_member[row.user_id].append(row)
        by_section[section_label(row.title, row.section)].append(row)
    members = [
        [user, str(len(rs)), _pct(rs), str(sum(1 for r in rs if r.score >= 1)),
         max(r.created_at for r in rs).strftime("%Y-%m-%d")]
        for user, rs in sorted(by_member.items())
    ]
    sections = [
        [label, str(len(rs)), str(len({r.user_id for r in rs})), _pct(rs), _weakest(rs)]
        for label, rs in sorted(by_section.items(), key=lambda kv: _mean(kv[1]))
    ]
    return Report(since=since, until=until, members=members, sections=sections)


def _mean(rows: list[AnswerRow]) -> float:
    return sum(r.score for r in rows) / len(rows)


def _pct(rows: list[AnswerRow]) -> str:
    return f"{_mean(rows):.0%}"


def _weakest(rows: list[AnswerRow]) -> str:
    per_question: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        per_question[r.question_id].append(r.score)
    question, scores = min(per_question.items(), key=lambda kv: (sum(kv[1]) / len(kv[1]), kv[0]))
    return f"{question}（{sum(scores) / len(scores):.0%}）"


def period_text(report: Report) -> str:
    """统计期间：2026-11-01 至 2026-11-30 (either end may be open)."""
    start = report.since.strftime("%Y-%m-%d") if report.since else "最早记录"
    end = report.until.strftime("%Y-%m-%d") if report.until else "今天"
    return f"统计期间：{start} 至 {end}"


def to_xlsx(report: Report) -> bytes:
    """A workbook with two sheets: 按成员 and 按条目, each headed by the period."""
    from openpyxl import Workbook  # imported only when a workbook is written
    from openpyxl.styles import Font

    book = Workbook()
    first = book.active
    assert first is not None  # a new Workbook always has one sheet
    for sheet, title, header, body in ((first, "按成员", MEMBER_HEADER, report.members),
                                       (book.create_sheet(), "按条目", SECTION_HEADER, report.sections)):
        sheet.title = title
        sheet.append([f"测验成绩{title}汇总（{period_text(report)}）"])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(list(header))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in body:
            sheet.append(row)
        for column, width in zip("ABCDE", (22, 10, 10, 10, 28), strict=True):
            sheet.column_dimensions[column].width = width
        sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
