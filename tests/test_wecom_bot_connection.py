"""The long connection's lifecycle against the stand-in: heartbeat, reconnect, refused credentials, the
stand-in's own rules, limits per member, restart, and ``gongkai bot`` stopping on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from pydantic import SecretStr
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from assistant.storage import open_database
from connectors.wecom_bot.connection import SubscribeFailed
from connectors.wecom_bot.protocol import parse_body
from connectors.wecom_bot.store import TurnStore
from tests.bot_harness import BotThread, GatedEngine, bot_settings
from tests.test_wecom_bot_ws import QUESTION, engine, finished  # noqa: F401  (fixture)
from tests.wecom_bot_stub import BOT_ID, BOT_SECRET, INVALID_REQ_ID, LATE, WsStub, event_body, text_body


def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'gongkai.db'}"


def test_heartbeat_keeps_the_connection_and_a_silent_client_is_dropped_and_reconnects(settings, tmp_path, engine):  # noqa: F811
    cfg = None
    with WsStub(heartbeat_timeout=1.5) as stub:
        cfg = bot_settings(settings, db_url=sqlite_url(tmp_path), ws_url=stub.url)
        with BotThread(cfg, engine, heartbeat_seconds=0.15) as bot:
            bot.wait_connected()
            time.sleep(2.0)
            assert stub.subscribes == 1 and stub.closed_for_heartbeat == 0
        with BotThread(cfg, engine, heartbeat_seconds=30) as bot:  # no ping in time: the server closes
            assert stub.wait(lambda s: s.closed_for_heartbeat >= 1 and s.subscribes >= 3 and s.live(), 10)


def test_unanswered_pings_make_the_client_reconnect(settings, tmp_path, engine):  # noqa: F811
    with WsStub(ack_pings=False) as stub:
        cfg = bot_settings(settings, db_url=sqlite_url(tmp_path), ws_url=stub.url)
        with BotThread(cfg, engine, heartbeat_seconds=0.1):
            assert stub.wait(lambda s: s.subscribes >= 2, 10)
        assert stub.closed_for_heartbeat == 0


def test_refused_credentials_stop_after_five_tries(settings, tmp_path, engine):  # noqa: F811
    with WsStub() as stub:
        cfg = bot_settings(settings, db_url=sqlite_url(tmp_path), ws_url=stub.url, secret=SecretStr("wrong"))
        with BotThread(cfg, engine) as bot:
            bot.thread.join(20)
            assert isinstance(bot.error, SubscribeFailed) and bot.error.errcode != 0
        assert stub.subscribes == 0


def test_the_stand_in_enforces_subscribe_first_req_ids_and_the_welcome_window():
    async def scenario(stub: WsStub) -> list[int]:
        async with connect(stub.url) as ws:  # a frame before subscribe: closed
            await ws.send(json.dumps({"cmd": "ping", "headers": {"req_id": "p1"}}))
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 2)
        codes = []
        async with connect(stub.url) as ws:
            await ws.send(json.dumps({"cmd": "aibot_subscribe", "headers": {"req_id": "s1"},
                                      "body": {"bot_id": BOT_ID, "secret": BOT_SECRET}}))
            assert json.loads(await ws.recv())["errcode"] == 0
            for body, event in ((text_body("ivy", "hi"), False), (event_body("ivy", "enter_chat"), True)):
                await asyncio.to_thread(lambda b=body, e=event: stub.deliver(b, event=e))
                rid = json.loads(await ws.recv())["headers"]["req_id"]
                wrong = "aibot_respond_welcome_msg" if not event else "aibot_respond_msg"
                await ws.send(json.dumps({"cmd": wrong, "headers": {"req_id": rid},
                                          "body": {"msgtype": "text", "text": {"content": "x"}}}))
                codes.append(json.loads(await ws.recv())["errcode"])
            await asyncio.sleep(stub.welcome_window + 0.1)
            await ws.send(json.dumps({"cmd": "aibot_respond_welcome_msg", "headers": {"req_id": rid},
                                      "body": {"msgtype": "text", "text": {"content": "late"}}}))
            codes.append(json.loads(await ws.recv())["errcode"])
        return codes

    with WsStub(welcome_window=0.3) as stub:
        assert asyncio.run(scenario(stub)) == [INVALID_REQ_ID, INVALID_REQ_ID, LATE]
        assert any("aibot_subscribe" in v for v in stub.violations)


def test_at_most_three_messages_per_member_in_flight(settings, tmp_path, engine):  # noqa: F811
    gated = GatedEngine(engine)
    gated.gate.clear()
    with WsStub() as stub:
        cfg = bot_settings(settings, db_url=sqlite_url(tmp_path), ws_url=stub.url)
        with BotThread(cfg, gated, threads=8) as bot:
            bot.wait_connected()
            rids = [stub.deliver(text_body("jack", f"{QUESTION}{i}")) for i in range(4)]
            other = stub.deliver(text_body("kate", QUESTION))
            deadline = time.monotonic() + 10
            while gated.calls < 4 and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.5)
            assert gated.calls == 4  # jack's three and kate's one; jack's fourth waits
            gated.gate.set()
            assert all(finished(stub, rid) for rid in [*rids, other])


def test_a_turn_left_by_a_dead_process_is_answered_after_restart(settings, tmp_path, engine):  # noqa: F811
    with WsStub() as stub:
        cfg = bot_settings(settings, db_url=sqlite_url(tmp_path), ws_url=stub.url)
        db = open_database(cfg.resolved_database_url)
        try:
            body = text_body("liam", QUESTION)
            assert TurnStore(db, lease_seconds=0).record(parse_body(body), kind="text", stream_id="s-dead") is not None
            stub.known_chats.add(("liam", 1))  # liam wrote before the crash
            with BotThread(cfg, engine, db=db):
                assert stub.wait(lambda s: len(s.pushes) == 1, 10)
                time.sleep(0.5)
            assert len(stub.pushes) == 1 and "20个工作日" in stub.pushes[0]["markdown"]["content"]
        finally:
            db.dispose()


@pytest.mark.slow
def test_gongkai_bot_stops_cleanly_on_sigterm(tmp_path):
    with WsStub() as stub:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
        env.update(ASSISTANT_DATA_DIR=str(tmp_path / "data"), ASSISTANT_EMBEDDER="none",
                   ASSISTANT_WECOM_BOT__BOT_ID=BOT_ID, ASSISTANT_WECOM_BOT__SECRET=BOT_SECRET,
                   ASSISTANT_WECOM_BOT__WS_URL=stub.url)
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli.main", "bot"], env=env,
                                stderr=subprocess.PIPE, text=True)
        try:
            assert stub.wait(lambda s: s.live(), 60)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(20) == 0
            assert stub.wait(lambda s: not s.live(), 5)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert "Traceback" not in (proc.stderr.read() if proc.stderr else "")


def test_a_stop_during_the_back_off_ends_it_at_once(settings, tmp_path, engine):  # noqa: F811
    cfg = bot_settings(settings, db_url=sqlite_url(tmp_path), ws_url="ws://127.0.0.1:9")  # nothing listens
    with BotThread(cfg, engine, backoff_base=30.0) as bot:
        time.sleep(0.5)
        started = time.monotonic()
        bot.stop()
        assert not bot.thread.is_alive() and time.monotonic() - started < 5
        assert bot.bot.conn.reconnects >= 1 and bot.error is None
