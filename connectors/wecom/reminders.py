"""The register's reminder scheduler: a task in the worker that queues WeCom messages in the outbox.

Each tick computes today's reminders (``tools.register_reminders``) and, per reminder, records its
keys and queues its outbox rows in ONE transaction: the unique key in ``reminders`` lets only one of
several workers (or a restarted one) send it, and a crash leaves neither a key without its message
nor a message without its key. The outbox sender delivers them like any reply.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.register import mask_name
from assistant.storage import Database
from assistant.storage import queue as q
from assistant.storage.apps import all_applications, facts_of
from assistant.storage.db import utcnow
from assistant.storage.models import Reminder as ReminderRow
from connectors.wecom.formatting import to_payloads
from knowledge.clock import today as today_in_china
from tools.register import derive
from tools.register_reminders import Reminder, due_reminders

log = logging.getLogger(__name__)
def _claim(session: Session, key: str, app_id: int, to_user: str, day: date) -> bool:
    """Insert the key; False when it is already there (the unique index decides between workers)."""
    try:
        with session.begin_nested():
            session.add(ReminderRow(key=key, application_id=app_id, to_user=to_user, day=day, created_at=utcnow()))
            session.flush()
    except IntegrityError:
        return False
    return True


class ReminderScheduler:
    def __init__(
        self, *, db: Database, admins: tuple[str, ...], on_queued: Callable[[], None] = lambda: None,
        clock: Callable[[], date] = today_in_china, poll_seconds: float = 300.0,
    ) -> None:
        self.db, self.admins, self.on_queued, self.clock, self.poll = db, admins, on_queued, clock, poll_seconds

    def reminders(self, today: date) -> list[Reminder]:
        with self.db.session() as s:
            apps = [(derive(facts_of(a), ev, today=today),
                     f"（{a.applicant_type}{mask_name(a.applicant_name, a.applicant_type)}：{a.content[:30]}）")
                    for a, ev in all_applications(s)]
        return due_reminders(apps, today, admins=self.admins)

    def tick(self, today: date | None = None) -> int:
        """Queue today's reminders not sent yet; returns how many outbox rows were queued."""
        today = today or self.clock()
        queued = 0
        for r in self.reminders(today):
            with self.db.session() as s:
                fresh = [k for k in r.keys if _claim(s, k, r.app_id, ",".join(r.to_users)[:128], today)]
                if not fresh:
                    continue
                for user in r.to_users:
                    q.enqueue_replies(s, to_user=user, payloads=to_payloads(r.text), source_key=fresh[-1],
                                      kind="reminder")
                    queued += 1
            log.info("reminder queued app=%s keys=%d users=%d", r.app_id, len(fresh), len(r.to_users))
        if queued:
            self.on_queued()
        return queued

    async def run(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.tick)
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end the scheduler; the next tick retries
                log.exception("reminder tick failed")
            await asyncio.sleep(self.poll)
