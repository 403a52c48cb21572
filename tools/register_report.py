"""Table 三 (收到和处理政府信息公开申请情况) and table 四 (复议/诉讼) of the annual report, from the register.

Rows and columns: workflow.md §3 (国办公开办函〔2021〕30号). An application counts as
- 新收 in year Y when received in Y;
- 上年结转 when received before Y and not answered before Y;
- 办理结果 in the category of its reply when answered in Y;
- 结转下年度 when received by the end of Y and not answered by then.
The balance rule (表头: 第一项加第二项之和等于第三项加第四项之和) is checked per column; every count
keeps the ids of the applications behind it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from tools.register import Event, applicant_types, data, outcomes

TOTAL = "总计"
REVIEW_COLUMNS = {"维持": "结果维持", "纠正": "结果纠正", "其他": "其他结果", "未结": "尚未审结"}


@dataclass(frozen=True)
class Entry:
    """One application as the annual table sees it."""

    id: int
    received: date
    applicant_type: str
    replied: date | None
    outcome: str | None
    events: tuple[Event, ...] = ()


def _row() -> dict[str, list[int]]:
    return {t: [] for t in [*applicant_types(), TOTAL]}


def _add(row: dict[str, list[int]], entry: Entry) -> None:
    row[entry.applicant_type].append(entry.id)
    row[TOTAL].append(entry.id)


def annual_table(entries: list[Entry], year: int) -> dict[str, Any]:
    """The ``gongkai report annual --json`` contract, with ``ids`` beside every count."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    new, carried, forward, total = _row(), _row(), _row(), _row()
    results = {o["key"]: _row() for o in outcomes()}
    for e in entries:
        if e.received > end or (e.replied is not None and e.replied < start):
            continue
        _add(new if e.received >= start else carried, e)
        if e.replied is None or e.replied > end:
            _add(forward, e)
        elif e.outcome in results:  # an answer outside table 三's categories is in no row: unbalanced
            _add(results[e.outcome], e)
            _add(total, e)
    counts = lambda row: {k: len(v) for k, v in row.items() if k != TOTAL}  # noqa: E731  # {applicant_type: n}
    unbalanced = [t for t in new if len(new[t]) + len(carried[t]) != len(total[t]) + len(forward[t])]
    return {
        "year": year,
        "new": counts(new),
        "carried_over": counts(carried),
        "results": {k: counts(v) for k, v in results.items()},
        "results_total": counts(total),
        "carried_forward": counts(forward),
        "balanced": not unbalanced,
        "unbalanced_columns": unbalanced,
        "totals": {"new": len(new[TOTAL]), "carried_over": len(carried[TOTAL]), "results": len(total[TOTAL]),
                   "carried_forward": len(forward[TOTAL])},
        "review": _review_table(entries, year),
        "ids": {
            "new": new, "carried_over": carried, "carried_forward": forward,
            "results": {k: v for k, v in results.items() if v[TOTAL]},
        },
    }


def _review_table(entries: list[Entry], year: int) -> dict[str, dict[str, int]]:
    """Table 四: 行政复议, 未经复议直接起诉, 复议后起诉 × 维持/纠正/其他/尚未审结/总计 (filed in ``year``)."""
    table = {g: {c: 0 for c in [*REVIEW_COLUMNS.values(), TOTAL]} for g in ("行政复议", "未经复议直接起诉", "复议后起诉")}
    for entry in entries:
        for ev in entry.events:
            if ev.kind not in ("review", "lawsuit") or ev.day.year != year:
                continue
            group = "行政复议" if ev.kind == "review" else ("复议后起诉" if ev.after_review else "未经复议直接起诉")
            table[group][REVIEW_COLUMNS.get(ev.result or "未结", "尚未审结")] += 1
            table[group][TOTAL] += 1
    return table


def rows(table: dict[str, Any]) -> list[tuple[str, dict[str, int], list[int]]]:
    """The table's rows in order: (label, counts per column with 总计, ids of the 总计 cell)."""
    ids = table["ids"]
    t = lambda c: {**c, TOTAL: sum(c.values())}  # noqa: E731
    out = [("一、本年新收政府信息公开申请数量", t(table["new"]), ids["new"][TOTAL]),
           ("二、上年结转政府信息公开申请数量", t(table["carried_over"]), ids["carried_over"][TOTAL])]
    groups = data()["groups"]
    out.append(("三、本年度办理结果", {}, []))
    seen: set[str] = set()
    for o in outcomes():
        group = groups[o["group"]]
        if group.get("reason") and o["group"] not in seen:
            out.append((group["row"], {}, []))
        seen.add(o["group"])
        label = f"{o['n']}.{o['key']}" if o["n"] else group["row"]
        out.append((label, t(table["results"][o["key"]]), ids["results"].get(o["key"], {}).get(TOTAL, [])))
    out.append(("（七）总计", t(table["results_total"]), []))
    out.append(("四、结转下年度继续办理", t(table["carried_forward"]), ids["carried_forward"][TOTAL]))
    return out


def to_markdown(table: dict[str, Any]) -> str:
    cols = [*applicant_types(), TOTAL]
    lines = [f"# {table['year']}年度 收到和处理政府信息公开申请情况（表三）", "",
             "| 项目 | " + " | ".join(cols) + " | 对应申请编号 |", "|---" * (len(cols) + 2) + "|"]
    for label, counts, ids in rows(table):
        cells = [str(counts.get(c, "")) for c in cols]
        lines.append(f"| {label} | " + " | ".join(cells) + " | " + ", ".join(f"#{i}" for i in ids) + " |")
    lines += ["", "勾稽关系（每一列）：第一项加第二项之和等于第三项加第四项之和 —— "
              + ("平衡" if table["balanced"] else "不平衡：" + "、".join(table["unbalanced_columns"]))]
    lines += ["", "## 行政复议、行政诉讼情况（表四）", "",
              "| 类别 | " + " | ".join([*REVIEW_COLUMNS.values(), TOTAL]) + " |", "|---" * 6 + "|"]
    for group, counts in table["review"].items():
        lines.append(f"| {group} | " + " | ".join(str(v) for v in counts.values()) + " |")
    return "\n".join(lines) + "\n"


def to_html(table: dict[str, Any]) -> str:
    cols = [*applicant_types(), TOTAL]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ["项目", *cols, "对应申请编号"])
    body = []
    for label, counts, ids in rows(table):
        links = " ".join(f'<a href="/admin/apps#app-{i}">#{i}</a>' for i in ids)
        cells = "".join(f"<td>{counts.get(c, '')}</td>" for c in cols)
        body.append(f"<tr><th>{html.escape(label)}</th>{cells}<td>{links}</td></tr>")
    state = "平衡" if table["balanced"] else "不平衡"
    return (f"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>{table['year']}年度表三</title>"
            f"<h1>{table['year']}年度 收到和处理政府信息公开申请情况</h1><table border=\"1\"><tr>{head}</tr>"
            + "".join(body) + f"</table><p>勾稽关系：{state}</p></html>\n")


def to_xlsx(table: dict[str, Any], path: Path) -> None:
    """Table 三 (with a column of application ids behind each row) and table 四, one sheet each."""
    from openpyxl import Workbook

    cols = [*applicant_types(), TOTAL]
    wb = Workbook()
    ws = wb.active
    ws.title = "表三"
    ws.append(["项目", *cols, "对应申请编号"])
    for label, counts, ids in rows(table):
        ws.append([label, *[counts.get(c) for c in cols], ", ".join(f"#{i}" for i in ids)])
    ws.append(["勾稽关系", "平衡" if table["balanced"] else "不平衡"])
    ws4 = wb.create_sheet("表四")
    ws4.append(["类别", *REVIEW_COLUMNS.values(), TOTAL])
    for group, counts in table["review"].items():
        ws4.append([group, *counts.values()])
    wb.save(path)
