"""Malformed input on every route is a 4xx with a Chinese message, never a 500 or a traceback.

The classes the probe found: a 400-digit timestamp, a lone surrogate (JSON "\\ud800"), 100k-deep
JSON, dates near year 9999, and a signed callback whose sender is a list ("a|b") or "@all".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.app import create_app
from tests.signin import sign_in
from tests.wecom_stub import CallbackSender, LiveService, WeComStub, text_xml, wecom_settings

JSON = {"content-type": "application/json"}
DEEP = "[" * 100_000 + "]" * 100_000
CJK = re.compile(r"[\u4e00-\u9fff]")


def _json(body: str) -> dict[str, object]:
    return {"content": body.encode(), "headers": JSON}


CASES = [
    ("post", "/api/ask", _json(DEEP)),
    ("post", "/api/ask", _json('{"question": "\\ud800"}')),
    ("post", "/api/ask", _json('{"question": "/分类 公示\\udfff张三"}')),
    ("post", "/api/ask", _json('{"question": "9999年12月31日收到的申请哪天到期"}')),
    ("post", "/api/ask", _json('{"question": "依申请", "history": [{"role": "user", "text": "\\ud83d"}]}')),
    ("post", "/api/classify", _json(DEEP)),
    ("post", "/api/classify", _json('{"text": "公示\\ud800张三"}')),
    ("post", "/api/classify", _json('{"text": "公示", "title": "\\udfff"}')),
    ("get", "/api/deadline", {"params": {"received": "9999-12-31"}}),
    ("get", "/api/deadline", {"params": {"received": "9999-12-31", "extend": "true"}}),
    ("get", "/api/deadline", {"params": {"received": "2026-01-05", "corrected": "9999-12-31"}}),
    ("get", "/api/deadline", {"params": {"received": "2026-01-05", "third_party_days": "9" * 400}}),
    ("get", "/api/deadline", {"params": {"received": "1" * 400}}),
    ("get", "/api/deadline?received=%ED%A0%80", {}),
    ("post", "/api/deadline", _json(DEEP)),
    ("post", "/api/deadline", _json('{"received": "\\ud800"}')),
    ("post", "/api/deadline", {"json": {"received": "9999-12-30"}}),
    ("post", "/api/deadline", {"json": {"received": "2026-01-05", "third_party_days": int("9" * 400)}}),
    ("get", "/api/period", {"params": {"kind": "review", "start": "9999-12-31"}}),
    ("get", "/api/period", {"params": {"kind": "disclosure", "start": "9999-12-31"}}),
    ("get", "/api/period", {"params": {"kind": "annual_report", "start": "9" * 400}}),
    ("get", "/api/period?kind=%ED%A0%80&start=2026-01-01", {}),
    ("get", "/api/duties?unit=%ED%A0%80", {}),
    ("get", "/api/ask", {}),
    ("get", "/no/such/page", {}),
]


@pytest.fixture
def client(settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield sign_in(c)


@pytest.mark.parametrize(("method", "path", "kwargs"), CASES, ids=[f"{m} {p} {i}" for i, (m, p, _) in enumerate(CASES)])
def test_malformed_api_input_is_a_4xx_in_chinese(client: TestClient, method: str, path: str, kwargs) -> None:
    response = getattr(client, method)(path, **kwargs)
    assert 400 <= response.status_code < 500, response.text[:200]
    error = response.json()["error"]
    assert CJK.search(error) and "Traceback" not in error


@pytest.fixture
def live(settings, tmp_path):
    with WeComStub() as stub:
        cfg = wecom_settings(settings, db_url=f"sqlite:///{tmp_path / 'gongkai.db'}", base_url=stub.base_url)
        with LiveService(cfg) as svc:
            yield svc, stub


def test_callback_timestamps_and_senders_that_cannot_be_right(live) -> None:
    svc, stub = live
    url = svc.url + "/wecom/callback"
    huge = {"msg_signature": "a", "timestamp": "9" * 400, "nonce": "1"}
    assert httpx.get(url, params={**huge, "echostr": "x"}, timeout=10).status_code == 403
    assert httpx.post(url, params=huge, content=b"<xml/>", timeout=10).status_code in (400, 403)
    wecom = CallbackSender()
    for sender in ("a|b", "@all", "alice bob", "x" * 65):
        params, body = wecom.encrypt(text_xml(sender, "依申请公开多少个工作日内答复？", wecom.next_id()))
        response = httpx.post(url, params=params, content=body, timeout=10)
        assert response.status_code == 400 and CJK.search(response.text)
    params, body = wecom.encrypt(text_xml("alice", "依申请公开多少个工作日内答复？", wecom.next_id()))
    assert httpx.post(url, params=params, content=body, timeout=10).status_code == 200
    stub.wait_for("alice", 1)
    assert {m["touser"] for m in stub.messages()} == {"alice"}  # nothing went to a list or to everyone
