"""Sign-in state every process shares through the database: a signed-out cookie is refused when it is
replayed (to the same or another instance), and wrong passwords count across instances.

Two ``create_app`` instances on one database (SQLite and PostgreSQL) stand for two processes or
replicas: each has its own engine and its own middleware objects, so anything they agree on went
through the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.app import create_app
from assistant.auth.session import SESSION_COOKIE
from assistant.auth.store import add_user
from assistant.settings import Settings
from assistant.storage import open_database
from tests.dbs import db_url, pg_url  # noqa: F401  (fixtures)
from tests.signin import cookie_value

pytestmark = pytest.mark.slow  # two app instances per test
ORIGIN = {"origin": "http://testserver"}
PASSWORD = "correct horse battery"


@pytest.fixture
def two_instances(settings: Settings, db_url: str) -> Iterator[tuple[Settings, TestClient, TestClient]]:  # noqa: F811
    shared = settings.model_copy(update={"database_url": db_url})
    db = open_database(db_url)
    add_user(db, name="zhouyi", password=PASSWORD, is_admin=False)
    db.dispose()
    with TestClient(create_app(shared)) as one, TestClient(create_app(shared)) as two:
        yield shared, one, two


def _login(client: TestClient, password: str = PASSWORD) -> Any:
    return client.post("/auth/login", json={"username": "zhouyi", "password": password}, headers=ORIGIN)


def test_a_cookie_replayed_after_logout_is_refused_by_every_instance(two_instances) -> None:
    _settings, one, two = two_instances
    assert _login(one).status_code == 200
    cookie = one.cookies[SESSION_COOKIE]
    two.cookies.set(SESSION_COOKIE, cookie)  # the same cookie, copied to the other replica
    assert one.get("/auth/me").json()["user"] == "zhouyi" and two.get("/auth/me").json()["user"] == "zhouyi"
    assert one.post("/auth/logout", headers=ORIGIN).status_code == 200
    one.cookies.set(SESSION_COOKIE, cookie)  # replayed after logout
    assert one.get("/auth/me").status_code == 401
    assert two.get("/auth/me").status_code == 401
    assert two.post("/api/ask", json={"question": "依申请公开多少个工作日内答复"}, headers=ORIGIN).status_code == 401
    one.cookies.clear()
    assert _login(one).status_code == 200  # signing in again gives a new session that works
    assert one.get("/auth/me").json()["user"] == "zhouyi"


def test_logout_of_a_wecom_session_revokes_only_that_session(two_instances) -> None:
    shared, one, two = two_instances
    first, second = cookie_value(shared, "wangwu"), cookie_value(shared, "wangwu")  # two devices
    one.cookies.set(SESSION_COOKIE, first)
    two.cookies.set(SESSION_COOKIE, second)
    assert one.post("/auth/logout", headers=ORIGIN).status_code == 200
    one.cookies.set(SESSION_COOKIE, first)
    assert one.get("/auth/me").status_code == 401
    assert two.get("/auth/me").json() == {"user": "wangwu", "role": "member", "via": "wecom"}


def test_wrong_passwords_count_across_instances(two_instances) -> None:
    shared, one, two = two_instances
    limit = shared.auth.login_max_failures
    for i in range(limit):  # spread over both replicas, as a load balancer would
        assert _login(one if i % 2 else two, "wrong password 1").status_code == 401
    for client in (one, two):
        locked = _login(client)
        assert locked.status_code == 429 and "分钟后再试" in locked.json()["error"]


def test_a_right_password_clears_the_count_for_every_instance(two_instances) -> None:
    shared, one, two = two_instances
    for _ in range(shared.auth.login_max_failures - 1):
        assert _login(one, "wrong password 1").status_code == 401
    assert _login(two).status_code == 200
    for _ in range(shared.auth.login_max_failures - 1):
        assert _login(one, "wrong password 1").status_code == 401
    assert _login(one).status_code == 200  # the count started again after the good sign-in
