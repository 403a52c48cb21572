"""The register's admin page: admin-only API, and in a real headless Chromium: add, filter, event, timeline."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings
from tests.signin import browser_cookie
from tests.test_web_page import _browser, needs_chromium


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """"boss" is an administrator (roles are decided from the settings on every request)."""
    return settings.model_copy(update={"auth": settings.auth.model_copy(update={"admins": "boss"})})


def test_register_api_is_admin_only(authed_client: TestClient) -> None:
    assert authed_client.get("/api/admin/apps").status_code == 403
    assert authed_client.get("/admin/apps").status_code in (302, 303, 403)


def test_register_api_for_an_admin(admin_client: TestClient) -> None:
    c = admin_client
    r = c.post("/api/admin/apps", json={"received": "2026-02-13", "channel": "online", "applicant_type": "自然人",
                                         "content": "县道养护合同", "name": "张三", "handler": "wang"})
    assert r.status_code == 200 and r.json()["due"] == "2026-03-19" and r.json()["applicant"] == "张*"
    bad = c.post("/api/admin/apps/1/events", json={"kind": "reply", "date": "2026-03-01", "outcome": "不予公开"})
    assert bad.status_code == 400 and "须写明理由" in bad.json()["error"]
    ok = c.post("/api/admin/apps/1/events", json={"kind": "extend", "date": "2026-03-10", "person": "李主任"})
    assert ok.status_code == 200 and ok.json()["current_due"] == "2026-04-17"
    assert [a["id"] for a in c.get("/api/admin/apps", params={"status": "extended", "today": "2026-03-12"}).json()] == [1]
    assert c.get("/api/admin/apps", params={"status": "replied"}).json() == []
    assert c.get("/api/admin/apps", params={"status": "overdue", "today": "2026-04-20"}).json()[0]["id"] == 1
    assert c.get("/api/admin/apps/9").status_code == 404


@pytest.mark.browser
@needs_chromium
def test_register_page_add_event_filter_timeline(live_url: str, settings: Settings) -> None:
    from playwright.sync_api import sync_playwright

    from tools.deadlines import compute_deadline

    # the page works on today's date: applications received a few days ago, dates from the calculator
    first, second = date.today() - timedelta(days=3), date.today() - timedelta(days=1)
    calc = compute_deadline(first, channel="online")
    ext_day = (first + timedelta(days=1)).isoformat()

    with sync_playwright() as pw:
        browser = _browser(pw)
        context = browser.new_context()
        context.add_cookies([browser_cookie(settings, live_url, role="admin", user="boss")])
        page: Any = context.new_page()
        page.goto(live_url + "/admin/apps")
        for n, (received, content, handler) in enumerate(((first.isoformat(), "县道养护合同", "wang"), (second.isoformat(), "供水价格", "li")), start=1):
            page.fill("#add [name=received]", received)
            page.select_option("#add [name=channel]", "online")
            page.fill("#add [name=name]", "张三")
            page.fill("#add [name=handler]", handler)
            page.fill("#add [name=content]", content)
            page.click("#add button")
            page.wait_for_selector(f"#app-{n}")  # the page's CSP forbids eval: wait on selectors
        page.wait_for_selector("#app-2")
        assert "已登记 #2" in page.inner_text("#message")
        assert calc.due.isoformat() in page.inner_text("#app-1") and "张*" in page.inner_text("#app-1")
        page.click("#app-1")
        page.wait_for_selector("#timeline li")
        page.select_option("#event [name=kind]", "extend")
        page.fill("#event [name=date]", ext_day)
        page.fill("#event [name=person]", "李主任")
        page.click("#event button")
        page.wait_for_selector("#timeline li:has-text('延期答复')")
        timeline = page.inner_text("#timeline")
        assert f"{first.isoformat()} 收到申请" in timeline and f"{ext_day} 延期答复（李主任）" in timeline
        assert f"{calc.extended_due.isoformat()} 期限：延期后答复" in timeline
        page.select_option("#filters [name=status]", "extended")
        page.click("#filters button")
        page.wait_for_selector("#app-2", state="detached")
        assert page.locator("#app-1").count() == 1 and page.locator("#app-2").count() == 0
        page.select_option("#event [name=kind]", "reply")
        page.fill("#event [name=date]", date.today().isoformat())
        page.fill("#event [name=outcome]", "不予公开")
        page.click("#event button")
        page.wait_for_selector("#message.error")
        assert "须写明理由" in page.inner_text("#message")
        browser.close()
