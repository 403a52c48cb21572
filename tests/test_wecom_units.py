"""The WeCom connector's pieces: splitting, formatting, parsing, rate limit, crypto checks, media download."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from assistant.turn import Reply
from connectors.wecom.api import WeComApi
from connectors.wecom.crypto import CallbackVerifier, Forbidden, Malformed, Replayed
from connectors.wecom.formatting import format_reply, split_message, strip_cdata_end, utf8_len
from connectors.wecom.limiter import backoff, next_slot
from connectors.wecom.parse import sanitize_filename, to_inbound
from knowledge.errors import TooLarge, UpstreamError
from knowledge.types import Source
from tests.wecom_stub import AES_KEY, AGENT_ID, CORP_ID, SECRET, TOKEN, CallbackSender, WeComStub, text_xml


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("短消息。", 2048, ["短消息。"]),
        ("第一段。\n\n第二段。", 15, ["第一段。", "第二段。"]),  # 12 bytes each: split at the paragraph
        ("一句话。二句话。三句话。", 24, ["一句话。二句话。", "三句话。"]),  # at sentence ends
        ("甲乙丙丁戊", 7, ["甲乙", "丙丁", "戊"]),  # 3-byte characters never cut in half
        ("😀😀😀", 5, ["😀", "😀", "😀"]),
        ("", 2048, []),
    ],
)
def test_split_message_table(text: str, limit: int, expected: list[str]) -> None:
    assert split_message(text, limit) == expected


def test_long_reply_splits_under_2048_bytes_and_keeps_everything() -> None:
    text = "\n\n".join(["根据方案，" + "政务公开工作要点。" * 60] * 5) + "\n\n" + "无标点长文" * 500
    parts = split_message(text)
    assert len(parts) > 1 and all(utf8_len(p) <= 2048 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_cdata_terminator_never_survives() -> None:
    reply = Reply(text="代码片段 ]]> 结束", sources=[])
    assert "]]>" not in format_reply(reply) and "]]>" not in strip_cdata_end("a]]>b]]>")


def test_reply_has_a_bold_label_and_cites_sources() -> None:
    source = Source(title="政府信息公开条例", section="第三十三条", text="……", score=1.0)
    text = format_reply(Reply(text="应当自收到申请之日起20个工作日内予以答复。", sources=[source]))
    assert text.startswith("**答复**") and "《政府信息公开条例》第三十三条" in text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("../../etc/passwd.docx", "passwd.docx"), ("C:\\a\\公示稿.docx", "公示稿.docx"),
     ("a\x00b<>.txt", "a_b__.txt"), ("", "未命名文件"), ("x" * 300 + ".pdf", "x" * 90 + ".pdf")],
)
def test_file_names_are_sanitized(raw: str, expected: str) -> None:
    assert sanitize_filename(raw) == expected


def test_parse_messages_and_events() -> None:
    base = {"FromUserName": "amy", "CreateTime": "1700000000"}
    assert to_inbound({**base, "MsgType": "text", "Content": "你好", "MsgId": "7"}).key == "msg:7"  # type: ignore[union-attr]
    event = to_inbound({**base, "MsgType": "event", "Event": "enter_agent"})
    assert event is not None and (event.key, event.kind) == ("evt:amy:1700000000", "welcome")
    assert to_inbound({**base, "MsgType": "event", "Event": "subscribe"}) is None
    assert to_inbound({**base, "MsgType": "voice", "MsgId": "8"}).kind == "unsupported"  # type: ignore[union-attr]
    with pytest.raises(Malformed):
        to_inbound({"MsgType": "text"})


def test_rate_limit_slot_and_backoff() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0)
    sent = [now - timedelta(seconds=s) for s in (50, 40, 30)]
    assert next_slot(sent, now=now, limit=4) is None
    assert next_slot(sent, now=now, limit=3) == now + timedelta(seconds=10)  # the oldest leaves the window
    delays = [backoff(n, base=2.0) for n in range(1, 12)]
    assert all(0 < d <= 300 for d in delays) and delays[0] <= 2.0


def test_verifier_rejects_stale_forged_and_replayed_requests() -> None:
    verifier = CallbackVerifier(token=TOKEN, encoding_aes_key=AES_KEY, corp_id=CORP_ID)
    wecom = CallbackSender()
    params, body = wecom.encrypt(text_xml("amy", "你好", "1"))
    args = (params["msg_signature"], params["timestamp"], params["nonce"])
    assert "<Content><![CDATA[你好]]></Content>" in verifier.decrypt(body, *args)
    with pytest.raises(Replayed):
        verifier.decrypt(body, *args)
    stale, stale_body = wecom.encrypt(text_xml("amy", "你好", "2"), timestamp=int(time.time()) - 301)
    with pytest.raises(Forbidden):
        verifier.decrypt(stale_body, stale["msg_signature"], stale["timestamp"], stale["nonce"])
    other = CallbackVerifier(token="another-token", encoding_aes_key=AES_KEY, corp_id=CORP_ID)
    fresh, fresh_body = wecom.encrypt(text_xml("amy", "你好", "3"))
    with pytest.raises(Forbidden):
        other.decrypt(fresh_body, fresh["msg_signature"], fresh["timestamp"], fresh["nonce"])
    wrong_corp = CallbackVerifier(token=TOKEN, encoding_aes_key=AES_KEY, corp_id="ww-other")
    with pytest.raises(Malformed):  # InvalidCorpIdException: a message for another corp
        wrong_corp.decrypt(fresh_body, fresh["msg_signature"], fresh["timestamp"], fresh["nonce"])


def test_media_download_checks_errcode_and_size() -> None:
    with WeComStub() as stub:
        api = WeComApi(corp_id=CORP_ID, secret=SECRET, agent_id=AGENT_ID, base_url=stub.base_url, timeout=2)
        stub.add_media("m1", "a.txt", "公示内容".encode())
        assert api.download_media("m1", max_bytes=1024) == "公示内容".encode()
        with pytest.raises(UpstreamError):  # HTTP 200 with {"errcode": 40007}
            api.download_media("missing", max_bytes=1024)
        stub.add_media("big", "b.pdf", b"x" * 5000)
        with pytest.raises(TooLarge):
            api.download_media("big", max_bytes=4096)


def test_released_request_is_not_a_replay() -> None:
    verifier = CallbackVerifier(token=TOKEN, encoding_aes_key=AES_KEY, corp_id=CORP_ID)
    params, body = CallbackSender().encrypt(text_xml("amy", "你好", "9"))
    args = (params["msg_signature"], params["timestamp"], params["nonce"])
    verifier.decrypt(body, *args)
    verifier.release(*args)
    assert "你好" in verifier.decrypt(body, *args)
    with pytest.raises(Replayed):
        verifier.decrypt(body, *args)
