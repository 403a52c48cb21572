"""Reminders with a fake clock across 春节 2026, two workers and a restart, delivered through the
loopback WeCom stand-in: every reminder once, on the right working day, to the right member.

Calendar (regulations.md §6.2): 2026 春节 放假 2/15–2/23, 调休上班 Sat 2/14 and Sat 2/28. Hand counts:
- #1 wang, received Mon 2/2: 补正告知 due 2/11 (2/3–6, 2/9–11) → reminders 2/4 (−5), 2/9 (−2), 2/11;
  答复 due 3/6 (2/12, 2/13, 2/14, 2/24–27, 2/28, 3/2–6) → 2/28 (−5, the 调休 Saturday), 3/4 (−2), 3/6;
  still unanswered → overdue to the admin on Mon 3/9 (once).
- #2 li, received Tue 2/10: 补正告知 due 2/26 → −5 is 2/12 (2/25, 2/24, 2/14, 2/13, 2/12); 补正告知 sent
  2/13 (no more 补正 reminders), 补正 received Mon 3/2 → 答复 restarts, due 3/30 (3/3–6, 9–13, 16–20,
  23–27, 30) → 3/23 (−5), 3/26 (−2), 3/30; overdue to the admin on Tue 3/31.
- #3 zhao, received Mon 1/5: 答复 due 2/2 (1/6–9, 12–16, 19–23, 26–30, 2/2) → 1/26 (−5), 1/29 (−2),
  2/2; overdue to the admin on 2/3.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from assistant.register import record_event, register
from assistant.storage import open_database
from connectors.wecom.api import WeComApi
from connectors.wecom.reminders import ReminderScheduler
from connectors.wecom.sender import OutboxSender
from tests.dbs import db_url, pg_url  # noqa: F401
from tests.wecom_stub import AGENT_ID, CORP_ID, SECRET, WeComStub, wecom_settings
from tools.register import Event

EXPECTED = [
    ("2026-01-26", "zhao", "#3"), ("2026-01-29", "zhao", "#3"), ("2026-02-02", "zhao", "#3"),
    ("2026-02-03", "admin", "#3"), ("2026-02-04", "wang", "#1"), ("2026-02-09", "wang", "#1"),
    ("2026-02-11", "wang", "#1"), ("2026-02-12", "li", "#2"), ("2026-02-28", "wang", "#1"),
    ("2026-03-04", "wang", "#1"), ("2026-03-06", "wang", "#1"), ("2026-03-09", "admin", "#1"),
    ("2026-03-23", "li", "#2"), ("2026-03-26", "li", "#2"), ("2026-03-30", "li", "#2"),
    ("2026-03-31", "admin", "#2"),  # #2 unanswered on its due date: overdue the next working day
]
EVENTS = {date(2026, 2, 13): (2, "correction_sent"), date(2026, 3, 2): (2, "correction_received")}


def _drain(sender: OutboxSender) -> None:
    async def go() -> None:
        loop = asyncio.get_running_loop()
        while True:
            claimed = await loop.run_in_executor(None, sender._claim)
            if not claimed:
                return
            await sender._process(loop, claimed)

    asyncio.run(go())


def test_reminders_across_spring_festival_two_workers_and_a_restart(settings, db_url):  # noqa: F811
    with WeComStub() as stub:
        cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url).wecom
        api = WeComApi(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID, base_url=stub.base_url, timeout=2.0)
        first = open_database(db_url)
        for received, user in (("2026-02-02", "wang"), ("2026-02-10", "li"), ("2026-01-05", "zhao")):
            register(first, received=date.fromisoformat(received), channel="in_person", applicant_type="自然人",
                     content="申请公开县道养护合同", applicant_name="张三", handler=user)
        workers = [first, open_database(db_url, migrate=False)]
        got: list[tuple[str, str, str]] = []
        day = date(2026, 1, 26)
        while day <= date(2026, 3, 31):
            if day == date(2026, 2, 14):  # worker 0 restarts (on the 调休 Saturday): only the database remembers
                workers[0].dispose()
                workers[0] = open_database(db_url)
            if day in EVENTS:
                app_id, kind = EVENTS[day]
                record_event(workers[0], app_id, Event(kind=kind, day=day))
            schedulers = [ReminderScheduler(db=db, admins=("admin",)) for db in workers]
            with ThreadPoolExecutor(4) as pool:  # both workers tick twice, at the same time
                list(pool.map(ReminderScheduler.tick, schedulers * 2, [day] * 4))
            before = len(stub.messages())
            for db in workers:
                _drain(OutboxSender(db=db, api=api, cfg=cfg))
            for m in stub.messages()[before:]:
                got.append((day.isoformat(), m["touser"], "#" + m["content"].split("#")[1].split(" ")[0]))
            day += timedelta(days=1)
        for db in workers:
            db.dispose()
    assert got == EXPECTED
    quiet = {date(2026, 2, d) for d in range(15, 24)} | {date(2026, 2, 7), date(2026, 2, 8), date(2026, 3, 1)}
    assert not {g[0] for g in got} & {d.isoformat() for d in quiet}
    overdue = [m["content"] for m in stub.messages("admin")]
    assert all("已超过答复期限" in t for t in overdue) and "张三" not in "".join(m["content"] for m in stub.messages())


def test_pure_rules_quiet_days_catch_up_and_nobody_to_tell() -> None:
    from tools.register import Facts, derive
    from tools.register_reminders import due_reminders

    d = derive(Facts(1, date(2026, 2, 2), "in_person", "自然人", handler="wang"), [], today=date(2026, 2, 20))
    assert due_reminders([(d, "")], date(2026, 2, 20), admins=("admin",)) == []  # 春节: quiet
    # a worker that was down from 2/27 to 3/5 sends the missed −5 (2/28) and −2 (3/4) together, once
    d = derive(Facts(1, date(2026, 2, 2), "in_person", "自然人", handler="wang"), [], today=date(2026, 3, 5))
    (r,) = due_reminders([(d, "")], date(2026, 3, 5), admins=("admin",))
    assert r.keys == ("1:reply:2026-03-06:5", "1:reply:2026-03-06:2") and "还有1个工作日" in r.text
    nobody = derive(Facts(2, date(2026, 2, 2), "in_person", "自然人"), [], today=date(2026, 3, 5))
    assert due_reminders([(nobody, "")], date(2026, 3, 5), admins=()) == []
