"""The "period" tool: the other statutory periods of regulations.md §7 as one JSON contract.

``period_deadline`` is pure (dates and a calendar in, a dict out). Kinds, labels, legal bases and
status marks live in ``tools/data/period_kinds.yaml``; the numbers in ``deadline_rules.yaml``
(``periods:``); the due dates come from ``tools/periods.py``; the calendar from ``tools/workcal.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, Field

from knowledge.errors import BadInput
from tools import periods
from tools.context import ToolContext
from tools.deadlines import fmt, parse_date, rules, text, walk_lines
from tools.workcal import Calendar, add_workdays, is_workday, load_calendar

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

KINDS_FILE = Path(__file__).parent / "data" / "period_kinds.yaml"
_YEAR = re.compile(r"^\s*(\d{4})\s*年?度?\s*$")
_DUE: dict[str, Callable[[date, Calendar], date]] = {
    "disclosure": periods.active_disclosure_due,
    "consultation": periods.consultation_reply_due,
    "fee": periods.fee_payment_due,
    "review": periods.review_application_due,
    "lawsuit": periods.lawsuit_after_review_due,
    "direct_lawsuit": periods.direct_lawsuit_due,
}


@cache
def kinds_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(KINDS_FILE.read_text(encoding="utf-8"))
    return data


def _note(key: str, **values: Any) -> str:
    return "".join(str(kinds_data()["notes"][key]).split()).format(**values)


def parse_kind(value: str) -> str:
    """Kind key from its key or a Chinese alias (主动公开/征求意见/缴费/复议/起诉/直接起诉/年报)."""
    wanted = (value or "").strip().lower()
    for key, spec in kinds_data()["kinds"].items():
        if wanted == key or wanted in spec["aliases"]:
            return str(key)
    choices = "、".join(f"{k}（{s['aliases'][0]}）" for k, s in kinds_data()["kinds"].items())
    raise BadInput(f"期限种类不正确：{value}。可选：{choices}。")


def period_deadline(
    kind: str, start: date | int, *, today: date | None = None, cal: Calendar | None = None
) -> dict[str, Any]:
    """The due date of one §7 period, with hand-checkable steps (``start`` is a year for annual_report)."""
    kind = parse_kind(kind)
    spec = kinds_data()["kinds"][kind]
    cal = cal or load_calendar()
    if kind == "annual_report":
        due, steps, warnings, extra = _annual_report(start if isinstance(start, int) else start.year, cal)
        start_text = extra.pop("year")
        # fixed dates do not depend on the calendar; only the "finish by the working day before" note does
        days = [d for d in map(date.fromisoformat, extra["dues"].values()) if not is_workday(d, cal)]
    else:
        if isinstance(start, int):
            raise BadInput("请给出具体的起算日期，格式 YYYY-MM-DD，例如 2026-10-08。")
        due, steps, warnings = _dated(kind, spec, start, today, cal)
        start_text, days, extra = start.isoformat(), [start, due], {}
    warnings = list(spec["warnings"]) + warnings + _provisional_warnings(cal, days)
    if today is not None and today > due:
        warnings.append(f"今天（{today.isoformat()}）已超过截止日{due.isoformat()}。")
    return {
        "kind": kind,
        "label": spec["label"],
        "start": start_text,
        "start_label": spec["start_label"],
        "due": due.isoformat(),
        **extra,
        "counting": spec["counting"],
        "counting_rule": kinds_data()["counting_labels"][spec["counting"]],
        "rule": spec["rule"],
        "basis": spec["basis"],
        "status": spec["status"],
        "provisional": any(cal.is_provisional(d) for d in days),
        "steps": steps,
        "warnings": warnings,
    }


def _dated(
    kind: str, spec: dict[str, Any], start: date, today: date | None, cal: Calendar
) -> tuple[date, list[str], list[str]]:
    warnings = _start_warnings(spec, start)
    due = _DUE[kind](start, cal)
    if spec["counting"] == "working_days":
        steps = _working_steps(spec, start, cal)
    else:
        steps = _natural_steps(spec, start, due, cal)
    if today is not None and start > today:
        warnings.append(f"起算日晚于今天（{today.isoformat()}），以上按预计日期计算。")
    return due, steps, warnings


def _start_warnings(spec: dict[str, Any], start: date) -> list[str]:
    """Refuse 条例 periods before 2019-05-15; flag dates before the law the period rests on."""
    notes = kinds_data()["notes"]
    if spec["regulation"] and start < rules()["in_force_since"]:
        raise BadInput(_note("before_in_force", start=start.isoformat()))
    if spec["number"] == "fee_payment" and start < notes["fee_since"]:
        return [_note("fee_before")]
    if spec["number"] == "review_days" and start < notes["review_law_since"]:
        return [_note("review_law_before", start=start.isoformat())]
    return []


def _working_steps(spec: dict[str, Any], start: date, cal: Calendar) -> list[str]:
    n = rules()["periods"][spec["number"]]
    walk = add_workdays(start, n, cal)[1]
    lines = [f"起算日 {fmt(start)}（{spec['start_label']}），当天不计入"]
    lines += walk_lines(walk, {n: "截止日"}, cal)
    return [*lines, "其余周六、周日不计入"]


def _natural_steps(spec: dict[str, Any], start: date, due: date, cal: Calendar) -> list[str]:
    n = rules()["periods"][spec["number"]]
    lines = [f"起算日 {fmt(start)}（{spec['start_label']}），当天不计入（民法典第二百零一条）"]
    if spec.get("by_months"):
        last = periods.months_later(start, n)
        lines.append(f"{n}个月后的对应日 {fmt(last)}（没有对应日的以该月最后一日为准，民法典第二百零二条）")
    else:
        last = start + timedelta(days=n)
        lines += [f"第1日 {fmt(start + timedelta(days=1))}", f"第{n}日 {fmt(last)}"]
    if due == last:
        lines[-1] += "：工作日，即截止日"
        return lines
    lines.append(f"{fmt(last)}是{_day_name(last, cal)}，{_note('roll_over')}")
    return [*lines, f"截止日 {fmt(due)}：顺延后的第一个工作日"]


def _day_name(d: date, cal: Calendar) -> str:
    if cal.kind(d) == "holiday":
        return f"法定节假日（{cal.holiday_name(d)}）"
    return "周末"


def _annual_report(year: int, cal: Calendar) -> tuple[date, list[str], list[str], dict[str, Any]]:
    if not 2000 <= year <= 2098:
        raise BadInput(_note("year_range", year=year))
    dues = periods.annual_report_dues(year)
    if dues["department"] < rules()["in_force_since"]:
        raise BadInput(_note("annual_before", year=year, due=dues["department"].isoformat()))
    steps = [
        f"报告年度：{year}年（年报报告上一年度的工作，在{year + 1}年报送、公布）",
        f"部门年报：{fmt(dues['department'])}前报送本级政府信息公开工作主管部门并向社会公布（第四十九条第一款）",
        f"县政府本级年报：{fmt(dues['county_government'])}前由县政府信息公开工作主管部门公布（第四十九条第二款）",
    ]
    warnings = [_fixed_date_note(d, cal) for d in dues.values() if not is_workday(d, cal)]
    extra = {"year": str(year), "dues": {k: d.isoformat() for k, d in dues.items()}}
    return dues["department"], steps, warnings, extra


def _fixed_date_note(d: date, cal: Calendar) -> str:
    before = d - timedelta(days=1)
    while not is_workday(before, cal):
        before -= timedelta(days=1)
    md = f"{d.month}月{d.day}日"
    return _note("fixed_not_rolled", due=fmt(d), what=_day_name(d, cal), md=md, before=fmt(before))


def _provisional_warnings(cal: Calendar, days: list[date]) -> list[str]:
    prov = sorted({d.year for d in days if cal.is_provisional(d)})
    if not prov:
        return []
    out = [text("provisional_note", years="、".join(str(y) for y in prov), first=prov[0])]
    missing = [str(y) for y in prov if cal.year(y).lunar_missing]
    if missing:
        out.append(text("lunar_missing_note", years="、".join(missing)))
    return out


def period_data(kind: str, start: str, *, today: date | None = None) -> dict[str, Any]:
    """The contract from the strings the CLI, the HTTP API and the tool receive."""
    key = parse_kind(kind)
    year = _YEAR.match(start or "")
    if key == "annual_report" and year:
        return period_deadline(key, int(year[1]), today=today)
    return period_deadline(key, parse_date(start or "", what="起算日"), today=today)


# ---- LangChain tool and chat reply -------------------------------------------------------------


class PeriodArgs(BaseModel):
    kind: str = Field(
        description="期限种类：disclosure（主动公开）| consultation（第三方/其他机关答复征求意见）| fee（缴费）"
        " | review（申请复议）| lawsuit（复议后起诉）| direct_lawsuit（直接起诉）| annual_report（年报）"
    )
    start: str = Field(description="起算日 YYYY-MM-DD；annual_report 写报告年度，如 2026")


def make_tool(ctx: ToolContext) -> StructuredTool:
    def period(kind: str, start: str) -> dict[str, Any]:
        """Compute a statutory period OTHER than the reply deadline of an application.

        Use it when the user gives a concrete date and asks by when: information must be actively
        disclosed (disclosure, 20 working days from its formation), a third party or another agency
        must answer a consultation letter (consultation, 15 working days), the applicant must pay a
        fee (fee, 20 working days, second-hand source), an administrative review may be applied for
        (review, 60 calendar days), a lawsuit after a review decision (lawsuit, 15 days) or a direct
        lawsuit (direct_lawsuit, 6 months) may be filed; or when a year's annual report is due
        (annual_report, start = the report year). For application reply deadlines use "deadline".

        Returns:
            {"kind", "label", "start", "due", "counting", "basis", "status", "provisional",
             "steps", "warnings", ...} with ISO dates and Chinese step lines.
        """
        return period_data(kind, start, today=ctx.today())

    from langchain_core.tools import StructuredTool  # slow to import: `gongkai period` does without it

    return StructuredTool.from_function(func=period, name="period", args_schema=PeriodArgs)


def render_period(data: dict[str, Any]) -> str:
    """The Chinese chat reply for one period result."""
    lines = [f"{data['label']}", f"{data['start_label']}：{_show(data['start'])}"]
    if "dues" in data:
        lines += [
            f"**部门年报：{fmt(date.fromisoformat(data['dues']['department']))}前**",
            f"**县政府本级年报：{fmt(date.fromisoformat(data['dues']['county_government']))}前**",
        ]
    else:
        lines.append(f"**截止日：{fmt(date.fromisoformat(data['due']))}**")
    if data.get("provisional"):
        lines.insert(0, "⚠ 以下结果按放假办法推算（非正式节假日安排），仅供参考。")
    status = "" if data["status"] == "V" else "（[P] 依据二手复述，未对照原文核实）"
    lines += ["", f"依据：{data['basis']}{status}", f"规定：{data['rule']}", f"计算方式：{data['counting_rule']}"]
    lines += [f"注意：{w}" for w in data.get("warnings", [])]
    lines += ["", "计算过程：", *data["steps"]]
    return "\n".join(lines)


def _show(start: str) -> str:
    return f"{start}年" if len(start) == 4 else fmt(date.fromisoformat(start))


render = render_period
