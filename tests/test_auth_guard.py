"""The route guard over every route the app has (enumerated, so routes added later are covered),
roles, cookies that must not be accepted, Host checking, CSRF and the security headers."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.app import create_app
from assistant.auth.guard import PUBLIC_PATHS, is_admin_path
from assistant.auth.hosts import host_allowed
from assistant.auth.session import SESSION_COOKIE, Principal, session_secret, session_value
from assistant.settings import Settings
from knowledge.errors import ConfigError
from tests.signin import api_token, cookie_value


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


def _walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every route, descending into included routers (FastAPI wraps them lazily)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _walk(inner.routes, prefix + getattr(context, "prefix", ""))
            continue
        methods = getattr(route, "methods", None) or ()  # websocket routes have none
        path = prefix + re.sub(r"\{[^}]+\}", "x", getattr(route, "path", ""))
        yield from ((method, path) for method in sorted(methods) if method != "HEAD")


def _routes(client: TestClient) -> list[tuple[str, str]]:
    """(method, concrete path) for every HTTP route of the app, path parameters filled in."""
    return sorted(set(_walk(client.app.routes)))  # type: ignore[attr-defined]


def _guarded(client: TestClient) -> list[tuple[str, str]]:
    return [(m, p) for m, p in _routes(client) if p not in PUBLIC_PATHS]


def test_the_enumeration_sees_the_routes_we_know(client: TestClient) -> None:
    guarded = {p for _m, p in _guarded(client)}
    assert {"/", "/api/ask", "/api/classify", "/api/duties", "/docs", "/openapi.json", "/auth/me"} <= guarded
    assert "/health" not in guarded and "/wecom/callback" not in guarded


def test_every_non_public_route_refuses_anonymous_requests(client: TestClient) -> None:
    for method, path in _guarded(client):
        response = client.request(method, path, headers={"accept": "application/json"}, follow_redirects=False)
        assert response.status_code == 401, (method, path, response.status_code)
        assert "请先登录" in response.json()["error"]
        assert response.headers["www-authenticate"] == "Bearer"


def test_pages_redirect_anonymous_browsers_to_the_login_page(client: TestClient) -> None:
    pages = [p for m, p in _guarded(client) if m == "GET" and not p.startswith("/api/")]
    assert "/" in pages and "/docs" in pages
    for path in pages:
        response = client.get(path, headers={"accept": "text/html,*/*"}, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")
    login = client.get("/login")
    assert login.status_code == 200 and "请先登录" in login.text and "login.js" in login.text


def test_public_routes_need_no_sign_in(client: TestClient) -> None:
    assert client.get("/health").status_code == 200
    assert client.get("/static/login.js").status_code == 200 and client.get("/static/style.css").status_code == 200
    assert client.get("/auth/methods").json() == {"wecom": False, "local": True}
    assert client.post("/wecom/callback", content=b"<xml/>").status_code == 503  # unconfigured, not 401


def test_member_is_refused_admin_routes_and_admin_is_not(client: TestClient, settings: Settings) -> None:
    member, admin = api_token(settings, "member"), api_token(settings, "admin")
    admin_routes = [(m, p) for m, p in _guarded(client) if is_admin_path(p)]
    assert ("GET", "/docs") in admin_routes and ("GET", "/openapi.json") in admin_routes
    for method, path in admin_routes:
        refused = client.request(method, path, headers={"Authorization": f"Bearer {member}"})
        assert refused.status_code == 403 and "管理员" in refused.text, path
        allowed = client.request(method, path, headers={"Authorization": f"Bearer {admin}"})
        assert allowed.status_code not in (401, 403), path
    for method, path in _guarded(client):
        if not is_admin_path(path):  # a member may use everything else
            got = client.request(method, path, headers={"Authorization": f"Bearer {member}"})
            assert got.status_code not in (401, 403), (method, path, got.status_code)


def test_bad_tokens_are_refused(client: TestClient, settings: Settings) -> None:
    good = api_token(settings)
    for header in (f"Bearer {good[:-2]}xx", "Bearer gk_", "Basic dXNlcjpwYXNz", f"Token {good}", "Bearer"):
        assert client.get("/auth/me", headers={"Authorization": header}).status_code == 401, header
    # a wrong token does not fall back to a valid cookie
    client.cookies.set(SESSION_COOKIE, cookie_value(settings))
    assert client.get("/auth/me", headers={"Authorization": "Bearer gk_wrong"}).status_code == 401
    assert client.get("/auth/me").json()["user"] == "tester"


def test_forged_expired_and_tampered_cookies_are_refused(client: TestClient, settings: Settings) -> None:
    secret = session_secret(settings)
    member = Principal(user="lisi", role="member", via="wecom")
    body, signature = session_value(member, secret=secret, hours=1).split(".")
    admin_body = session_value(Principal("lisi", "admin", "wecom"), secret=secret, hours=1).split(".")[0]
    cases = {
        "another secret": session_value(member, secret=b"x" * 48, hours=1),
        "expired": session_value(member, secret=secret, hours=1, now=time.time() - 7200),
        "role changed": f"{admin_body}.{signature}",
        "signature cut": body + "." + signature[:-4],
        "no signature": body,
        "garbage": "%%%.%%%",
    }
    for name, value in cases.items():
        client.cookies.set(SESSION_COOKIE, value)
        assert client.get("/auth/me").status_code == 401, name
        assert client.get("/", headers={"accept": "text/html"}, follow_redirects=False).status_code == 303, name
    client.cookies.set(SESSION_COOKIE, f"{body}.{signature}")
    assert client.get("/auth/me").json() == {"user": "lisi", "role": "member", "via": "wecom"}


def test_wrong_host_is_refused(client: TestClient) -> None:
    for path in ("/health", "/api/ask", "/wecom/callback", "/login"):
        response = client.get(path, headers={"host": "evil.example.com"})
        assert response.status_code == 400, path
        assert "Host" in response.json()["error"] and "拒绝" in response.json()["error"], path


@pytest.mark.parametrize(("header", "allowed", "ok"), [
    ("gongkai.example.gov.cn", ["gongkai.example.gov.cn"], True),
    ("GONGKAI.example.gov.cn:443", ["gongkai.example.gov.cn"], True),
    ("a.example.gov.cn", ["*.example.gov.cn"], True),
    ("example.gov.cn.evil.com", ["*.example.gov.cn"], False),
    ("[::1]:8000", ["::1"], True),
    ("127.0.0.1:8000", ["gongkai.example.gov.cn"], False),
    (None, ["gongkai.example.gov.cn"], False),
    ("anything", ["*"], True),
])
def test_host_patterns(header: str | None, allowed: list[str], ok: bool) -> None:
    assert host_allowed(header, allowed) is ok


def test_prod_answers_only_to_the_public_host(settings: Settings) -> None:
    prod = settings.model_copy(update={"env": "prod", "auth": settings.auth.model_copy(
        update={"public_url": "https://gongkai.example.gov.cn", "allowed_hosts": ""})})
    with TestClient(create_app(prod), base_url="https://gongkai.example.gov.cn") as c:
        assert c.get("/health").status_code == 200
        assert c.get("/health", headers={"host": "127.0.0.1:8000"}).status_code == 400
        assert c.get("/health").headers["strict-transport-security"].startswith("max-age=")
    no_host = settings.model_copy(update={"env": "prod", "auth": settings.auth.model_copy(update={"allowed_hosts": ""})})
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        create_app(no_host)


def test_cookie_sessions_need_a_same_origin_request_for_unsafe_methods(client: TestClient, settings: Settings) -> None:
    client.cookies.set(SESSION_COOKIE, cookie_value(settings))
    body = {"question": "依申请公开多少个工作日内答复"}
    refused = {
        "no origin": {},
        "foreign origin": {"origin": "https://evil.example.com"},
        "foreign referer": {"referer": "https://evil.example.com/page"},
        "cross-site fetch": {"origin": "http://testserver", "sec-fetch-site": "cross-site"},
        "null origin": {"origin": "null"},
    }
    for name, headers in refused.items():
        response = client.post("/api/ask", json=body, headers=headers)
        assert response.status_code == 403 and "跨站请求" in response.json()["error"], name
    assert client.post("/api/ask", json=body, headers={"origin": "http://testserver"}).status_code == 200
    assert client.post("/api/ask", json=body, headers={"referer": "http://testserver/"}).status_code == 200
    client.cookies.clear()  # a token carries no ambient authority: no Origin needed
    token = {"Authorization": f"Bearer {api_token(settings)}"}
    assert client.post("/api/ask", json=body, headers=token).status_code == 200


def test_security_headers_on_pages_and_api(client: TestClient, settings: Settings) -> None:
    for response in (client.get("/login"), client.get("/health"), client.get("/api/ask")):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "strict-transport-security" not in response.headers  # plain http in dev


def test_roles_follow_the_admin_list_not_the_cookie(settings: Settings) -> None:
    listed = settings.model_copy(update={"auth": settings.auth.model_copy(update={"admins": "wangjuzhang"})})
    with TestClient(create_app(listed)) as c:
        c.cookies.set(SESSION_COOKIE, cookie_value(listed, "wangjuzhang", role="member"))
        assert c.get("/auth/me").json()["role"] == "admin" and c.get("/docs").status_code == 200
        c.cookies.set(SESSION_COOKIE, cookie_value(listed, "lisi", role="admin"))  # signed as admin, not listed
        assert c.get("/auth/me").json()["role"] == "member" and c.get("/docs").status_code == 403


@pytest.mark.parametrize("target", ["https://evil.example.com", "//evil.example.com", "/\\evil.example.com",
                                    "/\t/evil.example.com", "/\n/evil.example.com", "javascript:alert(1)", ""])
def test_sign_in_never_sends_the_browser_off_site(target: str) -> None:
    from connectors.web.login import safe_next

    assert safe_next(target) == "/"
    assert safe_next("/api/duties?unit=县卫健局") == "/api/duties?unit=县卫健局"
