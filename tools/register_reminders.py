"""Which reminders of the register fall due on a day (pure).

For every pending due date of an open application (补正告知 7th working day, 答复 20th, 延期 40th) the
承办人 is reminded 5 and 2 working days before and on the day; the day after a reply due date has
passed unanswered, the office's administrators are told it is overdue. Nothing is sent on a
non-working day. A reminder whose day passed while no worker ran is sent on the next working day
(it is never skipped; offsets that fall due together are sent as one message); its key — application, due kind, due date, offset — makes it happen once, and
a due date that moves (补正, 延期) gets reminders of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tools.register import Derived
from tools.workcal import Calendar, is_workday, load_calendar

OFFSETS = (5, 2, 0)
REMINDED_KINDS = {"correction_notice": "补正告知", "reply": "答复", "extended_reply": "延期后答复"}
OVERDUE_KINDS = ("reply", "extended_reply")


@dataclass(frozen=True)
class Reminder:
    keys: tuple[str, ...]
    app_id: int
    to_users: tuple[str, ...]
    text: str
    due: date


def workdays_before(due: date, n: int, cal: Calendar) -> date:
    """The working day ``n`` working days before ``due`` (``due`` itself for 0)."""
    d, left = due, n
    while left:
        d -= timedelta(days=1)
        left -= is_workday(d, cal)
    return d


def workdays_between(today: date, due: date, cal: Calendar) -> int:
    """Working days after ``today`` up to and including ``due``."""
    n, d = 0, today
    while d < due:
        d += timedelta(days=1)
        n += is_workday(d, cal)
    return n


def due_reminders(
    apps: list[tuple[Derived, str]], today: date, *, admins: tuple[str, ...], cal: Calendar | None = None,
) -> list[Reminder]:
    """The reminders for ``today``; ``apps`` pairs each application's derived dates with its masked summary."""
    cal = cal or load_calendar()
    if not is_workday(today, cal):
        return []
    out: list[Reminder] = []
    for d, summary in apps:
        if d.replied is not None:
            continue
        handler = (d.handler,) if d.handler else admins
        if not handler:  # nobody to tell: no key is recorded, so it is sent once someone is named
            continue
        for kind, due in d.dues:
            if kind not in REMINDED_KINDS:
                continue
            label = REMINDED_KINDS[kind]
            if today > due:
                if kind in OVERDUE_KINDS and admins:
                    out.append(Reminder((f"{d.id}:{kind}:{due}:overdue",), d.id, admins,
                                        f"⚠ 申请 #{d.id} 已超过{label}期限（{due.isoformat()}）仍未答复，"
                                        f"承办人：{d.handler or '未指定'}。{summary}", due))
                continue
            keys = tuple(f"{d.id}:{kind}:{due}:{k}" for k in OFFSETS if workdays_before(due, k, cal) <= today)
            if keys:
                left = workdays_between(today, due, cal)
                when = "今天到期" if left == 0 else f"还有{left}个工作日到期"
                out.append(Reminder(keys, d.id, handler,
                                    f"提醒：申请 #{d.id} 的{label}期限为 {due.isoformat()}，{when}。{summary}", due))
    return out

