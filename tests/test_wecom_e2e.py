"""End to end: the real service on a loopback port, WeCom's API played by a loopback stub, callbacks
encrypted exactly as WeCom sends them. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from docx import Document

from assistant.factory import build_engine
from assistant.turn import Attachment, Turn
from connectors.wecom.formatting import format_reply, split_message
from tests.dbs import db_url, pg_url  # noqa: F401  (fixtures)
from tests.wecom_stub import (
    CallbackSender,
    LiveService,
    WeComStub,
    event_xml,
    file_xml,
    media_xml,
    text_xml,
    wecom_settings,
)

CALLBACK = "/wecom/callback"
DRAFT = (
    "关于2020年洱源县农村危房改造补助对象的公示\n"
    "经村民申请、村委会评议，现将补助对象公示如下：张三，身份证号532930199001011232，联系电话13987654321。\n"
    "公示期为7天。"
)


@pytest.fixture
def stub():
    with WeComStub() as s:
        yield s


def post(svc: LiveService, params: dict[str, str], body: bytes) -> httpx.Response:
    return httpx.post(svc.url + CALLBACK, params=params, content=body, timeout=10)


def expected_parts(settings, turn: Turn) -> list[str]:
    return split_message(format_reply(build_engine(settings).respond(turn)))


def send_text(svc: LiveService, wecom: CallbackSender, user: str, content: str) -> httpx.Response:
    params, body = wecom.encrypt(text_xml(user, content, wecom.next_id()))
    return post(svc, params, body)


def test_question_draft_file_and_other_types_are_answered(settings, db_url, stub):  # noqa: F811
    cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url)
    wecom = CallbackSender()
    with LiveService(cfg) as svc:
        question = "依申请公开多少个工作日内答复？"
        assert send_text(svc, wecom, "alice", question).status_code == 200
        got = stub.wait_for("alice", 1)
        want = expected_parts(settings, Turn(text=question, user_id="alice", conversation_id="wecom:alice"))
        assert [m["content"] for m in stub.wait_for("alice", len(want))] == want

        assert send_text(svc, wecom, "bob", DRAFT).status_code == 200
        want = expected_parts(settings, Turn(text=DRAFT, user_id="bob", conversation_id="wecom:bob"))
        got = stub.wait_for("bob", len(want))
        assert [m["content"] for m in got] == want
        assert "532930199001011232" not in _stored_texts(svc)  # masked before storage

        data = _docx(DRAFT)
        stub.add_media("media-1", "公示稿.docx", data)
        params, body = wecom.encrypt(file_xml("carol", "media-1", "../../公示稿.docx", wecom.next_id()))
        assert post(svc, params, body).status_code == 200
        turn = Turn(text="", user_id="carol", conversation_id="wecom:carol",
                    attachment=Attachment(filename="公示稿.docx", data=data))
        want = expected_parts(settings, turn)
        got = stub.wait_for("carol", len(want) + 1)  # the suggestion, then the redacted .docx (test_wecom_file.py)
        assert [m["content"] for m in got if m["msgtype"] != "file"] == want and got[-1]["msgtype"] == "file"

        params, body = wecom.encrypt(media_xml("dave", "image", wecom.next_id()))
        assert post(svc, params, body).status_code == 200
        [reply] = stub.wait_for("dave", 1)
        assert "暂不支持图片" in reply["content"] and ".docx" in reply["content"]

        params, body = wecom.encrypt(event_xml("erin", "enter_agent", 1_700_000_000))
        assert post(svc, params, body).status_code == 200
        [welcome] = stub.wait_for("erin", 1)
        assert "政务公开" in welcome["content"]

        assert send_text(svc, wecom, "alice", "👍").status_code == 200
        assert "感谢" in stub.wait_for("alice", len(got) + 1)[-1]["content"]
        assert send_text(svc, wecom, "judy", "/反馈 第二条答复不准确，请回电13987654321").status_code == 200
        assert "感谢" in stub.wait_for("judy", 1)[0]["content"]

        stub.add_media("media-2", "台账.xlsx", b"PK\x03\x04")
        params, body = wecom.encrypt(file_xml("ken", "media-2", "台账.xlsx", wecom.next_id()))
        assert post(svc, params, body).status_code == 200
        assert "暂不支持“.xlsx”格式" in stub.wait_for("ken", 1)[0]["content"]
        params, body = wecom.encrypt(file_xml("liz", "expired-media", "通知.docx", wecom.next_id()))
        assert post(svc, params, body).status_code == 200  # media/get answers errcode 40007 with HTTP 200
        assert "获取文件失败" in stub.wait_for("liz", 1)[0]["content"]
        feedback = _feedback(svc)
    assert ("text", "第二条答复不准确，请回电139****4321") in feedback and ("up", "") in feedback
    for message in stub.messages():
        assert message["bytes"] <= 2048


def _docx(text: str) -> bytes:
    doc = Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _feedback(svc: LiveService) -> list[tuple[str, str]]:
    from assistant.storage.records import list_feedback

    with svc.app.state.db.session() as s:
        return [(f.kind, f.text) for f in list_feedback(s)]


def _stored_texts(svc: LiveService) -> str:
    from sqlalchemy import select

    from assistant.storage.models import MessageRow

    with svc.app.state.db.session() as s:
        return "\n".join(s.scalars(select(MessageRow.text)).all())


def test_duplicates_and_replays_are_answered_once(settings, db_url, stub):  # noqa: F811
    cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url)
    wecom = CallbackSender()
    with LiveService(cfg) as svc:
        msg_id = wecom.next_id()
        xml = text_xml("frank", "政务公开的主管部门是哪个？", msg_id)
        for _ in range(3):  # WeCom's retries: same MsgId, new nonce each time
            assert post(svc, *wecom.encrypt(xml)).status_code == 200
        msg_id2 = wecom.next_id()
        xml2 = text_xml("grace", "政务公开的主管部门是哪个？", msg_id2)
        requests_ = [wecom.encrypt(xml2) for _ in range(3)]
        with ThreadPoolExecutor(3) as pool:
            codes = list(pool.map(lambda pb: post(svc, *pb).status_code, requests_))
        assert codes == [200, 200, 200]
        params, body = wecom.encrypt(text_xml("heidi", "第一问", wecom.next_id()))
        assert post(svc, params, body).status_code == 200
        assert post(svc, params, body).status_code == 200  # replay of the very same signed request: ignored
        for _ in range(2):  # events dedupe on FromUserName + CreateTime
            assert post(svc, *wecom.encrypt(event_xml("ivan", "enter_agent", 1_700_000_123))).status_code == 200
        first = {u: stub.wait_for(u, 1) for u in ("frank", "grace", "heidi", "ivan")}
        import time

        time.sleep(1.5)  # anything doubled would have arrived by now
        for user, msgs in first.items():
            assert len(stub.messages(user)) == len(msgs), user
            assert len(stub.messages(user)) >= 1


def test_bad_requests_are_rejected_without_processing(settings, db_url, stub):  # noqa: F811
    cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url)
    wecom = CallbackSender()
    with LiveService(cfg) as svc:
        params = wecom.echo("echo-12345")
        verify = httpx.get(svc.url + CALLBACK, params=params)
        assert (verify.status_code, verify.text) == (200, "echo-12345")
        forged = dict(params, msg_signature="0" * 40)
        assert httpx.get(svc.url + CALLBACK, params=forged).status_code == 403

        params, body = wecom.encrypt(text_xml("mallory", "你好", wecom.next_id()))
        assert post(svc, dict(params, msg_signature="f" * 40), body).status_code == 403
        stale, stale_body = wecom.encrypt(text_xml("mallory", "你好", wecom.next_id()), timestamp=1_600_000_000)
        assert post(svc, stale, stale_body).status_code == 403
        assert post(svc, params, b"<xml><Encrypt>abc").status_code == 400
        assert post(svc, params, b"not xml at all").status_code == 400
        assert post(svc, params, b"<xml><ToUserName>x</ToUserName></xml>").status_code == 400
        bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                b"<xml><Encrypt>&lol3;</Encrypt></xml>")
        assert post(svc, params, bomb).status_code == 400
        big = b"<xml><Encrypt>" + b"A" * (1024 * 1024) + b"</Encrypt></xml>"
        assert post(svc, params, big).status_code == 413
        chunked = httpx.post(svc.url + CALLBACK, params=params, content=iter([big[:40_000]] * 3), timeout=10)
        assert chunked.status_code == 413  # no Content-Length: counted while reading
        # a correctly signed envelope whose ciphertext is garbage
        from connectors.wecom.crypto import signature
        from tests.wecom_stub import TOKEN

        ts, nonce = params["timestamp"], "nonce-garbage"
        garbage = "bm90LWEtcmVhbC1jaXBoZXJ0ZXh0"
        good_sig = {"msg_signature": signature(TOKEN, ts, nonce, garbage), "timestamp": ts, "nonce": nonce}
        assert post(svc, good_sig, f"<xml><Encrypt>{garbage}</Encrypt></xml>".encode()).status_code == 400
        assert httpx.get(svc.url + "/health").status_code == 200
    assert stub.messages("mallory") == []


def test_message_not_recorded_is_answered_when_wecom_retries(settings, db_url, stub, monkeypatch):  # noqa: F811
    """Database hiccup on the first delivery: 503, and WeCom's identical retry is not taken for a replay."""
    from sqlalchemy.exc import OperationalError

    from connectors.wecom.service import WeComService

    real_accept = WeComService.accept
    calls = {"n": 0}

    async def flaky_accept(self, msg):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("INSERT INTO inbound", {}, Exception("database is locked"))
        return await real_accept(self, msg)

    monkeypatch.setattr(WeComService, "accept", flaky_accept)
    cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url)
    wecom = CallbackSender()
    with LiveService(cfg) as svc:
        params, body = wecom.encrypt(text_xml("olga", "政务公开的主管部门是哪个？", wecom.next_id()))
        assert post(svc, params, body).status_code == 503
        assert post(svc, params, body).status_code == 200  # the same signed request, retried by WeCom
        assert len(stub.wait_for("olga", 1)) >= 1


def test_a_follow_up_reads_what_the_engine_said_not_the_markdown_sent(settings, db_url, stub):  # noqa: F811
    """WeCom gets a bold label and a quoted 依据 line; the conversation keeps the engine's own text, so "为什么"
    after a classification resolves as it does on the page, in gongkai chat and in the eval."""
    cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url)
    wecom = CallbackSender()
    with LiveService(cfg) as svc:
        assert send_text(svc, wecom, "mia", "这个文件能不能公开：" + DRAFT).status_code == 200
        [first] = stub.wait_for("mia", 1)
        assert first["content"].startswith("**公开属性建议**")
        assert send_text(svc, wecom, "mia", "为什么？").status_code == 200
        why = stub.wait_for("mia", 2)[-1]["content"]
        assert "理由如下" in why and "没有找到" not in why
        assert "**公开属性建议**" not in _stored_texts(svc)
