"""The documents admin page: admin-only API (upload, remove, supersede, bad ids), and in a real headless
Chromium an admin uploads a .docx, supersedes and removes documents, and answers follow at once."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings
from tests.signin import bearer, browser_cookie
from tests.test_documents import LOCAL_RULE, docx_file
from tests.test_web_page import _browser, needs_chromium

QUESTION = "茈碧湖镇的政务新媒体多长时间必须更新一次？"


def eventually(ask: Callable[[], str], wanted: Callable[[str], bool], seconds: float = 60.0) -> str:
    """The answer once ``wanted`` holds: an ingested document joins answers when the background rebuild
    (started by the first question after the upload) has been swapped in."""
    deadline = time.monotonic() + seconds
    while True:
        text = ask()
        if wanted(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.2)


def test_documents_api_is_admin_only(authed_client: TestClient) -> None:
    assert authed_client.get("/api/admin/documents").status_code == 403
    assert authed_client.post("/api/admin/documents/builtin:plan/remove").status_code == 403


def test_documents_api_for_an_admin(admin_client: TestClient, tmp_path: Path) -> None:
    c = admin_client
    titles = {d["title"]: d for d in c.get("/api/admin/documents").json()}
    assert titles["洱源县2020年政务公开工作方案"]["kind_label"] == "工作方案" and titles["政府信息公开条例"]["builtin"]
    rule = docx_file(tmp_path / "制度.docx", LOCAL_RULE)
    r = c.post("/api/admin/documents", files={"file": ("制度.docx", rule.read_bytes())}, data={"year": "2021"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert (doc["title"], doc["kind"], doc["year"], doc["status"]) == ("茈碧湖镇政务新媒体管理制度", "local_rule", 2021, "current")
    assert "每周至少更新一次" in eventually(lambda: c.post("/api/ask", json={"question": QUESTION}).json()["answer"],
                                     lambda text: "每周至少更新一次" in text)

    assert c.post(f"/api/admin/documents/{doc['id']}/supersede", json={"by": doc["id"]}).status_code == 400
    missing = c.post("/api/admin/documents/file:nosuch/remove")
    assert missing.status_code == 404 and "没有编号为" in missing.json()["error"]
    assert c.post("/api/admin/documents", files={"file": ("x.txt", b"")}).status_code == 400
    assert c.post("/api/admin/documents", files={"file": ("x.txt", "标题\n正文。".encode())},
                  data={"kind": "memo"}).status_code == 400
    assert c.post("/api/admin/documents/builtin:plan/remove").status_code == 400

    assert c.post(f"/api/admin/documents/{doc['id']}/remove").json()["id"] == doc["id"]
    assert doc["id"] not in {d["id"] for d in c.get("/api/admin/documents").json()}
    assert "每周至少更新一次" not in c.post("/api/ask", json={"question": QUESTION}).json()["answer"]


def test_a_cross_site_post_with_the_admin_cookie_is_refused(settings: Settings) -> None:
    from assistant.app import create_app
    from tests.signin import admin_cookie_value

    with TestClient(create_app(settings)) as client:
        client.cookies.set("gongkai_session", admin_cookie_value(settings))
        r = client.post("/api/admin/documents/builtin:plan/supersede", json={"by": "builtin:digest"},
                        headers={"Origin": "https://evil.example"})
        assert r.status_code == 403
        assert client.get("/api/admin/documents").json()[0]["status"] == "current"


@pytest.mark.browser
@needs_chromium
def test_documents_page_upload_supersede_remove(live_url: str, settings: Settings, tmp_path: Path) -> None:
    import httpx
    from playwright.sync_api import sync_playwright

    rule = docx_file(tmp_path / "制度.docx", LOCAL_RULE)
    plan = tmp_path / "方案.txt"
    plan.write_text("洱源县2021年政务公开工作方案\n一、加强政务新媒体管理\n"
                    "政务新媒体两次信息更新时间间隔必须小于7天，每月向县政府办公室报送运营情况。"
                    "(责任单位:县级各有关部门)\n", encoding="utf-8")
    auth = bearer(settings)

    def answer(question: str) -> str:
        text: str = httpx.post(live_url + "/api/ask", json={"question": question}, headers=auth, timeout=60).json()["answer"]
        return text

    with sync_playwright() as pw:
        browser = _browser(pw)
        context = browser.new_context()
        context.add_cookies([browser_cookie(settings, live_url, role="admin")])
        page: Any = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(live_url + "/admin/documents")
        page.wait_for_selector("tr[data-id='builtin:plan']")
        for path, kind, title in ((rule, "", "茈碧湖镇政务新媒体管理制度"), (plan, "plan", "洱源县2021年政务公开工作方案")):
            page.set_input_files("#upload [name=file]", str(path))
            page.select_option("#upload [name=kind]", kind)
            page.click("#upload button")
            page.wait_for_selector(f"td:text-is('{title}')")
        assert "已导入" in page.inner_text("#message")
        rows = page.inner_text("#documents")
        assert "茈碧湖镇政务新媒体管理制度" in rows and "本地制度" in rows and "2021" in rows
        assert "每周至少更新一次" in eventually(lambda: answer(QUESTION), lambda text: "每周至少更新一次" in text)

        listed = httpx.get(live_url + "/api/admin/documents", headers=bearer(settings, "admin"), timeout=30).json()
        ids = {d["title"]: d["id"] for d in listed}
        new_plan, rule_id = ids["洱源县2021年政务公开工作方案"], ids["茈碧湖镇政务新媒体管理制度"]
        page.select_option("tr[data-id='builtin:plan'] select[name=by]", new_plan)
        page.click("tr[data-id='builtin:plan'] button[name=supersede]")
        page.wait_for_selector("tr[data-id='builtin:plan'][data-status='superseded']")
        question = "政务新媒体两次更新间隔必须小于多少天？"
        assert "14天" not in answer(question), "a superseded plan stops answering at once"
        assert "7天" in eventually(lambda: answer(question), lambda text: "7天" in text)

        page.click(f"tr[data-id='{rule_id}'] button[name=remove]")
        page.wait_for_selector(f"tr[data-id='{rule_id}']", state="detached")
        assert "每周至少更新一次" not in answer(QUESTION)
        browser.close()


def test_a_withdrawn_document_stops_answering_until_restored(admin_client: TestClient) -> None:
    c = admin_client
    question = {"question": "依申请公开要在多少个工作日内答复？"}
    assert "《政府信息公开条例》" in c.post("/api/ask", json=question).json()["answer"]
    assert c.post("/api/admin/documents/builtin:digest/withdraw").json()["status"] == "withdrawn"
    assert "《政府信息公开条例》" not in c.post("/api/ask", json=question).json()["answer"]
    assert c.post("/api/admin/documents/builtin:digest/restore").json()["status"] == "current"
    assert "《政府信息公开条例》" in c.post("/api/ask", json=question).json()["answer"]
