"""The outbox sender: an asyncio task that delivers due rows through ``message/send``, exactly once.

Replies to one user go in order (a later reply waits while an earlier one is retried); users are
served in parallel on a small thread pool because wechatpy is synchronous.

Exactly once: a row is retried until it is sent or its delivery budget (time since it was queued,
default 24 h) runs out, whatever mix of faults came in between. Configuration errors (60020 …) pause
delivery for everyone and alert the administrator in the log; nothing is dropped.

A send that may have reached WeCom is only ever repeated with WeCom's duplicate check, even when the
sender that made it stalls (a busy machine, a slow token refresh) past its lease and another sender
takes the row. Before each send the sender stamps the row in the database under its claim's fencing
token (``queue.begin_send``): the stamp fails once the row was claimed by someone else (then it is
not sent), and otherwise renews the lease and marks the row ``maybe_sent`` (so any later sender
dedupes). Only a POST that starts early in that renewed lease goes as a plain first send
(``plain_until``); a POST delayed past it is deduplicated too, so the one that arrives second at
WeCom always carries the duplicate check.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from assistant.settings import WeComSettings
from assistant.storage import Database, utcnow
from assistant.storage import queue as q
from assistant.storage.records import mask
from connectors.wecom.api import SendOutcome
from connectors.wecom.claimloop import ClaimLoop
from connectors.wecom.formatting import to_payloads
from connectors.wecom.limiter import WINDOW, backoff, next_slot
from connectors.wecom.texts import text

log = logging.getLogger(__name__)


class Api(Protocol):
    def send(self, user_id: str, payload: dict[str, str], *, plain_until: float = 0.0,
             dedupe_seconds: int = 14400) -> SendOutcome: ...


PAUSED = "已暂停"


class OutboxSender(ClaimLoop[q.OutMessage]):
    def __init__(
        self, *, db: Database, api: Api, cfg: WeComSettings, poll_seconds: float = 1.0, threads: int = 8,
        give_way: Callable[[], None] = lambda: None,
    ) -> None:
        self.give_way = give_way
        self.db, self.api, self.cfg = db, api, cfg
        self.paused_until: datetime | None = None
        self._leases: dict[int, str] = {}  # row id -> the fencing token of this sender's claim on it
        self.pause_reason = ""
        super().__init__(threads=threads, thread_name="wecom-send", poll_seconds=poll_seconds)

    async def _process(self, loop: asyncio.AbstractEventLoop, claimed: list[q.OutMessage]) -> None:
        by_user: dict[str, list[q.OutMessage]] = defaultdict(list)
        for row in claimed:
            by_user[row.to_user].append(row)
        await asyncio.gather(*(loop.run_in_executor(self._pool, self._deliver, rows) for rows in by_user.values()))

    def close(self) -> None:
        """Blocking: let sends in progress finish, then hand unsent claimed rows back at once."""
        self._stop_pool()
        held = [(i, self._leases[i]) for i in sorted(self._inflight) if i in self._leases]
        with self.db.session() as s:
            q.release_outbox(s, held=held)

    @property
    def paused(self) -> bool:
        return self.paused_until is not None and utcnow() < self.paused_until

    def _claim(self) -> list[q.OutMessage]:
        if self._stopping or self.paused:
            return []
        with self.db.session() as s:
            rows = q.claim_outbox(s, limit=100, lease_seconds=self.cfg.lease_seconds)
        self._inflight.update(r.id for r in rows)
        self._leases.update((r.id, r.lease) for r in rows)
        return rows

    def _plain_seconds(self) -> float:
        """How long after the stamp a POST may still go without the duplicate check: half the lease,
        less one timeout for the request to reach WeCom; the other half is slack for a stall."""
        return max(0.0, self.cfg.lease_seconds / 2 - self.cfg.timeout_seconds)

    def _deliver(self, rows: list[q.OutMessage]) -> None:
        try:
            self._deliver_in_order(rows)
        finally:
            done = {r.id for r in rows} if not self._stopping else set()
            self._inflight.difference_update(done)
            for i in done:
                self._leases.pop(i, None)

    def _deliver_in_order(self, rows: list[q.OutMessage]) -> None:
        user = rows[0].to_user
        with self.db.session() as s:  # one look at the rate window per user and batch
            sent = q.sent_since(s, to_user=user, since=utcnow() - WINDOW)
        for row in rows:
            self.give_way()
            if self._stopping or self.paused or not self._may_send(row, sent):
                if self.paused:
                    self._wait_out_pause(row)
                return
            stamped_at = time.monotonic()  # before the stamp: the renewed lease ends later than this + lease
            with self.db.session() as s:
                held = q.begin_send(s, outbox_id=row.id, lease=row.lease, lease_seconds=self.cfg.lease_seconds)
            if not held:
                log.info("reply id=%d was taken over by another sender: not sent here", row.id)
                return
            # A first send is not deduped (two identical questions get two answers) if it starts in time.
            plain_until = 0.0 if row.maybe_sent else stamped_at + self._plain_seconds()
            outcome = self.api.send(row.to_user, row.payload, plain_until=plain_until,
                                    dedupe_seconds=self.cfg.dedupe_seconds)
            if outcome.ok:
                with self.db.session() as s:  # if this fails the row stays stamped: resent only deduped
                    q.mark_sent(s, outbox_id=row.id)
                sent.append(utcnow())
                self._inflight.discard(row.id)
                self._resume()
                continue
            if not self._record_failure(row, outcome):
                return

    def _record_failure(self, row: q.OutMessage, outcome: SendOutcome) -> bool:
        """True if the next row of this user may go now (this one is finished), False to stop here."""
        attempt = row.attempts + 1
        log.info("send failed id=%d attempt=%d: %s", row.id, attempt, outcome.error)
        if outcome.config_error:
            self._pause(outcome.error)
            self._wait_out_pause(row)
            return False
        queued = row.queued_at or utcnow()
        expired = (utcnow() - queued).total_seconds() > self.cfg.delivery_budget_seconds
        if not outcome.retryable or expired:
            log.warning("reply id=%d given up after %d attempts: %s", row.id, attempt, outcome.error)
            with self.db.session() as s:
                q.mark_failed(s, outbox_id=row.id, lease=row.lease, error=outcome.error, payload=_masked(row.payload))
            return True
        base = self.cfg.retry_base_seconds * (5 if outcome.rate_limited else 1)
        at = utcnow() + timedelta(seconds=backoff(attempt, base=base))
        with self.db.session() as s:
            if q.mark_retry(s, outbox_id=row.id, lease=row.lease, error=outcome.error, at=at,
                            maybe_sent=row.maybe_sent or outcome.maybe_sent):
                q.defer_user(s, to_user=row.to_user, until=at)  # later replies keep their order
        return False

    def _pause(self, error: str) -> None:
        first = not self.pause_reason  # until a send succeeds again, the pause is one incident
        self.paused_until = utcnow() + timedelta(seconds=self.cfg.pause_seconds)
        self.pause_reason = error
        if first:  # the administrator's alert: once per incident, in Chinese, with what to do
            log.error("企业微信拒绝发送（%s）：回复暂停发送，不会丢失，每%g秒重试一次，恢复后自动补发。"
                      "60020 表示本机出口 IP 不在应用的“企业可信IP”中，请在管理后台添加；其他错误请运行 gongkai doctor 检查配置。",
                      error, self.cfg.pause_seconds)

    def _resume(self) -> None:
        if self.pause_reason:
            log.warning("企业微信发送已恢复（此前：%s）", self.pause_reason)
            self.paused_until, self.pause_reason = None, ""

    def _wait_out_pause(self, row: q.OutMessage) -> None:
        """The row and the user's later replies wait for the pause; no attempt is counted."""
        until = self.paused_until or utcnow()
        with self.db.session() as s:
            if q.defer(s, outbox_id=row.id, lease=row.lease, at=until, error=f"{PAUSED}: {self.pause_reason}"):
                q.defer_user(s, to_user=row.to_user, until=until)

    def _may_send(self, row: q.OutMessage, sent: list[datetime]) -> bool:
        """Rate limit; the last slot of a window is kept for the one-time "please wait" notice."""
        now = utcnow()
        limit = self.cfg.rate_per_minute if row.kind == "notice" else max(1, self.cfg.rate_per_minute - 1)
        slot = next_slot(sent, now=now, limit=limit)
        if slot is None:
            return True
        with self.db.session() as s:
            q.defer_user(s, to_user=row.to_user, until=slot)
            if row.kind == "notice":
                q.defer(s, outbox_id=row.id, lease=row.lease, at=slot)
            elif not q.notice_since(s, to_user=row.to_user, since=now - WINDOW):
                q.enqueue_replies(
                    s, to_user=row.to_user, payloads=to_payloads(text("rate_notice"), markdown=False), kind="notice"
                )
                self.wake()
        log.info("rate limit: user deferred until %s", slot.isoformat())
        return False


def _masked(payload: dict[str, Any]) -> str:
    """What a failed row keeps: its text masked (``gongkai outbox --retry`` sends that)."""
    kept = {k: (mask(v) if k == "content" and isinstance(v, str) else v) for k, v in payload.items()}
    return json.dumps(kept, ensure_ascii=False)
