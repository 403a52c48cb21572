"""Delivery through the outbox: API failures and recovery, token refresh, restart, two app instances,
the per-user rate limit, and the 503 when WeCom is not configured. SQLite and PostgreSQL."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from assistant.storage import open_database
from assistant.storage import queue as q
from tests.dbs import db_url, pg_url  # noqa: F401  (fixtures)
from tests.wecom_stub import CallbackSender, LiveService, WeComStub, text_xml, wecom_settings

CALLBACK = "/wecom/callback"
QUESTION = "依申请公开的答复期限是多少？"


def _send(svc: LiveService, wecom: CallbackSender, user: str, content: str, msg_id: str | None = None) -> int:
    params, body = wecom.encrypt(text_xml(user, content, msg_id or wecom.next_id()))
    return httpx.post(svc.url + CALLBACK, params=params, content=body, timeout=10).status_code


def _settle(stub: WeComStub, seconds: float = 1.5) -> None:
    """Wait until nothing new has arrived for ``seconds``: a doubled reply would show up by then."""
    last, stable_since = -1, time.monotonic()
    while time.monotonic() - stable_since < seconds:
        n = len(stub.messages())
        if n != last:
            last, stable_since = n, time.monotonic()
        time.sleep(0.05)


def test_api_failing_then_recovering_loses_and_doubles_nothing(settings, db_url):  # noqa: F811
    with WeComStub() as stub:
        cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url)
        wecom = CallbackSender()
        stub.fail_next("45009", "500", "drop", "500", "45009", "drop", "drop", "500")
        with LiveService(cfg) as svc:
            users = [f"user{i}" for i in range(6)]
            with ThreadPoolExecutor(6) as pool:
                codes = list(pool.map(lambda u: _send(svc, wecom, u, QUESTION), users))
            assert codes == [200] * 6
            for user in users:
                assert len(stub.wait_for(user, 1, timeout=30)) >= 1
            _settle(stub)
            counts = {u: len(stub.messages(u)) for u in users}
        assert len(set(counts.values())) == 1, counts  # same question -> same number of parts, none doubled
        assert stub.state.send_calls > len(stub.messages())  # the failures really happened
        assert stub.state.duplicates_suppressed == 0


def test_expired_token_is_refreshed_once(settings, db_url):  # noqa: F811
    with WeComStub() as stub:
        cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url)
        wecom = CallbackSender()
        with LiveService(cfg) as svc:
            assert _send(svc, wecom, "judy", QUESTION) == 200
            first = stub.wait_for("judy", 1)
            assert stub.state.token_fetches == 1
            stub.expire_tokens()  # the next message/send gets errcode 42001
            assert _send(svc, wecom, "judy", "政务公开的主管部门是哪个？") == 200
            assert len(stub.wait_for("judy", len(first) + 1)) > len(first)
            assert stub.state.token_fetches == 2


def test_a_reply_fails_only_when_its_delivery_budget_runs_out_and_keeps_only_masked_text(settings, db_url):  # noqa: F811
    with WeComStub() as stub:
        cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url, delivery_budget_seconds=1.5)
        wecom = CallbackSender()
        stub.fail_next(*["500"] * 200)
        with LiveService(cfg) as svc:
            assert _send(svc, wecom, "ken", "/分类 公示：张三，身份证号532930199001011232。") == 200
            deadline = time.monotonic() + 90  # a busy CI machine
            failed: list = []
            while time.monotonic() < deadline and not failed:
                with svc.app.state.db.session() as s:
                    failed = q.list_outbox(s, failed_only=True)
                time.sleep(0.1)
            assert failed and failed[0].to_user == "ken" and "HTTP" in (failed[0].last_error or "")
            assert failed[0].attempts >= 2  # not a fixed count: as many tries as fit in the budget
            assert "532930199001011232" not in failed[0].payload and "****" in failed[0].payload
            assert stub.messages("ken") == []
            with stub.lock:
                stub.state.faults.clear()  # WeCom is back
            with svc.app.state.db.session() as s:  # gongkai outbox --retry
                assert q.requeue_failed(s) == len(failed)
            assert stub.wait_for("ken", 1, timeout=90)  # WeCom is back: the masked reply arrives


def test_pending_replies_are_delivered_after_a_restart(settings, db_url):  # noqa: F811
    with WeComStub() as stub:
        cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url, retry_base_seconds=0.5)
        wecom = CallbackSender()
        stub.fail_next(*["drop"] * 1000)  # WeCom unreachable while the first process runs
        with LiveService(cfg) as svc:
            assert _send(svc, wecom, "leo", QUESTION) == 200
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and stub.state.send_calls < 2:
                time.sleep(0.05)
        assert stub.messages("leo") == []
        with stub.lock:
            stub.state.faults.clear()
        db = open_database(db_url)
        with db.session() as s:
            assert q.count_by_status(s).get("pending", 0) >= 1
        db.dispose()
        with LiveService(cfg):
            assert len(stub.wait_for("leo", 1, timeout=20)) >= 1
            _settle(stub)
        with LiveService(cfg):  # a third start sends nothing again
            _settle(stub, 1.0)
        assert len({m["content"] for m in stub.messages("leo")}) == len(stub.messages("leo"))


def test_two_app_instances_sharing_a_database_answer_a_msgid_once(settings, db_url):  # noqa: F811
    with WeComStub() as stub:
        cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url)
        wecom = CallbackSender()
        with LiveService(cfg) as one, LiveService(cfg) as two:
            msg_ids = [wecom.next_id() for _ in range(5)]
            jobs = [(svc, f"mia{i}", mid) for i, mid in enumerate(msg_ids) for svc in (one, two, one, two)]
            with ThreadPoolExecutor(8) as pool:
                codes = list(pool.map(lambda j: _send(j[0], wecom, j[1], QUESTION, j[2]), jobs))
            assert set(codes) == {200}
            per_user = {f"mia{i}": stub.wait_for(f"mia{i}", 1) for i in range(5)}
            _settle(stub)
        counts = {u: len(stub.messages(u)) for u in per_user}
        assert len(set(counts.values())) == 1 and min(counts.values()) >= 1, counts


def test_rate_limit_queues_the_rest_and_tells_the_user_once(settings, db_url):  # noqa: F811
    with WeComStub() as stub:
        cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url, rate_per_minute=4)
        wecom = CallbackSender()
        with LiveService(cfg) as svc:
            for i in range(7):
                assert _send(svc, wecom, "nina", f"第{i}个问题：政务公开的主管部门是哪个？") == 200
            got = stub.wait_for("nina", 4)
            _settle(stub)
            got = stub.messages("nina")
            with svc.app.state.db.session() as s:
                pending = [r for r in q.list_outbox(s) if r.to_user == "nina" and r.status == "pending"]
        assert len(got) == 4
        assert sum("稍候" in m["content"] for m in got) == 1  # told once
        assert pending  # the rest wait in the outbox for the next minute


def test_callback_answers_503_when_wecom_is_not_configured(settings):
    with LiveService(settings) as svc:
        assert httpx.post(svc.url + CALLBACK, content=b"<xml/>").status_code == 503
        assert httpx.get(svc.url + CALLBACK).status_code == 503
        assert httpx.get(svc.url + "/health").status_code == 200
