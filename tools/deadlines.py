"""Statutory deadlines of 政府信息公开 (条例第三十、三十一、三十三条 and related periods).

``compute_deadline`` is pure: it takes dates and a calendar and returns a ``DeadlineResult`` whose
``as_dict`` is the ``gongkai deadline --json`` contract. Rule texts live in
``tools/data/deadline_rules.yaml``; the working-day calendar in ``tools/workcal.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, Field

from knowledge.errors import BadInput
from tools.context import ToolContext
from tools.workcal import Calendar, Step, add_workdays, load_calendar

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

RULES_FILE = Path(__file__).parent / "data" / "deadline_rules.yaml"
WEEKDAYS = "一二三四五六日"
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


@cache
def rules() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return data


def text(key: str, **values: Any) -> str:
    """A rule text from the YAML file, with YAML's line folding removed (Chinese has no spaces)."""
    return "".join(str(rules()[key]).split()).format(**values)


def parse_date(value: date | str, *, what: str = "日期") -> date:
    """An ISO date (date object or "YYYY-MM-DD"); BadInput with a Chinese message otherwise."""
    if isinstance(value, date):
        return value
    m = _ISO.match(str(value))
    if not m:
        raise BadInput(f"{what}格式不正确：{value}，请写成 YYYY-MM-DD，例如 2026-09-28。")
    try:
        parsed = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise BadInput(f"日期不存在：{str(value).strip()}") from exc
    if not 1900 <= parsed.year <= 2200:  # far outside any calendar; near 9999 date arithmetic overflows
        raise BadInput(f"日期超出可计算范围（{parsed.year}年），请核对日期。")
    return parsed


def parse_channel(value: str) -> str:
    """Channel key from its key or a Chinese alias (当面/邮寄/网上/传真)."""
    text = (value or "in_person").strip().lower()
    for key, spec in rules()["channels"].items():
        if text == key or text in spec["aliases"]:
            return str(key)
    raise BadInput(
        f"提交方式不正确：{value}。可选：in_person（当面）、mail（邮寄）、online（网上）、fax（传真）。"
    )


def fmt(d: date) -> str:
    return f"{d.isoformat()}（周{WEEKDAYS[d.weekday()]}）"


@dataclass(frozen=True)
class DeadlineResult:
    received: date
    channel: str
    due: date
    extended_due: date
    correction_notice_due: date
    provisional: bool
    steps: tuple[str, ...]
    t0_rule: str
    restart_from: date | None = None
    third_party_days: int = 0
    extend: bool = False
    warnings: tuple[str, ...] = ()
    basis: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received.isoformat(),
            "due": self.due.isoformat(),
            "extended_due": self.extended_due.isoformat(),
            "correction_notice_due": self.correction_notice_due.isoformat(),
            "provisional": self.provisional,
            "steps": list(self.steps),
            "channel": self.channel,
            "t0_rule": self.t0_rule,
            "corrected": self.restart_from.isoformat() if self.restart_from else None,
            "third_party_days": self.third_party_days,
            "extend": self.extend,
            "counting_rule": text("counting_rule"),
            "basis": list(self.basis),
            "warnings": list(self.warnings),
        }


def compute_deadline(
    received: date,
    *,
    channel: str = "in_person",
    extend: bool = False,
    third_party_days: int = 0,
    corrected: date | None = None,
    today: date | None = None,
    cal: Calendar | None = None,
) -> DeadlineResult:
    """答复截止日 (20 WD), 延期后截止日 (+20 WD), 补正告知截止日 (7 WD) for one application."""
    cal = cal or load_calendar()
    r = rules()
    channel = parse_channel(channel)
    _validate(received, corrected, third_party_days)
    p = r["periods"]
    correction_due, corr_steps = add_workdays(received, p["correction_notice"], cal)
    start = corrected or received
    reply_n = p["reply"] + third_party_days
    extended_due, walk = add_workdays(start, reply_n + p["extension"], cal)
    due = next(s.day for s in walk if s.ordinal == reply_n)
    marks = {reply_n: "答复截止日", reply_n + p["extension"]: "延期后截止日"}
    lines = _step_lines(received, corrected, walk, corr_steps, marks, cal)
    days = [s.day for s in walk] + [s.day for s in corr_steps]
    warnings = _warnings(
        cal, days, received=received, due=due, today=today, third_party_days=third_party_days, extend=extend
    )
    return DeadlineResult(
        received=received,
        channel=channel,
        due=due,
        extended_due=extended_due,
        correction_notice_due=correction_due,
        provisional=any(cal.is_provisional(d) for d in days),
        steps=tuple(lines),
        t0_rule="".join(r["channels"][channel]["t0_rule"].split()),
        restart_from=corrected,
        third_party_days=third_party_days,
        extend=extend,
        warnings=tuple(warnings),
        basis=tuple(r["basis"]),
    )


def _validate(received: date, corrected: date | None, third_party_days: int) -> None:
    if received < rules()["in_force_since"]:
        raise BadInput(text("before_in_force", received=received.isoformat()))
    if not 0 <= third_party_days <= 200:
        raise BadInput("征求意见用时应为0到200之间的工作日数。")
    if corrected is not None and corrected < received:
        raise BadInput(f"补正日期{corrected.isoformat()}早于收到日{received.isoformat()}，请核对。")


def _step_lines(
    received: date,
    corrected: date | None,
    walk: tuple[Step, ...],
    corr_steps: tuple[Step, ...],
    marks: dict[int, str],
    cal: Calendar,
) -> list[str]:
    """All step lines: receipt, the 7-day correction count, the 20/40-day count (restarted if corrected)."""
    corr_mark = {len([s for s in corr_steps if s.ordinal]): "补正告知截止日"}
    lines = [f"收到日 {fmt(received)}，当天不计入"]
    if corrected is None:
        lines += walk_lines(walk, corr_mark | marks, cal)
    else:
        lines += walk_lines(corr_steps, corr_mark, cal)
        lines.append(f"收到补正后的申请 {fmt(corrected)}，答复期限重新起算，当天不计入")
        lines += walk_lines(walk, marks, cal)
    return [*lines, "其余周六、周日不计入"]


def walk_lines(walk: tuple[Step, ...], marks: dict[int, str], cal: Calendar) -> list[str]:
    """Compact steps: the first working day, 调休 working days, holiday breaks and the marked days."""
    lines: list[str] = []
    i = 0
    while i < len(walk):
        s = walk[i]
        if s.ordinal:
            note = "调休上班" if s.kind == "makeup" else ""
            label = marks.get(s.ordinal, "")
            if s.ordinal == 1 or note or label:
                extra = "，".join(x for x in (note, label) if x)
                lines.append(f"第{s.ordinal}个工作日 {fmt(s.day)}" + (f"：{extra}" if extra else ""))
            i += 1
            continue
        j = i
        while j + 1 < len(walk) and not walk[j + 1].ordinal:
            j += 1
        holidays = [w for w in walk[i : j + 1] if w.kind == "holiday"]
        if holidays:
            name = cal.holiday_name(holidays[0].day)
            lines.append(f"{fmt(walk[i].day)}至{fmt(walk[j].day)}放假（{name}），不计入")
        i = j + 1
    return lines


def _warnings(
    cal: Calendar,
    days: list[date],
    *,
    received: date,
    due: date,
    today: date | None,
    third_party_days: int,
    extend: bool,
) -> list[str]:
    out: list[str] = []
    prov = sorted({d.year for d in days if cal.is_provisional(d)})
    if prov:
        years = "、".join(str(y) for y in prov)
        out.append(text("provisional_note", years=years, first=prov[0]))
        missing = [str(y) for y in prov if cal.year(y).lunar_missing]
        if missing:
            out.append(text("lunar_missing_note", years="、".join(missing)))
    if third_party_days:
        out.append(text("third_party_note", n=third_party_days))
    if extend:
        out.append(text("extension_note", due=due.isoformat()))
    if today is not None and received > today:
        out.append(f"收到日晚于今天（{today.isoformat()}），以上按预计收到日计算。")
    if today is not None and today > due:
        out.append(f"今天（{today.isoformat()}）已超过答复截止日{due.isoformat()}。")
    return out


# ---- LangChain tool and chat reply -------------------------------------------------------------


class DeadlineArgs(BaseModel):
    received: str = Field(
        description="收到申请之日，YYYY-MM-DD（按条例第三十一条：当面=提交日，邮寄=签收日/确认日，网上/传真=确认日）"
    )
    channel: str = Field("in_person", description="提交方式：in_person | mail | online | fax")
    extend: bool = Field(False, description="是否已决定延期答复（再加20个工作日）")
    third_party_days: int = Field(0, description="征求第三方或其他机关意见所用的工作日数，不计入答复期限")
    corrected: str | None = Field(
        None, description="收到补正后申请的日期 YYYY-MM-DD；给出时答复期限从这天重新起算"
    )


def deadline_data(
    received: str,
    *,
    channel: str = "in_person",
    extend: bool = False,
    third_party_days: int = 0,
    corrected: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The DESIGN.md deadline contract from the strings the CLI, the HTTP API and the tool receive."""
    return compute_deadline(
        parse_date(received, what="收到日"),
        channel=channel,
        extend=extend,
        third_party_days=third_party_days,
        corrected=parse_date(corrected, what="补正日期") if corrected else None,
        today=today,
    ).as_dict()


def make_tool(ctx: ToolContext) -> StructuredTool:
    def deadline(
        received: str,
        channel: str = "in_person",
        extend: bool = False,
        third_party_days: int = 0,
        corrected: str | None = None,
    ) -> dict[str, Any]:
        """Compute the statutory reply deadline of a 政府信息公开 application (依申请公开答复期限).

        Use it whenever the user gives a concrete receipt date and asks when the reply is due, when
        the extended deadline is, or by when a correction (补正) notice must go out. The receipt day
        is not counted; only Chinese working days count (holidays and 调休 make-up days included).

        Args:
            received: the day the application was received, YYYY-MM-DD.
            channel: in_person | mail | online | fax (how it was submitted; decides the receipt day).
            extend: True if the reply period is being extended by 20 working days.
            third_party_days: working days spent consulting a third party/other agency (excluded).
            corrected: the day the corrected application arrived, YYYY-MM-DD (the 20 days restart).

        Returns:
            {"received", "due", "extended_due", "correction_notice_due", "provisional", "steps", ...}
            with ISO dates and Chinese step lines a person can check by hand.
        """
        return deadline_data(
            received,
            channel=channel,
            extend=extend,
            third_party_days=third_party_days,
            corrected=corrected,
            today=ctx.today(),
        )

    from langchain_core.tools import StructuredTool  # slow to import: `gongkai deadline` does without it

    return StructuredTool.from_function(func=deadline, name="deadline", args_schema=DeadlineArgs)


def render(data: dict[str, Any]) -> str:
    """The Chinese chat reply for one deadline result."""
    d = {k: date.fromisoformat(data[k]) for k in ("received", "due", "extended_due", "correction_notice_due")}
    lines = [
        f"收到日：{fmt(d['received'])}（{rules()['channels'][data['channel']]['label']}）",
        f"**答复截止日：{fmt(d['due'])}**",
        f"延期后截止日：{fmt(d['extended_due'])}（需负责人同意并在原截止日前告知申请人）",
        f"补正告知截止日：{fmt(d['correction_notice_due'])}",
    ]
    if data.get("corrected"):
        lines.append(f"已补正：答复期限自 {data['corrected']} 起重新计算。")
    if data.get("provisional"):
        lines.insert(0, "⚠ 以下结果按放假办法推算（非正式节假日安排），仅供参考。")
    lines += ["", f"计算规则：{data['counting_rule']}", f"收到日口径：{data['t0_rule']}"]
    lines += ["依据：" + "；".join(data["basis"])]
    lines += [f"注意：{w}" for w in data.get("warnings", [])]
    lines += ["", "计算过程：", *data["steps"]]
    return "\n".join(lines)
