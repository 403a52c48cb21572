"""The 依申请公开 register's rules: every date of an application is derived from its events.

Pure: ``derive(app, events)`` takes the registered facts (收到日, 渠道 and the dated events) and returns
the dates the statutes give (``tools.deadlines.compute_deadline`` and ``tools.periods``), the status and
the annual-report category. Nothing here is stored; storage keeps only the facts.

Counting (workflow.md §6.2, regulations.md §1.4):
- 补正 received → the 20 working days restart from that day (第三十条);
- a consultation (征求第三方/其他机关意见) pauses the clock from the day the letter goes out to the day the
  reply arrives, or, while it is open, to the end of the other side's 15 working days (第三十二、三十三条);
  the paused length is the number of working days after the start up to and including the end;
- an extension (延期, 负责人同意) moves the due date to the 40th working day; it must be decided before the
  original due date (第三十三条第二款).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import BadInput
from tools.deadlines import compute_deadline, parse_channel
from tools.periods import consultation_reply_due, fee_payment_due
from tools.workcal import Calendar, is_workday, load_calendar

DATA_FILE = Path(__file__).parent / "data" / "register.yaml"
EVENT_KINDS = (
    "correction_sent", "correction_received", "consult_start", "consult_end", "extend",
    "fee_notice", "fee_paid", "reply", "review", "lawsuit",
)
EVENT_LABELS = {
    "correction_sent": "发出补正告知", "correction_received": "收到补正", "consult_start": "征求意见开始",
    "consult_end": "征求意见结束", "extend": "延期答复", "fee_notice": "发出收费通知", "fee_paid": "缴费",
    "reply": "答复", "review": "申请行政复议", "lawsuit": "提起行政诉讼",
}
STATUS_LABELS = {
    "open": "办理中", "awaiting_correction": "待补正", "consulting": "征求意见中", "extended": "已延期",
    "awaiting_fee": "待缴费", "replied": "已答复", "overdue": "已逾期",
}


@cache
def data() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return loaded


def applicant_types() -> list[str]:
    return list(data()["applicant_types"])


def outcomes() -> list[dict[str, Any]]:
    return list(data()["outcomes"])


def outcome(key: str) -> dict[str, Any]:
    for o in outcomes():
        if o["key"] == key:
            return o
    raise BadInput(f"未知的答复类型：{key}")


def parse_applicant(value: str) -> str:
    text = (value or "").strip()
    if text in applicant_types():
        return text
    raise BadInput(f"申请人类型不正确：{value}。可选：{'、'.join(applicant_types())}。")


def resolve_outcome(value: str, reason: str | None = None) -> str:
    """The annual-report category for ``--outcome`` (+ ``--reason`` when the group has sub-items)."""
    text = (value or "").strip()
    known = {o["key"] for o in outcomes()}
    if text in known and text not in data()["groups"]:
        return text
    if text in data()["aliases"]:
        return str(data()["aliases"][text])
    group = data()["groups"].get(text)
    if group is None:
        choices = "、".join(data()["groups"])
        raise BadInput(f"答复类型不正确：{value}。可选：{choices}，或年报表三的具体子项名称。")
    items = [o for o in outcomes() if o["group"] == text]
    if not group.get("reason"):
        return str(items[0]["key"])
    listing = "；".join(f"{o['n']} {o['key']}" for o in items)
    if not reason or not reason.strip():
        raise BadInput(f"答复类型“{text}”须写明理由（--reason），可选：{listing}。")
    r = reason.strip()
    for o in items:
        if r in (o["n"], o["key"]) or data()["aliases"].get(r) == o["key"]:
            return str(o["key"])
    by_article = [o for o in items if o["article"] and o["article"] == r]
    if len(by_article) == 1:
        return str(by_article[0]["key"])
    raise BadInput(f"“{text}”的理由不明确：{reason}。请写明其中一项：{listing}。")


@dataclass(frozen=True)
class Event:
    kind: str
    day: date
    outcome: str | None = None
    reason: str | None = None
    person: str | None = None
    result: str | None = None
    after_review: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Facts:
    """What is registered about one application (the applicant's name is not needed for dates)."""

    id: int
    received: date
    channel: str
    applicant_type: str
    handler: str = ""


@dataclass(frozen=True)
class Derived:
    id: int
    received: date
    channel: str
    applicant_type: str
    handler: str
    correction_notice_due: date
    due: date
    extended_due: date
    current_due: date | None
    provisional: bool
    status: str
    restart_from: date | None
    paused_days: int
    extended: bool
    fee_due: date | None
    replied: date | None
    outcome: str | None
    dues: tuple[tuple[str, date], ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "id": self.id,
            "received": iso(self.received),
            "due": iso(self.due),
            "extended_due": iso(self.extended_due),
            "correction_notice_due": iso(self.correction_notice_due),
            "provisional": self.provisional,
            "current_due": iso(self.current_due),
            "status": self.status,
            "status_label": STATUS_LABELS[self.status],
            "channel": self.channel,
            "applicant_type": self.applicant_type,
            "handler": self.handler,
            "corrected": iso(self.restart_from),
            "paused_workdays": self.paused_days,
            "extended": self.extended,
            "fee_due": iso(self.fee_due),
            "replied": iso(self.replied),
            "outcome": self.outcome,
            "pending_dues": [{"kind": k, "date": d.isoformat()} for k, d in self.dues],
            "warnings": list(self.warnings),
        }


def _last(events: list[Event], kind: str) -> Event | None:
    found = [e for e in events if e.kind == kind]
    return found[-1] if found else None


def paused_workdays(start: date, end: date, cal: Calendar) -> int:
    """Working days after ``start`` up to and including ``end`` (the consultation pause)."""
    n, d = 0, start
    while d < end:
        d = date.fromordinal(d.toordinal() + 1)
        n += is_workday(d, cal)
    return n


def _consultations(events: list[Event], cal: Calendar) -> tuple[int, bool, list[str]]:
    """Paused working days over all consultations, whether one is still open, and warnings."""
    total, open_start, warns = 0, None, []
    for e in sorted(events, key=lambda e: e.day):
        if e.kind == "consult_start" and open_start is None:
            open_start = e.day
        elif e.kind == "consult_end" and open_start is not None:
            total += paused_workdays(open_start, e.day, cal)
            open_start = None
    if open_start is not None:
        total += paused_workdays(open_start, consultation_reply_due(open_start, cal), cal)
        warns.append("征求意见尚未结束：暂按对方15个工作日答复期届满计算暂停天数。")
    return total, open_start is not None, warns


def derive(facts: Facts, events: list[Event], *, today: date | None = None, cal: Calendar | None = None) -> Derived:
    """All dates, the status and the outcome of one application from its facts and events."""
    cal = cal or load_calendar()
    events = sorted(events, key=lambda e: e.day)
    corr_sent, corr_recv = _last(events, "correction_sent"), _last(events, "correction_received")
    paused, consulting, warns = _consultations(events, cal)
    ext, reply = _last(events, "extend"), _last(events, "reply")
    fee_notice, fee_paid = _last(events, "fee_notice"), _last(events, "fee_paid")
    base = compute_deadline(
        facts.received, channel=parse_channel(facts.channel), third_party_days=paused,
        corrected=corr_recv.day if corr_recv else None, cal=cal,
    )
    extended = ext is not None
    if ext is not None and ext.day > base.due:
        warns.append(f"延期告知日{ext.day.isoformat()}晚于原答复截止日{base.due.isoformat()}（第三十三条第二款）。")
    fee_due = fee_payment_due(fee_notice.day, cal) if fee_notice and not fee_paid else None
    if fee_notice is not None:
        warns.append("缴费期间是否暂停答复期限尚无依据（待核），答复截止日未因收费而顺延。")
    final = base.extended_due if extended else base.due
    dues: list[tuple[str, date]] = []
    if reply is None:
        if corr_sent is None and corr_recv is None and (today is None or today <= base.correction_notice_due):
            dues.append(("correction_notice", base.correction_notice_due))
        if fee_due is not None:
            dues.append(("fee_payment", fee_due))
        if not (corr_sent and not corr_recv):
            dues.append(("extended_reply" if extended else "reply", final))
    status = _status(reply, corr_sent, corr_recv, consulting, fee_due, extended, final, today)
    return Derived(
        id=facts.id, received=facts.received, channel=base.channel, applicant_type=facts.applicant_type,
        handler=facts.handler, correction_notice_due=base.correction_notice_due, due=base.due,
        extended_due=base.extended_due, current_due=None if reply else final, provisional=base.provisional,
        status=status, restart_from=base.restart_from, paused_days=paused, extended=extended, fee_due=fee_due,
        replied=reply.day if reply else None, outcome=reply.outcome if reply else None, dues=tuple(dues),
        warnings=tuple(warns),
    )


def _status(
    reply: Event | None, corr_sent: Event | None, corr_recv: Event | None, consulting: bool,
    fee_due: date | None, extended: bool, final: date, today: date | None,
) -> str:
    if reply is not None:
        return "replied"
    if corr_sent is not None and (corr_recv is None or corr_recv.day < corr_sent.day):
        return "awaiting_correction"
    if today is not None and today > final:
        return "overdue"
    if consulting:
        return "consulting"
    if fee_due is not None:
        return "awaiting_fee"
    return "extended" if extended else "open"


def check_event(facts: Facts, events: list[Event], new: Event) -> None:
    """BadInput (Chinese) when ``new`` cannot follow the registered facts and events."""
    if new.kind not in EVENT_KINDS:
        raise BadInput(f"事件类型不正确：{new.kind}。可选：{'、'.join(EVENT_KINDS)}。")
    if new.day < facts.received:
        raise BadInput(f"{EVENT_LABELS[new.kind]}日期{new.day.isoformat()}早于收到日{facts.received.isoformat()}。")
    has = {e.kind for e in events}
    replied = "reply" in has
    needs = {"correction_received": "correction_sent", "consult_end": "consult_start", "fee_paid": "fee_notice",
             "review": "reply", "lawsuit": "reply"}
    if new.kind in needs and needs[new.kind] not in has:
        raise BadInput(f"还没有登记“{EVENT_LABELS[needs[new.kind]]}”，不能登记“{EVENT_LABELS[new.kind]}”。")
    if replied and new.kind not in ("review", "lawsuit"):
        raise BadInput(f"该申请已答复，不能再登记“{EVENT_LABELS[new.kind]}”。")
    if new.kind == "extend" and "extend" in has:
        raise BadInput("该申请已经延期过一次，延期最多20个工作日（第三十三条第二款）。")
    if new.kind == "extend" and not (new.person or "").strip():
        raise BadInput("延期须经工作机构负责人同意，请用 --person 写明负责人。")
    if new.kind == "reply" and not new.outcome:
        raise BadInput("答复须写明答复类型（--outcome），例如 予以公开、部分公开、不予公开。")
    if new.kind in ("review", "lawsuit") and new.result and new.result not in data()["review_results"]:
        raise BadInput(f"复议/诉讼结果不正确：{new.result}。可选：{'、'.join(data()['review_results'])}。")
