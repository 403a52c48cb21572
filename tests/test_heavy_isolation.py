"""Heavy work cannot freeze the service: real uvicorn on loopback, WeCom callbacks encrypted for real.

A zip bomb is refused in under a second while a callback sent at the same time is acknowledged in
under 100 ms; bodies over the cap get 413 before they are read; a task past its time budget is
stopped (422) and the next request is served by a fresh worker; /api/* is rate limited per client.
"""

from __future__ import annotations

import io
import threading
import time
import zipfile

import httpx
import pytest

from assistant.settings import PoolSettings
from tests.signin import bearer, sign_in
from tests.wecom_stub import CallbackSender, LiveService, WeComStub, text_xml, wecom_settings

BOMB_BYTES = 300 * 1024 * 1024


def zip_bomb() -> bytes:
    """A .docx-shaped zip whose document.xml inflates to 300 MB (about 1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w") as entry:
            chunk = b" " * (1024 * 1024)
            for _ in range(BOMB_BYTES // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


@pytest.fixture(params=[30.0])
def live(request, settings, tmp_path):
    with WeComStub() as stub:
        cfg = wecom_settings(settings, db_url=f"sqlite:///{tmp_path / 'gongkai.db'}", base_url=stub.base_url)
        cfg = cfg.model_copy(update={"pool": PoolSettings(workers=1, timeout_seconds=request.param, warm=True)})
        with LiveService(cfg) as svc:
            svc.app.state.pool.warm()  # what `gongkai serve` does in the background at start
            svc.auth = bearer(cfg)  # a member's API token: /api/* needs a sign-in
            yield svc, stub


def _ack(svc: LiveService, wecom: CallbackSender, content: str) -> float:
    params, body = wecom.encrypt(text_xml("alice", content, wecom.next_id()))
    started = time.perf_counter()
    response = httpx.post(svc.url + "/wecom/callback", params=params, content=body, timeout=10)
    assert response.status_code == 200
    return time.perf_counter() - started


def test_zip_bomb_refused_fast_while_a_callback_is_acked(live) -> None:
    svc, stub = live
    bomb = zip_bomb()
    assert len(bomb) < 400 * 1024
    wecom = CallbackSender()
    _ack(svc, wecom, "你好")  # warm the ack path (first connection, first insert)
    quiet = sorted(_ack(svc, wecom, f"你好{i}") for i in range(5))[2]
    result: dict[str, object] = {}

    def upload() -> None:
        started = time.perf_counter()
        response = httpx.post(svc.url + "/api/classify", files={"file": ("草稿.docx", bomb)}, timeout=30, headers=svc.auth)
        result.update(status=response.status_code, body=response.json(), seconds=time.perf_counter() - started)

    thread = threading.Thread(target=upload)
    thread.start()
    time.sleep(0.05)  # the upload is in flight
    acks = [_ack(svc, wecom, f"依申请公开多少个工作日内答复？{i}") for i in range(5)]
    thread.join(timeout=30)
    assert result["status"] == 400 and "压缩炸弹" in str(result["body"])
    assert float(str(result["seconds"])) < 1.0, result
    # The median, against 100 ms or, on a machine so busy that even quiet acks are slower, twice the
    # quiet median: a blocked loop (the bug: 139 s) fails either way, another job's CPU share does not.
    during = sorted(acks)[len(acks) // 2]
    print(f"ack median: quiet {quiet * 1000:.0f} ms, during the bomb {during * 1000:.0f} ms; "
          f"bomb refused in {float(str(result['seconds'])) * 1000:.0f} ms")
    assert during < max(0.1, 2 * quiet), (quiet, acks)
    assert len(stub.wait_for("alice", 6, timeout=60)) >= 6  # and the answers still arrive


@pytest.mark.parametrize("live", [1.0], indirect=True)
def test_a_task_over_its_time_budget_is_stopped_and_the_next_one_is_served(live) -> None:
    svc, _ = live
    huge = ("政府信息公开申请的答复期限和主动公开的范围是什么，" * 20000)[:199_000]
    started = time.perf_counter()
    response = httpx.post(svc.url + "/api/ask", json={"question": huge}, timeout=30, headers=svc.auth)
    assert response.status_code == 422 and "上限" in response.json()["error"]
    assert time.perf_counter() - started < 5
    health = httpx.get(svc.url + "/health", timeout=5)
    assert health.status_code == 200
    ok = httpx.post(svc.url + "/api/ask", json={"question": "依申请公开多少个工作日内答复？"}, timeout=30, headers=svc.auth)
    assert ok.status_code == 200 and "20" in ok.json()["answer"]


def test_bodies_over_the_cap_get_413_before_they_are_read(live) -> None:
    svc, _ = live
    cap = 8 * 1024 * 1024
    declared = httpx.post(svc.url + "/api/ask", content=b"x" * (cap + 1), timeout=30,
                          headers={**svc.auth, "content-type": "application/json"})
    assert declared.status_code == 413 and "上限" in declared.json()["error"]

    def chunks():  # no Content-Length: counted as it streams
        for _ in range(cap // (1024 * 1024) + 2):
            yield b"{" * (1024 * 1024)

    streamed = httpx.post(svc.url + "/api/classify", content=chunks(), timeout=30,
                          headers={**svc.auth, "content-type": "application/json"})
    assert streamed.status_code == 413 and "上限" in streamed.json()["error"]
    multipart = httpx.post(svc.url + "/api/classify", files={"file": ("大.docx", b"P" * (cap + 10))}, timeout=30, headers=svc.auth)
    assert multipart.status_code == 413


def test_api_is_rate_limited_per_client(settings) -> None:
    from fastapi.testclient import TestClient

    from assistant.app import create_app

    cfg = settings.model_copy(update={"api_rate_per_minute": 3})
    with TestClient(create_app(cfg)) as client:
        sign_in(client)
        codes = [client.get("/api/deadline", params={"received": "2026-03-02"}).status_code for _ in range(4)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 429
        refused = client.get("/api/deadline", params={"received": "2026-03-02"})
        assert "请求过于频繁" in refused.json()["error"]
        assert client.get("/health").status_code == 200  # not limited
