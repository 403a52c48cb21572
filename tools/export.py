"""Export a unit's duties (the ``{"unit", "tasks"}`` contract) as a 任务清单: csv, xlsx or Markdown."""

from __future__ import annotations

import csv
import io
from typing import Any

from knowledge.errors import BadInput

FORMATS = ("csv", "xlsx", "md")
HEADER = ("序号", "方案条目", "任务", "责任类型", "任务内容", "完成情况")
ROLE_LABELS = {"lead": "牵头", "named": "点名负责", "collective": "统称负责"}
_WIDTHS = (6, 10, 36, 10, 90, 16)


def rows(data: dict[str, Any]) -> list[list[str]]:
    """One row per task, in the order of :data:`HEADER` (完成情况 left blank for the unit to fill)."""
    return [
        [
            str(i),
            task["section"],
            task["title"],
            ROLE_LABELS.get(task["role"], task["role"]),
            task["text"],
            "",
        ]
        for i, task in enumerate(data["tasks"], 1)
    ]


def sheet_title(data: dict[str, Any]) -> str:
    from tools.duties import plan_title

    return f"{data['unit']}任务清单（依据《{plan_title(data)}》）"


def to_csv(data: dict[str, Any]) -> bytes:
    """UTF-8 with BOM so that Excel on Windows shows the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows(data))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(data: dict[str, Any]) -> bytes:
    """A workbook with a title row, the header and one row per task."""
    from openpyxl import Workbook  # ~0.13 s to import: only when an xlsx is written
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = "任务清单"
    sheet.append([sheet_title(data)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(HEADER))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows(data):
        sheet.append(row)
    for index, width in enumerate(_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for row_cells in sheet.iter_rows(min_row=3):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def to_markdown(data: dict[str, Any]) -> bytes:
    """A Markdown table headed by the unit and the plan title."""
    lines = [f"# {sheet_title(data)}", "", f"共{len(data['tasks'])}项任务。", ""]
    lines.append("| " + " | ".join(HEADER) + " |")
    lines.append("|" + "---|" * len(HEADER))
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows(data)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def export(data: dict[str, Any], fmt: str) -> bytes:
    """Render the duties dict in one of :data:`FORMATS`.

    Raises:
        BadInput: unknown format, or a result that is not a unit's task list.
    """
    if "tasks" not in data or "unit" not in data:
        raise BadInput("只有单位的任务清单可以导出，请输入单位名称。")
    writers = {"csv": to_csv, "xlsx": to_xlsx, "md": to_markdown}
    if fmt not in writers:
        raise BadInput(f"不支持的导出格式“{fmt}”，可选：csv、xlsx、md。")
    return writers[fmt](data)
