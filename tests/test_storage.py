"""Storage on SQLite and PostgreSQL: migrations, dedupe under concurrency, atomic claims, masking, retention."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import inspect, select

from assistant.conversation import load_history, save_exchange
from assistant.storage import list_quiz_scores, open_database, record_quiz_score, utcnow
from assistant.storage import queue as q
from assistant.storage.models import Conversation, MessageRow, Outbox
from assistant.storage.records import list_feedback, purge_older_than, record_feedback
from tests.dbs import db_url, pg_url  # noqa: F401  (fixtures)

ID_CARD = "532930199001011232"
PHONE = "13987654321"


def test_migrations_create_every_table_and_run_again_harmlessly(db_url):  # noqa: F811
    first = open_database(db_url)
    second = open_database(db_url)  # upgrade-on-start a second time: nothing to do, no error
    tables = set(inspect(second.engine).get_table_names())
    assert {"conversations", "messages", "inbound", "outbox", "feedback", "quiz_scores", "alembic_version"} <= tables
    if first.dialect == "sqlite":
        with first.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    first.dispose()
    second.dispose()


def test_a_message_id_recorded_concurrently_is_new_exactly_once(db_url):  # noqa: F811
    from connectors.wecom.inbound import InboundWriter
    from connectors.wecom.parse import InboundMessage

    dbs = [open_database(db_url) for _ in range(2)]  # two engines: two "processes" sharing the database
    writers = [InboundWriter(db) for db in dbs]  # the callback's own write path
    barrier = threading.Barrier(8)
    message = InboundMessage(key="msg:42", user_id="u1", kind="text", payload={"text": "你好"})

    def record(i: int) -> bool:
        barrier.wait()
        return writers[i % 2].write([message])[0]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(record, range(8)))
    assert results.count(True) == 1
    for writer, db in zip(writers, dbs, strict=True):
        writer.close()
        db.dispose()


def test_claims_never_hand_the_same_row_to_two_workers(db_url):  # noqa: F811
    dbs = [open_database(db_url) for _ in range(2)]
    with dbs[0].session() as s:
        for i in range(40):
            q.enqueue_replies(s, to_user=f"user{i}", payloads=[{"msgtype": "text", "content": f"答复{i}"}])
    barrier = threading.Barrier(4)

    def claim(i: int) -> list[int]:
        barrier.wait()
        got: list[int] = []
        while True:
            with dbs[i % 2].session() as s:
                rows = q.claim_outbox(s, limit=3)
            if not rows:
                return got
            got.extend(r.id for r in rows)

    with ThreadPoolExecutor(4) as pool:
        claimed = [row for rows in pool.map(claim, range(4)) for row in rows]
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 40
    for db in dbs:
        db.dispose()


def test_later_replies_to_a_user_wait_for_an_earlier_one(db_url):  # noqa: F811
    db = open_database(db_url)
    with db.session() as s:
        first, second = q.enqueue_replies(s, to_user="amy", payloads=[{"content": "一"}, {"content": "二"}])
    with db.session() as s:
        lease = q.claim_outbox(s, limit=1)[0].lease
        q.mark_retry(s, outbox_id=first, lease=lease, error="HTTP error", at=utcnow() + timedelta(minutes=5),
                     maybe_sent=False)
    with db.session() as s:
        assert q.claim_outbox(s) == []  # "二" must not overtake "一"
    db.dispose()


def test_conversation_history_is_masked_and_in_order(db_url):  # noqa: F811
    db = open_database(db_url)
    with db.session() as s:
        save_exchange(s, conversation_id="wecom:amy", user_id="amy",
                      user_text=f"申请人身份证{ID_CARD}，电话{PHONE}", reply_text="收到。")
        save_exchange(s, conversation_id="wecom:amy", user_id="amy", user_text="第二问", reply_text="第二答")
    with db.session() as s:
        history = load_history(s, "wecom:amy")
        stored = "\n".join(s.scalars(select(MessageRow.text)).all())
    assert [m.role for m in history] == ["user", "assistant", "user", "assistant"]
    assert history[-1].text == "第二答"
    assert ID_CARD not in stored and PHONE not in stored
    assert "5329" in stored  # shape kept: 5329************32
    db.dispose()


def test_feedback_is_masked_and_quiz_scores_round_trip(db_url):  # noqa: F811
    db = open_database(db_url)
    with db.session() as s:
        record_feedback(s, user_id="amy", kind="text", text=f"答复有误，请回电{PHONE}")
        record_feedback(s, user_id="amy", kind="up")
        record_quiz_score(s, user_id="amy", set_name="qa-plan", asked=10, correct=8, created_at=utcnow())
    with db.session() as s:
        feedback = list_feedback(s)
        scores = list_quiz_scores(s)
    assert [f.kind for f in feedback] == ["text", "up"] and PHONE not in feedback[0].text
    assert [(x.user_id, x.set_name, x.asked, x.correct) for x in scores] == [("amy", "qa-plan", 10, 8)]
    db.dispose()


def test_purge_removes_old_records_and_keeps_pending_work(db_url):  # noqa: F811
    db = open_database(db_url)
    old = utcnow() - timedelta(days=200)
    with db.session() as s:
        save_exchange(s, conversation_id="wecom:old", user_id="old", user_text="旧问题", reply_text="旧答复")
        save_exchange(s, conversation_id="wecom:new", user_id="new", user_text="新问题", reply_text="新答复")
        sent, pending = q.enqueue_replies(s, to_user="old", payloads=[{"content": "a"}, {"content": "b"}])
        q.mark_sent(s, outbox_id=sent)
        record_quiz_score(s, user_id="old", set_name="s", asked=1, correct=1, created_at=old)
    with db.session() as s:
        for row in s.scalars(select(MessageRow).where(MessageRow.conversation_id == "wecom:old")):
            row.created_at = old
        s.get(Conversation, "wecom:old").updated_at = old  # type: ignore[union-attr]
        for row in s.scalars(select(Outbox)):
            row.created_at = old
    with db.session() as s:
        result = purge_older_than(s, cutoff=utcnow() - timedelta(days=180))
    assert (result.messages, result.conversations, result.outbox, result.quiz_scores) == (2, 1, 1, 1)
    with db.session() as s:
        assert [c.id for c in s.scalars(select(Conversation))] == ["wecom:new"]
        assert [r.id for r in s.scalars(select(Outbox))] == [pending]  # an unsent reply is never purged
    db.dispose()
