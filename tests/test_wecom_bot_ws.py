"""The 智能机器人 long connection end to end: the real bot against the enforcing stand-in (tests/wecom_bot_stub.py),
on SQLite and on PostgreSQL."""

from __future__ import annotations

import base64
import io
import os
import time

import pytest
from docx import Document

from assistant.conversation import load_history
from assistant.factory import build_engine
from assistant.settings import Settings
from assistant.storage import open_database
from assistant.storage.records import list_feedback
from assistant.turn import Attachment, Turn
from connectors.wecom.formatting import format_reply
from connectors.wecom_bot.answer import conversation_id
from connectors.wecom_bot.protocol import parse_body
from connectors.wecom_bot.texts import bot_text
from tests.bot_harness import BotThread, GatedEngine, bot_settings
from tests.dbs import db_url, pg_url  # noqa: F401  (fixtures)
from tests.wecom_bot_http import LoopbackHttp, aes_encrypt
from tests.wecom_bot_stub import WsStub, event_body, text_body

QUESTION = "依申请公开多少个工作日内答复？"
DRAFT = (
    "关于2020年洱源县农村危房改造补助对象的公示\n"
    "经村民申请、村委会评议，现将补助对象公示如下：张三，身份证号532930199001011232，联系电话13987654321。\n"
    "公示期为7天。"
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    return build_engine(Settings(data_dir=tmp_path_factory.mktemp("bot") / "data", embedder="none"))


@pytest.fixture
def stub():
    with WsStub() as s:
        yield s


def expected(engine, body: dict, text: str) -> str:
    msg = parse_body(body)
    return format_reply(engine.respond(Turn(text=text, user_id=msg.user_id, conversation_id=conversation_id(msg))))


def poll(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return bool(predicate())


def history(db, conversation: str) -> tuple:
    with db.session() as s:
        return load_history(s, conversation)


def finished(stub: WsStub, rid: str, timeout: float = 20.0) -> bool:
    return stub.wait(lambda s: s.deliveries[rid].finished, timeout)


def test_single_chat_text_streams_and_finishes(settings, db_url, stub, engine):  # noqa: F811
    cfg = bot_settings(settings, db_url=db_url, ws_url=stub.url)
    with BotThread(cfg, engine) as bot:
        bot.wait_connected()
        body = text_body("alice", QUESTION)
        rid = stub.deliver(body)
        assert finished(stub, rid)
        d = stub.deliveries[rid]
        assert len(d.frames) >= 2
        assert [f["stream"]["finish"] for f in d.frames] == [False] * (len(d.frames) - 1) + [True]
        assert d.frames[0]["stream"]["content"] == bot_text("thinking")
        assert len({f["stream"]["id"] for f in d.frames}) == 1
        assert d.content == expected(engine, body, QUESTION)
        assert "20个工作日" in d.content
        assert stub.violations == [] and d.errors == [] and stub.pushes == []
        assert poll(lambda: [m.role for m in history(bot.db, "wecombot:user:alice")] == ["user", "assistant"])


def test_group_answers_only_when_mentioned_and_keeps_member_data_out(settings, db_url, stub, engine):  # noqa: F811
    cfg = bot_settings(settings, db_url=db_url, ws_url=stub.url)
    with BotThread(cfg, engine) as bot:
        bot.wait_connected()
        silent = stub.deliver(text_body("bob", QUESTION, group="wrGroup1"))
        mentioned = stub.deliver(text_body("bob", f"@政务公开助手 {QUESTION}", group="wrGroup1"))
        assert finished(stub, mentioned)
        assert stub.deliveries[mentioned].content == expected(engine, text_body("bob", QUESTION, group="wrGroup1"),
                                                               QUESTION)
        time.sleep(0.3)
        assert stub.deliveries[silent].frames == []
        # a draft with personal data: the group sees a note, the member gets the result privately
        stub.deliver(text_body("bob", "你好"))  # bob has a single chat with the bot, so it may push there
        draft = stub.deliver(text_body("bob", f"@政务公开助手 /属性 {DRAFT}", group="wrGroup1"))
        assert finished(stub, draft)
        assert stub.deliveries[draft].content == bot_text("group_private_note")
        assert stub.wait(lambda s: any(p["chatid"] == "bob" for p in s.pushes))
        private = next(p for p in stub.pushes if p["chatid"] == "bob")
        assert private["chat_type"] == 1 and "公开属性" in private["markdown"]["content"]
        # zoe never wrote to the bot in a single chat: nothing can reach her privately, the group is told so
        zoe = stub.deliver(text_body("zoe", f"@政务公开助手 /属性 {DRAFT}", group="wrGroup1"))
        assert finished(stub, zoe) and stub.deliveries[zoe].content == bot_text("group_private_unavailable")
        assert all("532930199001011232" not in d.content for d in stub.deliveries.values())
        stored = history(bot.db, "wecombot:group:wrGroup1:bob")
        assert stored and all("532930199001011232" not in m.text and "13987654321" not in m.text for m in stored)
        assert stub.violations == []


def test_same_msgid_twice_is_answered_once(settings, db_url, stub, engine):  # noqa: F811
    cfg = bot_settings(settings, db_url=db_url, ws_url=stub.url)
    with BotThread(cfg, engine) as bot:
        bot.wait_connected()
        body = text_body("carol", QUESTION, msgid="dup-msg-1")
        both = [stub.deliver(body), stub.deliver(body)]
        # the two records race on the msgid key (on PostgreSQL either insert may commit first): whichever
        # delivery wins is answered, the other gets nothing
        assert stub.wait(lambda s: any(s.deliveries[rid].finished for rid in both))
        time.sleep(0.5)
        answered = [rid for rid in both if stub.deliveries[rid].finished]
        assert len(answered) == 1 and stub.pushes == []
        assert [stub.deliveries[rid].frames for rid in both if rid not in answered] == [[]]


def test_socket_dropped_mid_stream_loses_no_answer_and_doubles_none(settings, db_url, stub, engine):  # noqa: F811
    gated = GatedEngine(engine)
    gated.gate.clear()
    cfg = bot_settings(settings, db_url=db_url, ws_url=stub.url)
    with BotThread(cfg, gated) as bot:
        bot.wait_connected()
        body = text_body("dave", QUESTION)
        rid = stub.deliver(body)
        assert stub.wait(lambda s: len(s.deliveries[rid].frames) == 1)  # the placeholder is out
        stub.drop()
        assert stub.wait(lambda s: s.subscribes == 2 and s.live())  # reconnected
        gated.gate.set()
        assert stub.wait(lambda s: len(s.pushes) == 1)
        time.sleep(0.5)
        assert len(stub.pushes) == 1 and not stub.deliveries[rid].finished
        assert stub.pushes[0]["markdown"]["content"] == expected(engine, body, QUESTION)
        assert stub.pushes[0]["chatid"] == "dave" and stub.pushes[0]["chat_type"] == 1
        assert gated.calls == 1 and stub.violations == []


def test_a_second_instance_takes_over_and_the_first_stands_down(settings, db_url, stub, engine):  # noqa: F811
    cfg = bot_settings(settings, db_url=db_url, ws_url=stub.url)
    with BotThread(cfg, engine) as first:
        first.wait_connected()
        body = text_body("erin", QUESTION, msgid="seen-by-first")
        assert finished(stub, stub.deliver(body))
        with BotThread(cfg, engine) as second:
            second.wait_connected()
            first.thread.join(5)
            assert not first.thread.is_alive() and first.bot.conn.taken_over  # respected, not fought
            again = stub.deliver(body)  # redelivered to the other instance: the database says answered
            fresh = stub.deliver(text_body("erin", "你好"))
            assert finished(stub, fresh)
            time.sleep(0.3)
            assert stub.deliveries[again].frames == [] and stub.subscribes == 2


def _docx(text: str) -> bytes:
    doc = Document()
    for line in text.split("\n"):
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_a_file_is_downloaded_decrypted_and_classified(settings, db_url, stub, engine):  # noqa: F811
    _file_turn(settings, db_url, stub, engine)


@pytest.mark.parametrize("chunk_base", [0, 1])
def test_the_redacted_copy_uploads_whether_chunks_count_from_0_or_1(settings, tmp_path, engine, chunk_base):
    with WsStub(chunk_base=chunk_base) as stub:
        _file_turn(settings, f"sqlite:///{tmp_path / 'gongkai.db'}", stub, engine)


def _file_turn(settings, db_url, stub, engine) -> None:  # noqa: F811
    http = LoopbackHttp()
    try:
        key = os.urandom(32)
        data = _docx(DRAFT)
        url = http.add_media(aes_encrypt(key, data))
        body = text_body("frank", "")
        body.update(msgtype="file", file={"url": url, "aeskey": base64.b64encode(key).decode()})
        del body["text"]
        cfg = bot_settings(settings, db_url=db_url, ws_url=stub.url)
        with BotThread(cfg, engine) as bot:
            bot.wait_connected()
            rid = stub.deliver(body)
            assert finished(stub, rid)
            want = format_reply(engine.respond(Turn(text="", user_id="frank", conversation_id="wecombot:user:frank",
                                                    attachment=Attachment(filename="文件.docx", data=data))))
            assert stub.deliveries[rid].content == want
            assert "公开属性建议" in want
            # then, as in the 自建应用 channel, the same .docx with the personal data masked
            assert stub.wait(lambda s: any(p["msgtype"] == "file" for p in s.pushes))
            push = next(p for p in stub.pushes if p["msgtype"] == "file")
            name, copy = stub.media[push["file"]["media_id"]]
            text = "\n".join(p.text for p in Document(io.BytesIO(copy)).paragraphs)
            assert name == "文件-删减.docx" and push["chatid"] == "frank" and push["chat_type"] == 1
            assert "532930199001011232" not in text and "13987654321" not in text and "公示期为7天" in text
            assert stub.violations == []
    finally:
        http.close()


def test_welcome_and_thumbs_up_event(settings, db_url, stub, engine):  # noqa: F811
    cfg = bot_settings(settings, db_url=db_url, ws_url=stub.url)
    with BotThread(cfg, engine) as bot:
        bot.wait_connected()
        rid = stub.deliver(event_body("gina", "enter_chat"), event=True)
        assert finished(stub, rid, timeout=5)  # the stand-in refuses a welcome after 5 s
        d = stub.deliveries[rid]
        assert d.frames[0]["msgtype"] == "text" and "政务公开助手" in d.content
        feedback = event_body("gina", "feedback_event", {"id": "s123", "type": 1})
        stub.deliver(feedback, event=True)
        stub.deliver(feedback, event=True)  # redelivered: stored once
        db = open_database(cfg.resolved_database_url)
        try:
            deadline = time.monotonic() + 10
            rows: list = []
            while time.monotonic() < deadline and not rows:
                with db.session() as s:
                    rows = list_feedback(s)
                time.sleep(0.05)
            time.sleep(0.3)
            with db.session() as s:
                rows = list_feedback(s)
        finally:
            db.dispose()
        assert [(r.user_id, r.kind) for r in rows] == [("gina", "up")]
        assert stub.violations == []


def test_gongkai_serve_runs_the_long_connection_and_proactive_messages_go_out(settings, db_url, stub, engine):  # noqa: F811
    import asyncio

    from tests.wecom_stub import LiveService

    cfg = bot_settings(settings, db_url=db_url, ws_url=stub.url)
    with LiveService(cfg) as svc:
        assert stub.wait(lambda s: s.live(), 30)
        rid = stub.deliver(text_body("mona", QUESTION))
        assert finished(stub, rid) and "20个工作日" in stub.deliveries[rid].content
        assert svc.app.state.wecom_bot.bot.conn.generation == 1
    assert stub.wait(lambda s: not s.live(), 10)  # the server's shutdown closed the connection
    with BotThread(cfg, engine) as bot_thread:
        bot_thread.wait_connected()
        send = bot_thread.bot.send_message
        assert asyncio.run_coroutine_threadsafe(send("mona", "**提醒**：明天到期"), bot_thread.loop).result(10)
        assert not asyncio.run_coroutine_threadsafe(send("stranger", "x"), bot_thread.loop).result(10)
        assert [p["chatid"] for p in stub.pushes] == ["mona"]
        assert stub.pushes[0]["msgtype"] == "markdown" and stub.pushes[0]["chat_type"] == 1
