"""API tokens and local accounts through the real ``gongkai`` CLI, then used against the app:
create → works, revoke → refused; password sign-in, its cookie, and throttling of wrong passwords."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.app import create_app
from assistant.auth.session import SESSION_COOKIE
from assistant.cli.main import main
from assistant.settings import Settings

ORIGIN = {"origin": "http://testserver"}


def gongkai(settings: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env |= {"ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_EMBEDDER": "none"}
    cli = Path(sys.executable).with_name("gongkai")
    return subprocess.run([str(cli), *args], input=stdin, capture_output=True, text=True, env=env, timeout=120)


def add_user(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             *args: str, password: str = "correct horse battery") -> tuple[int, str]:
    """``gongkai user add …`` in this process (the subprocess path is covered by the token test)."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    code = main(["user", "add", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def test_token_create_list_revoke_through_the_cli(settings: Settings, client: TestClient) -> None:
    made = gongkai(settings, "token", "create", "--name", "门户对接")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("gk_") and len(token) > 40 and "只显示这一次" in made.stderr
    admin = gongkai(settings, "token", "create", "--name", "运维", "--admin").stdout.strip()
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"user": "token:门户对接", "role": "member", "via": "token"}
    assert client.get("/docs", headers={"Authorization": f"Bearer {token}"}).status_code == 403
    assert client.get("/docs", headers={"Authorization": f"Bearer {admin}"}).status_code == 200
    listed = gongkai(settings, "token", "list")
    assert "门户对接" in listed.stdout and "运维" in listed.stdout and token not in listed.stdout
    db_file = (settings.data_dir / "gongkai.db").read_bytes()
    assert token.encode() not in db_file  # stored hashed only
    revoked = gongkai(settings, "token", "revoke", "门户对接")
    assert revoked.returncode == 0 and "已吊销 1 个令牌" in revoked.stdout
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {admin}"}).status_code == 200
    again = gongkai(settings, "token", "revoke", "门户对接")
    assert again.returncode == 2 and "没有未吊销的令牌" in again.stderr and "Traceback" not in again.stderr


def test_token_name_is_checked(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    assert main(["token", "create", "--name", "a b"]) == 2  # a space
    assert "令牌名称只能由" in capsys.readouterr().err


def test_user_add_rejects_weak_passwords_and_duplicates(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = add_user(settings, monkeypatch, capsys, "wangwu", password="short")
    assert code == 2 and "密码太短" in out
    assert add_user(settings, monkeypatch, capsys, "wangwu")[0] == 0
    code, out = add_user(settings, monkeypatch, capsys, "wangwu")
    assert code == 2 and "已存在" in out
    assert "correct horse" not in (settings.data_dir / "gongkai.db").read_bytes().decode("latin-1")
    assert main(["user", "list"]) == 0 and "wangwu  成员" in capsys.readouterr().out


def test_local_sign_in_sets_a_strict_cookie_and_works_as_before(
    settings: Settings, client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert add_user(settings, monkeypatch, capsys, "liuliu", "--admin")[0] == 0
    login = client.post("/auth/login", json={"username": "liuliu", "password": "correct horse battery",
                                             "next": "//evil.example.com"}, headers=ORIGIN)
    assert login.status_code == 200 and login.json()["next"] == "/"  # never off-site
    cookie = login.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Max-Age=43200" in cookie and "Secure" not in cookie  # http in dev; https public URL adds Secure
    assert client.get("/auth/me").json() == {"user": "liuliu", "role": "admin", "via": "local"}
    answer = client.post("/api/ask", json={"question": "依申请公开多少个工作日内答复"}, headers=ORIGIN)
    assert answer.status_code == 200 and "工作日" in answer.json()["answer"]
    assert client.post("/auth/logout", headers=ORIGIN).status_code == 200
    assert client.get("/auth/me").status_code == 401


def test_removing_an_account_ends_its_session_at_once(
    settings: Settings, client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_user(settings, monkeypatch, capsys, "qianjiu", "--admin")
    body = {"username": "qianjiu", "password": "correct horse battery"}
    assert client.post("/auth/login", json=body, headers=ORIGIN).status_code == 200
    assert client.get("/docs").status_code == 200
    assert main(["user", "remove", "qianjiu"]) == 0 and "已删除" in capsys.readouterr().out
    assert client.get("/auth/me").status_code == 401  # the cookie is still well signed, the account is gone
    assert client.get("/docs", headers={"accept": "text/html"}, follow_redirects=False).status_code == 303


def test_login_from_another_site_is_refused(
    settings: Settings, client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_user(settings, monkeypatch, capsys, "zhaoqi")
    body = {"username": "zhaoqi", "password": "correct horse battery"}
    assert client.post("/auth/login", json=body, headers={"origin": "https://evil.example.com"}).status_code == 403
    assert client.post("/auth/login", json=body).status_code == 403  # neither Origin nor Referer


def test_wrong_passwords_lock_the_account_then_the_ip(
    settings: Settings, client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_user(settings, monkeypatch, capsys, "sunba")
    wrong = {"username": "sunba", "password": "wrong password 1"}
    for _ in range(settings.auth.login_max_failures):
        response = client.post("/auth/login", json=wrong, headers=ORIGIN)
        assert response.status_code == 401 and response.json()["error"] == "用户名或密码错误。"
    unknown = client.post("/auth/login", json={"username": "nobody", "password": "x" * 12}, headers=ORIGIN)
    assert unknown.json()["error"] == "用户名或密码错误。"  # same answer: no user enumeration
    right = {"username": "sunba", "password": "correct horse battery"}
    locked = client.post("/auth/login", json=right, headers=ORIGIN)
    assert locked.status_code == 429 and "分钟后再试" in locked.json()["error"]
    # one IP guessing across many accounts is stopped too (4× the per-account limit)
    for n in range(settings.auth.login_max_failures * 4):
        client.post("/auth/login", json={"username": f"guess{n}", "password": "x" * 12}, headers=ORIGIN)
    assert client.post("/auth/login", json={"username": "fresh", "password": "x" * 12},
                       headers=ORIGIN).status_code == 429
