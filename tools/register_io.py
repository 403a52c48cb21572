"""The register as an .xlsx 台账: one row per application, facts and event dates; derived dates are
written for reading and ignored on import (they are computed again from the facts)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from knowledge.errors import BadInput
from tools.deadlines import parse_date

FACT_COLUMNS = ["编号", "收到日期", "渠道", "申请人类型", "申请人", "申请内容", "承办人", "承办机构"]
# (column, event kind, attribute of the event that goes in the column; "day" for its date)
EVENT_COLUMNS = [
    ("补正告知日", "correction_sent", "day"), ("收到补正日", "correction_received", "day"),
    ("征求意见开始日", "consult_start", "day"), ("征求意见结束日", "consult_end", "day"),
    ("延期告知日", "extend", "day"), ("延期负责人", "extend", "person"),
    ("收费通知日", "fee_notice", "day"), ("缴费日", "fee_paid", "day"),
    ("答复日", "reply", "day"), ("答复类型", "reply", "outcome"), ("答复理由", "reply", "reason"),
    ("复议申请日", "review", "day"), ("复议结果", "review", "result"),
    ("起诉日", "lawsuit", "day"), ("诉讼结果", "lawsuit", "result"), ("复议后起诉", "lawsuit", "after_review"),
]
DERIVED_COLUMNS = ["补正告知截止日", "答复截止日", "延期后截止日", "状态"]
HEADER = FACT_COLUMNS + [c for c, _, _ in EVENT_COLUMNS] + DERIVED_COLUMNS


def to_row(app: dict[str, Any]) -> list[Any]:
    """One exported row from ``assistant.register`` 's application dict (applicant already masked)."""
    row: list[Any] = [app["id"], app["received"], app["channel"], app["applicant_type"], app["applicant"],
                      app["content"], app["handler"], app.get("agency", "")]
    for _col, kind, attr in EVENT_COLUMNS:
        values = [e["date"] if attr == "day" else e.get(attr) for e in app["events"] if e["kind"] == kind]
        if attr == "after_review":
            values = ["是" if v else "否" for v in values]
        row.append(";".join(str(v) for v in values if v not in (None, "")))
    return row + [app["correction_notice_due"], app["due"], app["extended_due"], app["status_label"]]


def write_xlsx(apps: list[dict[str, Any]], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "依申请公开台账"
    ws.append(HEADER)
    for app in apps:
        ws.append(to_row(app))
    wb.save(path)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(path: Path) -> list[dict[str, Any]]:
    """Rows as {"facts": {...}, "events": [{"kind", "day", ...}]}; BadInput names the row and column."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise BadInput(f"无法读取台账文件：{path.name}（应为 .xlsx）。") from exc
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header = [_cell(h) for h in next(it, ())]
    missing = [c for c in FACT_COLUMNS[1:6] if c not in header]
    if missing:
        raise BadInput(f"台账缺少列：{'、'.join(missing)}。")
    out = []
    for n, values in enumerate(it, start=2):
        cells = {h: _cell(v) for h, v in zip(header, values, strict=False)}
        if not any(cells.values()):
            continue
        out.append(_parse_row(cells, n))
    return out


def _parse_row(cells: dict[str, str], n: int) -> dict[str, Any]:
    try:
        facts = {"received": parse_date(cells["收到日期"], what=f"第{n}行收到日期"), "channel": cells["渠道"],
                 "applicant_type": cells["申请人类型"], "applicant_name": cells.get("申请人", ""),
                 "content": cells["申请内容"], "handler": cells.get("承办人", ""), "agency": cells.get("承办机构", "")}
        events: dict[tuple[str, int], dict[str, Any]] = {}
        for col, kind, attr in EVENT_COLUMNS:
            for i, value in enumerate(v for v in cells.get(col, "").split(";") if v.strip()):
                ev = events.setdefault((kind, i), {"kind": kind})
                ev[attr] = parse_date(value, what=f"第{n}行{col}") if attr == "day" else value.strip()
        for ev in events.values():
            if "day" not in ev:
                raise BadInput(f"第{n}行：填写了{ev['kind']}的内容，但缺少日期。")
            ev["after_review"] = ev.get("after_review") == "是"
    except BadInput as exc:
        raise BadInput(f"台账第{n}行：{exc.user_message}") from exc
    return {"facts": facts, "events": sorted(events.values(), key=lambda e: e["day"])}
