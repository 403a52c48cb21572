"""WeCom sign-in over real HTTP: the app on a loopback port, the browser side played by httpx following
redirects, WeCom played by a loopback stand-in (authorize pages, gettoken, auth/getuserinfo)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from assistant.auth.store import add_user
from assistant.settings import Settings
from tests.test_web_page import CHROMIUM, CHROMIUM_ARGS
from tests.wecom_oauth_stub import WeComOAuthStub
from tests.wecom_stub import LiveService, wecom_settings

DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0"
IN_WECOM = "Mozilla/5.0 (Linux; Android 14) MQQBrowser/6.2 wxwork/4.1.30 MicroMessenger/7.0.1"


@pytest.fixture
def signin(settings: Settings) -> Iterator[tuple[LiveService, WeComOAuthStub]]:
    with WeComOAuthStub() as stub:
        auth = settings.auth.model_copy(update={
            "admins": "wangjuzhang", "wecom_authorize_url": stub.url + "/connect/oauth2/authorize",
            "wecom_qr_login_url": stub.url + "/wwlogin/sso/login"})
        cfg = wecom_settings(settings, db_url=settings.resolved_database_url, base_url=stub.url + "/cgi-bin/")
        with LiveService(cfg.model_copy(update={"auth": auth})) as svc:
            yield svc, stub


def browser(svc: LiveService, agent: str) -> httpx.Client:
    return httpx.Client(base_url=svc.url, headers={"user-agent": agent, "accept": "text/html"},
                        follow_redirects=True, timeout=30)


def hops(response: httpx.Response) -> list[str]:
    return [str(r.url.copy_with(query=None, fragment=None)) for r in response.history]


def test_desktop_browser_signs_in_by_qr_code_and_gets_the_chat_page(signin: Any) -> None:
    svc, stub = signin
    with browser(svc, DESKTOP) as client:
        first = client.get("/")
        assert first.url.path == "/login" and "用企业微信登录" in first.text  # desktop: the login page
        assert client.get("/auth/methods").json()["wecom"] is True
        done = client.get("/auth/wecom", params={"next": "/?q=1"})
        assert stub.url + "/wwlogin/sso/login" in hops(done)  # 扫码登录, not the in-client page
        assert done.status_code == 200 and done.url.path == "/" and done.url.query == b"q=1"
        assert "政务公开助手" in done.text and 'id="input"' in done.text
        assert client.get("/auth/me").json() == {"user": "zhangsan", "role": "member", "via": "wecom"}
        assert client.get("/docs").status_code == 403  # members are not admins
        answer = client.post("/api/ask", json={"question": "依申请公开多少个工作日内答复"},
                             headers={"origin": svc.url, "accept": "application/json"})
        assert answer.status_code == 200 and "工作日" in answer.json()["answer"]
    assert stub.paths() == ["/cgi-bin/gettoken", "/cgi-bin/auth/getuserinfo"]


def test_inside_the_wecom_client_sign_in_is_silent(signin: Any) -> None:
    svc, stub = signin
    stub.state.user = "wangjuzhang"  # listed in ASSISTANT_AUTH__ADMINS
    with browser(svc, IN_WECOM) as client:
        page = client.get("/docs")  # → /login → /auth/wecom → 网页授权 → callback → /docs
        assert stub.url + "/connect/oauth2/authorize" in hops(page) and svc.url + "/login" in hops(page)
        assert page.status_code == 200 and page.url.path == "/docs"
        assert client.get("/auth/me").json()["role"] == "admin"
        cookie = next(c for c in client.cookies.jar if c.name == "gongkai_session")
        assert cookie.has_nonstandard_attr("HttpOnly") and not cookie.secure


def test_code_replay_forged_state_and_outsiders_are_refused(signin: Any) -> None:
    svc, stub = signin
    with browser(svc, DESKTOP) as client:
        start = client.get("/auth/wecom", follow_redirects=False)
        to_wecom = client.get(start.headers["location"], follow_redirects=False)
        callback = to_wecom.headers["location"]
        assert client.get(callback).url.path == "/"  # signed in once
        client.cookies.clear()
        replay = client.get(callback)  # the same code and state again
        assert replay.url.path == "/login" and replay.url.params["error"] == "state"
        client.get("/auth/wecom", follow_redirects=False)  # a fresh state cookie, with the old state in the URL
        mismatch = client.get(callback)
        assert mismatch.url.path == "/login" and mismatch.url.params["error"] == "state"
        assert client.get("/auth/me", headers={"accept": "application/json"}).status_code == 401
    stub.state.member = False  # a WeChat user outside the corp gets an openid, no UserID
    # desktop: the button; inside the client: by itself — and then the page with its message, no loop
    for agent, start in ((DESKTOP, "/auth/wecom"), (IN_WECOM, "/")):
        with browser(svc, agent) as client:
            outsider = client.get(start)
            assert outsider.url.path == "/login" and outsider.url.params["error"] == "member", agent
            assert "用企业微信登录" in outsider.text
            assert client.get("/auth/me", headers={"accept": "application/json"}).status_code == 401


def test_a_used_code_cannot_sign_in_again(signin: Any) -> None:
    svc, stub = signin
    with browser(svc, DESKTOP) as client:
        start = client.get("/auth/wecom", follow_redirects=False)
        callback = client.get(start.headers["location"], follow_redirects=False).headers["location"]
        state_cookie = client.cookies["gongkai_oauth"]
        assert client.get(callback).url.path == "/"
        client.cookies.clear()
        client.cookies.set("gongkai_oauth", state_cookie, path="/auth/wecom")  # the attacker kept both
        again = client.get(callback)
        assert again.url.path == "/login" and again.url.params["error"] == "code"


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_in_chromium_the_login_page_signs_in_both_ways_and_the_chat_works(signin: Any) -> None:
    from playwright.sync_api import sync_playwright

    svc, _stub = signin
    add_user(svc.app.state.db, name="zhouyi", password="correct horse battery", is_admin=False)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(svc.url + "/")
        assert page.url.startswith(svc.url + "/login") and "请先登录" in page.inner_text("header")
        page.fill("#username", "zhouyi")
        page.fill("#password", "wrong password!")
        page.click("#login-submit")
        page.wait_for_selector("#login-error:not([hidden])")
        assert page.inner_text("#login-error") == "用户名或密码错误。"
        page.fill("#password", "correct horse battery")
        page.click("#login-submit")
        page.wait_for_selector("#session .who")
        assert page.inner_text("#session .who") == "已登录：zhouyi"
        page.click("#session .logout")
        page.wait_for_url(svc.url + "/login")
        page.click("#wecom-button")  # → 扫码登录 at the stand-in → back, signed in
        page.wait_for_selector("#session .who")
        assert page.inner_text("#session .who") == "已登录：zhangsan"
        page.fill("#input", "依申请公开多少个工作日内答复？")
        page.press("#input", "Enter")
        page.wait_for_selector(".msg.assistant .answer-text, .msg.error", timeout=60_000)
        assert page.locator(".msg.error").count() == 0, page.locator(".msg.error").all_inner_texts()
        assert "工作日" in page.locator(".msg.assistant .answer-text").last.inner_text()
        browser.close()
