"""The question bank as an .xlsx for offline editing: the built-in entries and the approved ones, one
row each. Import checks every row (Chinese message with its row number), skips the bad ones and stores
the good ones as approved answers; a built-in row that comes back unchanged is left to the package."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from assistant.approved_layer import find_clause
from assistant.bank_admin import Draft, approve, clean_answer, clean_questions
from knowledge.errors import BadInput, GongkaiError
from knowledge.types import Chunk

HEADER = ["编号", "来源", "问题（每行一个）", "回答", "依据文件", "依据条款", "定位词", "条款ID"]
REQUIRED = ["问题（每行一个）", "回答", "依据文件"]
SOURCES = {"builtin": "内置", "admin": "审定", "import": "导入"}
MAX_ROWS = 5000


@dataclass(frozen=True)
class BankRow:
    entry_id: str
    source: str
    questions: list[str]
    answer: str
    title: str
    section: str
    anchor: str = ""
    chunk_id: str = ""


def bank_rows(db: Any, clauses: list[Chunk]) -> list[BankRow]:
    """The built-in entries (unless an approved entry of the same id replaces one), then the approved ones."""
    from assistant.storage.loop import list_approved
    from knowledge.bank import load_bank

    with db.session() as s:
        approved = [BankRow(r.entry_id, r.source, r.questions.splitlines(), r.answer, r.title, r.section, r.anchor,
                            r.chunk_id) for r in list_approved(s)]
    replaced = {r.entry_id for r in approved}
    by_id = {c.id: c for c in clauses}
    builtin = []
    for e in load_bank():
        clause = by_id.get(e.target)
        if e.id not in replaced and clause is not None:
            builtin.append(BankRow(e.id, "builtin", list(e.questions), e.answer, clause.title, clause.section, e.anchor,
                                   clause.id))
    return builtin + approved


def write_xlsx(rows: list[BankRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = "问答对"
    ws.append(HEADER)
    for r in rows:
        ws.append([r.entry_id, SOURCES.get(r.source, r.source), "\n".join(r.questions), r.answer, r.title,
                   r.section, r.anchor, r.chunk_id])
    for column, width in zip("ABCDEFGH", (18, 6, 40, 60, 30, 12, 20, 16), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(row number, cells by header) of every non-empty row; BadInput when the file or its header is wrong."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = [_cell(h) for h in next(it, ())]
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise BadInput("无法读取问答对文件（应为 .xlsx 工作簿）。") from exc
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise BadInput(f"问答对文件缺少列：{'、'.join(missing)}（第1行应为表头：{'、'.join(HEADER)}）。")
    out = []
    for n, values in enumerate(it, start=2):
        cells = {h: _cell(v) for h, v in zip(header, values, strict=False) if h}
        if any(cells.values()):
            out.append((n, cells))
        if len(out) > MAX_ROWS:
            raise BadInput(f"问答对文件超过 {MAX_ROWS} 行，请分批导入。")
    return out


def _row(cells: dict[str, str], clauses: list[Chunk]) -> tuple[Draft, Chunk]:
    """A validated row: its draft and the clause it cites; BadInput says what is wrong."""
    questions = clean_questions(cells.get("问题（每行一个）", "").splitlines())
    answer = clean_answer(cells.get("回答", ""))
    title = cells.get("依据文件", "").strip("《》 ")
    section, anchor = cells.get("依据条款", ""), cells.get("定位词", "")
    if not title:
        raise BadInput("缺少依据文件")
    clause = find_clause(clauses, chunk_id=cells.get("条款ID", ""), title=title, section=section, anchor=anchor)
    if clause is not None and (clause.title, clause.section) != (title, section):  # an edited citation wins
        clause = find_clause(clauses, title=title, section=section, anchor=anchor)
    if clause is None:
        where = f"《{title}》{section}" + (f"（含“{anchor}”）" if anchor else "")
        several = [c for c in clauses if c.title == title and c.section == section]
        hint = "有多段，请在定位词填写该段中的一句原文" if len(several) > 1 and not anchor else "不存在"
        raise BadInput(f"依据条款 {where} {hint}")
    entry_id = cells.get("编号", "")
    if len(entry_id) > 64:
        raise BadInput("编号不超过 64 个字符")
    return Draft(questions=questions, answer=answer, entry_id=entry_id, anchor=anchor), clause


def import_rows(db: Any, rows: list[tuple[int, dict[str, str]]], clauses: list[Chunk], *,
                created_by: str) -> dict[str, Any]:
    """Store the good rows as approved answers; every bad row gets a message with its row number."""
    unchanged = {(r.entry_id, tuple(r.questions), r.answer, r.title, r.section, r.anchor)
                 for r in bank_rows(db, clauses) if r.source == "builtin"}
    imported, same, errors = [], 0, []
    for n, cells in rows:
        try:
            draft, clause = _row(cells, clauses)
            key = (draft.entry_id, tuple(draft.questions), " ".join(draft.answer.split()), clause.title,
                   clause.section, draft.anchor)
            if key in unchanged:
                same += 1
                continue
            imported.append(approve(db, clause, draft, created_by=created_by, source="import")["id"])
        except GongkaiError as exc:
            errors.append(f"第{n}行：{exc.user_message.rstrip('。')}。")
    return {"imported": len(imported), "ids": imported, "unchanged": same, "errors": errors}
