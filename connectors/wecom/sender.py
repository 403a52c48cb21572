"""The outbox sender: an asyncio task that delivers due rows through ``message/send``.

Replies to one user go in order (a later reply waits while an earlier one is retried); users are
served in parallel on a small thread pool because wechatpy is synchronous.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from assistant.storage import Database, utcnow
from assistant.storage import queue as q
from connectors.wecom.api import NETWORK_ERROR, SendOutcome
from connectors.wecom.claimloop import ClaimLoop
from connectors.wecom.formatting import to_payloads
from connectors.wecom.limiter import WINDOW, backoff, next_slot
from connectors.wecom.texts import text

log = logging.getLogger(__name__)


class Api(Protocol):
    def send(self, user_id: str, payload: dict[str, str], *, retry: bool = False) -> SendOutcome: ...


class OutboxSender(ClaimLoop[q.OutMessage]):
    def __init__(
        self, *, db: Database, api: Api, rate_per_minute: int, max_attempts: int,
        retry_base_seconds: float = 2.0, poll_seconds: float = 1.0, threads: int = 8,
        give_way: Callable[[], None] = lambda: None,
    ) -> None:
        self.give_way = give_way
        self.db, self.api = db, api
        self.rate, self.max_attempts, self.retry_base = rate_per_minute, max_attempts, retry_base_seconds
        super().__init__(threads=threads, thread_name="wecom-send", poll_seconds=poll_seconds)

    async def _process(self, loop: asyncio.AbstractEventLoop, claimed: list[q.OutMessage]) -> None:
        by_user: dict[str, list[q.OutMessage]] = defaultdict(list)
        for row in claimed:
            by_user[row.to_user].append(row)
        await asyncio.gather(*(loop.run_in_executor(self._pool, self._deliver, rows) for rows in by_user.values()))

    def close(self) -> None:
        """Blocking: let sends in progress finish, then hand unsent claimed rows back at once."""
        self._stop_pool()
        with self.db.session() as s:
            q.release_outbox(s, ids=sorted(self._inflight))

    def _claim(self) -> list[q.OutMessage]:
        if self._stopping:
            return []
        with self.db.session() as s:
            rows = q.claim_outbox(s, limit=100)
        self._inflight.update(r.id for r in rows)
        return rows

    def _deliver(self, rows: list[q.OutMessage]) -> None:
        try:
            self._deliver_in_order(rows)
        finally:
            done = {r.id for r in rows} if not self._stopping else set()
            self._inflight.difference_update(done)

    def _deliver_in_order(self, rows: list[q.OutMessage]) -> None:
        user = rows[0].to_user
        with self.db.session() as s:  # one look at the rate window per user and batch
            sent = q.sent_since(s, to_user=user, since=utcnow() - WINDOW)
        for row in rows:
            self.give_way()
            if self._stopping or not self._may_send(row, sent):
                return
            attempt = row.attempts + 1
            outcome = self.api.send(row.to_user, row.payload, retry=row.last_error.startswith(NETWORK_ERROR))
            if outcome.ok:
                with self.db.session() as s:
                    q.mark_sent(s, outbox_id=row.id)
                sent.append(utcnow())
                self._inflight.discard(row.id)
                continue
            log.info("send failed id=%d attempt=%d: %s", row.id, attempt, outcome.error)
            if not outcome.retryable or attempt >= self.max_attempts:
                with self.db.session() as s:
                    q.mark_failed(s, outbox_id=row.id, error=outcome.error)
                continue
            base = self.retry_base * (5 if outcome.rate_limited else 1)
            at = utcnow() + timedelta(seconds=backoff(attempt, base=base))
            with self.db.session() as s:
                q.mark_retry(s, outbox_id=row.id, error=outcome.error, at=at)
                q.defer_user(s, to_user=row.to_user, until=at)  # later replies keep their order
            return

    def _may_send(self, row: q.OutMessage, sent: list[datetime]) -> bool:
        """Rate limit; the last slot of a window is kept for the one-time "please wait" notice."""
        now = utcnow()
        limit = self.rate if row.kind == "notice" else max(1, self.rate - 1)
        slot = next_slot(sent, now=now, limit=limit)
        if slot is None:
            return True
        with self.db.session() as s:
            q.defer_user(s, to_user=row.to_user, until=slot)
            if row.kind == "notice":
                q.defer(s, outbox_id=row.id, at=slot)
            elif not q.notice_since(s, to_user=row.to_user, since=now - WINDOW):
                q.enqueue_replies(
                    s, to_user=row.to_user, payloads=to_payloads(text("rate_notice"), markdown=False), kind="notice"
                )
                self.wake()
        log.info("rate limit: user deferred until %s", slot.isoformat())
        return False
