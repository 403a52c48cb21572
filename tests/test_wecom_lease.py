"""A sender that stalls past its lease never makes WeCom show a reply twice (PostgreSQL, loopback WeCom).

Two senders share one database. Sender A claims a reply and then stalls, beyond its lease, at the two
places a busy machine stalls a thread: waiting for the access token inside the send (another thread's
refresh, the GIL), and between the claim and the send. Sender B takes the row over and delivers it.
When A wakes up, its POST must carry WeCom's duplicate check (or not happen at all), and its late
database writes must not overwrite what B recorded. The stalls are gates the test opens, not sleeps;
the only wait is for the lease to end, read from the database.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest

from assistant.storage import Database, open_database, utcnow
from assistant.storage import queue as q
from assistant.storage.models import Outbox
from connectors.wecom.api import WeComApi
from connectors.wecom.sender import OutboxSender
from tests.dbs import pg_url  # noqa: F401  (fixture)
from tests.wecom_stub import AGENT_ID, CORP_ID, SECRET, WeComStub, wecom_settings

pytestmark = pytest.mark.postgres
REPLY = {"msgtype": "text", "content": "依申请公开应当在收到申请之日起20个工作日内答复。"}


class Gate:
    """A stall: whoever enters waits until the test opens it (stands in for a lock or a busy CPU)."""

    def __init__(self) -> None:
        self.reached, self.opened = threading.Event(), threading.Event()

    def __enter__(self) -> None:
        self.reached.set()
        assert self.opened.wait(60), "gate never opened"

    def __exit__(self, *exc: object) -> None:
        return None

    def __call__(self) -> None:  # as OutboxSender's give_way hook
        with self:
            pass


def _api(stub: WeComStub, timeout: float) -> WeComApi:
    return WeComApi(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID, base_url=stub.base_url, timeout=timeout)


def _row(db: Database, outbox_id: int) -> Outbox:
    with db.session() as s:
        row = s.get(Outbox, outbox_id)
        assert row is not None
        s.expunge(row)
        return row


def _wait_lease_over(db: Database, outbox_id: int) -> None:
    deadline = time.monotonic() + 60
    while utcnow() <= _row(db, outbox_id).next_attempt_at:
        assert time.monotonic() < deadline
        time.sleep(0.05)


@pytest.fixture
def two_senders(settings: Any, pg_url: str):  # noqa: F811
    with WeComStub() as stub:
        cfg = wecom_settings(settings, db_url=pg_url, base_url=stub.base_url,
                             lease_seconds=1.0, timeout_seconds=0.3).wecom
        dbs = [open_database(pg_url), open_database(pg_url, migrate=False)]
        with dbs[0].session() as s:
            (outbox_id,) = q.enqueue_replies(s, to_user="amy", payloads=[REPLY])
        yield stub, cfg, dbs, outbox_id
        for db in dbs:
            db.dispose()


def _takeover(stub: WeComStub, cfg: Any, db: Database, outbox_id: int) -> None:
    """Sender B: claims the row once A's lease is over and delivers it."""
    b = OutboxSender(db=db, api=_api(stub, cfg.timeout_seconds), cfg=cfg, threads=1)
    rows = b._claim()
    assert [r.id for r in rows] == [outbox_id]
    b._deliver(rows)
    assert len(stub.messages("amy")) == 1


def test_a_sender_stalled_inside_its_send_past_the_lease_does_not_show_the_reply_twice(two_senders):
    stub, cfg, dbs, outbox_id = two_senders
    api_a, gate = _api(stub, cfg.timeout_seconds), Gate()
    api_a._token_lock = gate  # type: ignore[assignment]  # A waits for its token as long as the test likes
    a = OutboxSender(db=dbs[0], api=api_a, cfg=cfg, threads=1)
    rows = a._claim()
    worker = threading.Thread(target=a._deliver, args=(rows,))
    worker.start()
    assert gate.reached.wait(60)  # A has decided to send and is inside message/send
    _wait_lease_over(dbs[1], outbox_id)
    _takeover(stub, cfg, dbs[1], outbox_id)
    gate.opened.set()
    worker.join(60)
    assert not worker.is_alive()
    assert len(stub.messages("amy")) == 1  # A's late POST was deduplicated by WeCom
    assert stub.state.send_calls == 2 and stub.state.duplicates_suppressed == 1
    assert _row(dbs[0], outbox_id).status == "sent"


def test_a_sender_stalled_between_claim_and_send_past_the_lease_sends_nothing(two_senders):
    stub, cfg, dbs, outbox_id = two_senders
    gate = Gate()
    a = OutboxSender(db=dbs[0], api=_api(stub, cfg.timeout_seconds), cfg=cfg, threads=1, give_way=gate)
    rows = a._claim()
    worker = threading.Thread(target=a._deliver, args=(rows,))
    worker.start()
    assert gate.reached.wait(60)
    _wait_lease_over(dbs[1], outbox_id)
    _takeover(stub, cfg, dbs[1], outbox_id)
    gate.opened.set()
    worker.join(60)
    assert stub.state.send_calls == 1  # A found the row taken and did not call WeCom
    row = _row(dbs[0], outbox_id)
    assert row.status == "sent" and row.lease is None


def test_the_writes_of_a_sender_that_lost_its_lease_are_refused(two_senders):
    _stub, cfg, dbs, outbox_id = two_senders
    with dbs[0].session() as s:
        (mine,) = q.claim_outbox(s, lease_seconds=cfg.lease_seconds)
    _wait_lease_over(dbs[1], outbox_id)
    with dbs[1].session() as s:
        (theirs,) = q.claim_outbox(s, lease_seconds=60)
    later = utcnow() + timedelta(minutes=5)
    with dbs[0].session() as s:
        assert not q.begin_send(s, outbox_id=outbox_id, lease=mine.lease, lease_seconds=60)
        assert not q.mark_retry(s, outbox_id=outbox_id, lease=mine.lease, error="HTTP error", at=later, maybe_sent=False)
        assert not q.defer(s, outbox_id=outbox_id, lease=mine.lease, at=later)
        assert not q.mark_failed(s, outbox_id=outbox_id, lease=mine.lease, error="errcode 81013", payload="{}")
        q.release_outbox(s, held=[(outbox_id, mine.lease)])
    row = _row(dbs[0], outbox_id)
    assert row.status == "pending" and row.lease == theirs.lease
    assert utcnow() + timedelta(seconds=30) < row.next_attempt_at < later  # B's lease: neither deferred nor released
    with dbs[1].session() as s:  # the holder's own writes go through; a definite error clears the stamp
        assert q.begin_send(s, outbox_id=outbox_id, lease=theirs.lease, lease_seconds=60)
    assert _row(dbs[1], outbox_id).maybe_sent
    with dbs[1].session() as s:
        assert q.mark_retry(s, outbox_id=outbox_id, lease=theirs.lease, error="errcode 45009", at=later, maybe_sent=False)
    assert not _row(dbs[1], outbox_id).maybe_sent
