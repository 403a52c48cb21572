"""The bot's pure pieces: mentions, the 20480-byte cap, body parsing, media decryption and type sniffing."""

from __future__ import annotations

import pytest

from connectors.wecom_bot.crypto import BotCrypto, Forbidden, decrypt_media
from connectors.wecom_bot.media import file_name, sniff_suffix
from connectors.wecom_bot.protocol import MAX_CONTENT_BYTES, BadBody, parse_body, strip_mentions, utf8_cap
from tests.wecom_bot_http import aes_encrypt


@pytest.mark.parametrize(("text", "want"), [
    ("@政务公开助手 依申请公开多少天？", ("依申请公开多少天？", True)),
    ("依申请公开多少天？@政务公开助手 ", ("依申请公开多少天？", True)),
    ("请 @RobotA 看一下", ("请 看一下", True)),
    ("发到 office@eryuan.gov.cn 可以吗", ("发到 office@eryuan.gov.cn 可以吗", False)),
    ("没有提到机器人", ("没有提到机器人", False)),
])
def test_mentions_are_stripped_and_addresses_kept(text, want):
    assert strip_mentions(text) == want


def test_content_is_capped_on_a_character_boundary_with_a_note():
    long = "政" * 10000  # 30000 bytes
    capped = utf8_cap(long)
    assert len(capped.encode("utf-8")) <= MAX_CONTENT_BYTES and capped.endswith("已省略。）")
    assert utf8_cap("短") == "短"


def test_bodies_parse_and_malformed_ones_are_refused():
    msg = parse_body({"msgid": "m1", "chattype": "group", "chatid": "G", "from": {"userid": "u"}, "msgtype": "mixed",
                      "mixed": {"msg_item": [{"msgtype": "text", "text": {"content": "@助手 你好"}},
                                             {"msgtype": "image", "image": {"url": "x"}}]}})
    assert (msg.text, msg.mentioned, msg.group, msg.push_target) == ("你好", True, True, ("G", 2))
    single = parse_body({"msgid": "m2", "from": {"userid": "u"}, "msgtype": "text", "chatid": "ignored",
                         "text": {"content": "hi"}})
    assert single.chat_id == "" and single.push_target == ("u", 1)
    for bad in (None, [], {"msgtype": "text"}, {"from": {"userid": "u"}}, {"from": "u", "msgtype": "text"}):
        with pytest.raises(BadBody):
            parse_body(bad)


def test_media_decrypts_and_rejects_tampering():
    key, wrong = bytes(range(32)), bytes(range(1, 33))  # fixed: a random wrong key pads correctly 1 time in ~256
    data = b"%PDF-1.4 test"
    assert decrypt_media(aes_encrypt(key, data), key) == data
    with pytest.raises(ValueError):
        decrypt_media(aes_encrypt(key, data), wrong)
    with pytest.raises(ValueError):
        decrypt_media(b"short", key)


def test_file_type_comes_from_the_header_or_the_content():
    assert file_name("attachment; filename*=UTF-8''%E5%85%AC%E7%A4%BA.docx", b"x") == "公示.docx"
    assert file_name("", b"%PDF-1.7") == "文件.pdf"
    assert sniff_suffix("公示内容".encode()) == ".txt"
    assert sniff_suffix(b"PK\x03\x04not a zip") == ""
    assert sniff_suffix(bytes(range(256))) == ""


@pytest.mark.parametrize("timestamp", ["9" * 400, "１７００００００００", "abc", ""])
def test_callback_timestamps_that_are_not_a_time_are_refused_not_crashed_on(timestamp):
    crypto = BotCrypto(token="tok", encoding_aes_key="a" * 43, clock=lambda: 1_700_000_000.0)
    with pytest.raises(Forbidden):
        crypto.verify_url("sig", timestamp, "nonce", "echo")
