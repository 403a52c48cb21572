"""WeCom: a .docx sent as a file message is answered with the suggestion and the redacted .docx as a file
message (media/upload, then message/send msgtype=file) — real service, real crypto, loopback WeCom API."""

from __future__ import annotations

import io

import docx
import pytest

from tests.dbs import db_url, pg_url  # noqa: F401  (fixtures)
from tests.test_cli_redact import PERSONAL, PUBLIC, all_text, build_draft, formatting
from tests.wecom_stub import CallbackSender, LiveService, WeComStub, file_xml, wecom_settings

CALLBACK = "/wecom/callback"


@pytest.fixture
def stub():
    with WeComStub() as s:
        yield s


def _send_file(svc: LiveService, wecom: CallbackSender, user: str, media_id: str, name: str) -> int:
    import httpx

    params, body = wecom.encrypt(file_xml(user, media_id, name, wecom.next_id()))
    return httpx.post(svc.url + CALLBACK, params=params, content=body, timeout=10).status_code


def test_docx_file_gets_the_suggestion_then_the_redacted_docx(settings, db_url, stub, tmp_path):  # noqa: F811
    source = build_draft(tmp_path / "补助名单.docx")
    stub.add_media("media-9", "补助名单.docx", source.read_bytes())
    cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url)
    with LiveService(cfg) as svc:
        assert _send_file(svc, CallbackSender(), "mary", "media-9", "补助名单.docx") == 200
        got = stub.wait_for("mary", 2, timeout=60)
        while got and got[-1]["msgtype"] != "file" and len(got) < 10:
            got = stub.wait_for("mary", len(got) + 1, timeout=20)
    texts = [m["content"] for m in got if m["msgtype"] != "file"]
    files = [m for m in got if m["msgtype"] == "file"]
    assert texts and "此件" in texts[0] and "审核" in "".join(texts)  # the suggestion, with the reminder
    assert len(files) == 1 and got[-1] is files[0]  # the file comes after the suggestion
    assert files[0]["filename"] == "补助名单-删减.docx"
    redacted = docx.Document(io.BytesIO(files[0]["data"]))
    text = all_text(redacted)
    assert [p for p in PERSONAL if p in text] == [] and all(p in text for p in PUBLIC)
    assert formatting(redacted) == formatting(docx.Document(str(source)))
    assert all(p not in "".join(texts) for p in ("532930196804123314", "6217008159083016618"))


def test_a_failed_upload_is_said_in_one_line_and_the_suggestion_still_arrives(settings, db_url, stub, tmp_path):  # noqa: F811
    source = build_draft(tmp_path / "名单.docx")
    stub.add_media("media-10", "名单.docx", source.read_bytes())
    cfg = wecom_settings(settings, db_url=db_url, base_url=stub.base_url)
    stub.state.tokens.clear()
    with LiveService(cfg) as svc:
        original = stub.upload
        stub.upload = lambda *a: {"errcode": 40006, "errmsg": "invalid media size"}  # type: ignore[method-assign]
        try:
            assert _send_file(svc, CallbackSender(), "nina", "media-10", "名单.docx") == 200
            got = stub.wait_for("nina", 2, timeout=60)
            while "发送删减后的文件失败" not in got[-1]["content"] and len(got) < 10:
                got = stub.wait_for("nina", len(got) + 1, timeout=20)
        finally:
            stub.upload = original  # type: ignore[method-assign]
    assert all(m["msgtype"] != "file" for m in got)
    assert "此件" in got[0]["content"] and "发送删减后的文件失败" in got[-1]["content"]
