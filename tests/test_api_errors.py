"""Bad HTTP input gets a Chinese message and the right status, never a 500 or a traceback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.app import create_app
from assistant.settings import Settings
from tests.signin import sign_in


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield sign_in(c)


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "message"),
    [
        ("post", "/api/ask", {"content": b"{bad json", "headers": {"content-type": "application/json"}}, 400, "JSON"),
        ("post", "/api/ask", {"json": {}}, 422, "question"),
        ("post", "/api/ask", {"json": {"question": "   "}}, 400, "内容为空"),
        ("post", "/api/ask", {"json": {"question": "问" * 300_000}}, 413, "内容过长"),
        ("post", "/api/classify", {"json": {"text": ""}}, 400, "内容为空"),
        ("get", "/api/duties", {"params": {"unit": "局"}}, 400, "请说明是哪一个单位"),
        ("get", "/api/duties", {"params": {"unit": "县统计局"}}, 404, "方案中未找到该单位"),
        ("get", "/api/deadline", {"params": {"received": "2021-02-30"}}, 400, "日期不存在"),
        ("get", "/api/deadline", {"params": {"received": "2019-05-14"}}, 400, "492"),
    ],
)
def test_bad_http_input(
    client: TestClient, method: str, path: str, kwargs: dict[str, object], status: int, message: str
) -> None:
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status
    error = response.json()["error"]
    assert message in error and "Traceback" not in error
