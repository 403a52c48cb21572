"""The 智能机器人's callback mode end to end: WeCom played by tests/wecom_bot_http.py (its own AES and
signatures, stream-refresh polling, one-shot response_url) against the real routes under uvicorn."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from assistant.factory import build_engine
from assistant.settings import Settings
from assistant.storage import open_database
from assistant.storage.records import list_feedback
from assistant.turn import Attachment, Turn
from connectors.wecom.formatting import format_reply
from connectors.wecom_bot import router as bot_router
from connectors.wecom_bot.callback import CallbackBot
from connectors.wecom_bot.store import TurnStore
from connectors.wecom_bot.texts import bot_text
from tests.bot_harness import GatedEngine, bot_settings
from tests.dbs import db_url, pg_url  # noqa: F401  (fixtures)
from tests.test_wecom_bot_ws import DRAFT, QUESTION, _docx
from tests.wecom_bot_http import CallbackWeCom, LoopbackHttp, WeComCrypto, aes_encrypt
from tests.wecom_bot_stub import event_body, text_body
from tests.wecom_stub import LiveService

PATH = "/wecom/bot/callback"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    return build_engine(Settings(data_dir=tmp_path_factory.mktemp("botcb") / "data", embedder="none"))


@pytest.fixture
def http():
    server = LoopbackHttp()
    yield server
    server.close()


@contextlib.contextmanager
def bot_app(cfg: Settings, engine: Any, **options: Any) -> Iterator[tuple[str, CallbackBot]]:
    """The real router and CallbackBot under uvicorn, with test-sized windows."""
    db = open_database(cfg.resolved_database_url)
    bot = CallbackBot(settings=cfg, db=db, engine=engine, **options)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.wecom_bot = bot
        await bot.start()
        yield
        await bot.stop()

    app = FastAPI(lifespan=lifespan)
    app.include_router(bot_router.router)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}{PATH}", bot
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        db.dispose()


def with_response_url(body: dict[str, Any], http: LoopbackHttp) -> dict[str, Any]:
    return {**body, "response_url": http.response_url()}


def test_gongkai_serve_verifies_the_url_and_streams_an_answer(settings, db_url, http, engine):  # noqa: F811
    cfg = bot_settings(settings, db_url=db_url, mode="callback")
    with LiveService(cfg) as svc:
        wecom = CallbackWeCom(svc.url + PATH)
        assert wecom.verify() < 1.0
        conv = wecom.converse(with_response_url(text_body("alice", QUESTION), http))
        assert conv.finished and len(conv.frames) >= 2
        assert conv.frames[0] == bot_text("thinking")
        want = format_reply(engine.respond(Turn(text=QUESTION, user_id="alice", conversation_id="wecombot:user:alice")))
        assert conv.content == want
        assert wecom.violations == [] and http.posts() == []  # the refresh delivered it: response_url unused
        # bad signature / garbage: 403 / 400, never a 500
        wrong = CallbackWeCom(svc.url + PATH, crypto=WeComCrypto(token="another-token"))
        assert wrong.post(text_body("alice", QUESTION))[0] == 403
        assert httpx.post(svc.url + PATH, content=b"not json").status_code == 400


def test_group_mentions_duplicates_and_events(settings, db_url, http, engine):  # noqa: F811
    gated = GatedEngine(engine)
    cfg = bot_settings(settings, db_url=db_url, mode="callback")
    with bot_app(cfg, gated) as (url, bot):
        wecom = CallbackWeCom(url)
        status, reply = wecom.post(text_body("bob", QUESTION, group="wrG1"))
        assert status == 200 and reply is None  # not mentioned: an empty body, no answer
        conv = wecom.converse(text_body("bob", f"@政务公开助手 {QUESTION}", group="wrG1"))
        assert conv.finished and "20个工作日" in conv.content
        calls = gated.calls
        body = text_body("bob", QUESTION, msgid="dup-cb-1")
        first, second = wecom.converse(body), wecom.converse(body)  # WeCom retried the same msgid
        assert first.content == second.content and first.stream_id == second.stream_id and gated.calls == calls + 1
        # a draft with personal data in a group: a note only (callback mode cannot write to the member privately)
        draft = wecom.converse(text_body("bob", f"@政务公开助手 /属性 {DRAFT}", group="wrG1"))
        assert draft.content == bot_text("group_private_unavailable")
        _, welcome = wecom.post(event_body("bob", "enter_chat"))
        assert welcome is not None and welcome["msgtype"] == "text" and "政务公开助手" in welcome["text"]["content"]
        assert wecom.post(event_body("bob", "feedback_event", {"id": first.stream_id, "type": 2,
                                                               "inaccurate_reason_list": [2]}))[1] is None
        with bot.db.session() as s:
            assert [(r.kind, "内容不完整" in r.text) for r in list_feedback(s)] == [("down", True)]
        assert wecom.violations == []


def test_a_late_answer_goes_once_through_response_url(settings, db_url, http, engine):  # noqa: F811
    gated = GatedEngine(engine)
    gated.gate.clear()
    cfg = bot_settings(settings, db_url=db_url, mode="callback")
    with bot_app(cfg, gated, window_seconds=1.0) as (url, _bot):
        wecom = CallbackWeCom(url, window=1.0)
        conv = wecom.converse(with_response_url(text_body("carol", QUESTION), http))
        assert not conv.finished and set(conv.frames) == {bot_text("thinking")}  # WeCom gave up polling
        gated.gate.set()
        deadline = time.monotonic() + 10
        while not http.posts() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        posts = http.posts()
        assert len(posts) == 1 and posts[0]["msgtype"] == "markdown" and "20个工作日" in posts[0]["markdown"]["content"]
        assert http.state.refused == []


def test_a_file_is_classified_and_a_dead_instances_turn_is_taken_over(settings, db_url, http, engine):  # noqa: F811
    cfg = bot_settings(settings, db_url=db_url, mode="callback")
    crypto = WeComCrypto()
    data = _docx(DRAFT)
    body = text_body("dave", "")
    del body["text"]
    body.update(msgtype="file", file={"url": http.add_media(aes_encrypt(crypto.key, data))})
    with bot_app(cfg, engine) as (url, bot):
        conv = CallbackWeCom(url).converse(body)
        want = format_reply(engine.respond(Turn(text="", user_id="dave", conversation_id="wecombot:user:dave",
                                                attachment=Attachment(filename="文件.docx", data=data))))
        assert conv.finished and conv.content == want and "公开属性建议" in want
        # a turn recorded by a process that died before answering: the next refresh is answered here
        from connectors.wecom_bot.protocol import parse_body

        dead = TurnStore(bot.db, lease_seconds=0)
        stream_id = "s" + os.urandom(8).hex()
        assert dead.record(parse_body(text_body("erin", QUESTION)), kind="text", stream_id=stream_id) is not None
        wecom = CallbackWeCom(url)
        for _ in range(100):
            _, reply = wecom.post({**text_body("erin", ""), "msgtype": "stream", "stream": {"id": stream_id}})
            assert reply is not None and reply["stream"]["id"] == stream_id
            if reply["stream"]["finish"]:
                break
            time.sleep(0.05)
        assert "20个工作日" in reply["stream"]["content"]


def test_two_instances_behind_a_proxy_answer_each_message_once(settings, db_url, engine):  # noqa: F811
    gated_a, gated_b = GatedEngine(engine), GatedEngine(engine)
    cfg = bot_settings(settings, db_url=db_url, mode="callback")
    with bot_app(cfg, gated_a) as (url_a, _a), bot_app(cfg, gated_b) as (url_b, _b):
        a, b = CallbackWeCom(url_a), CallbackWeCom(url_b)
        body = text_body("nina", QUESTION, msgid="both-instances-1")
        _, first = a.post(body)
        _, retry = b.post(body)  # WeCom's retry reached the other instance
        assert first is not None and retry is not None and retry["stream"]["id"] == first["stream"]["id"]
        stream_id = first["stream"]["id"]
        for _ in range(200):  # refreshes alternate between the instances
            _, reply = (a if _ % 2 else b).post({**text_body("nina", ""), "msgtype": "stream", "stream": {"id": stream_id}})
            assert reply is not None
            if reply["stream"]["finish"]:
                break
            time.sleep(0.02)
        assert "20个工作日" in reply["stream"]["content"]
        assert gated_a.calls + gated_b.calls == 1
