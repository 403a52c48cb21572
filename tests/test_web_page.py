"""The local chat page at ``/``, driven in a real headless Chromium against the real app on loopback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings
from tests.signin import browser_cookie

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DRAFT = ("关于发放2026年临时救助金的通知\n"
         "经审核，同意对张三（身份证号：532932198103130505，联系电话：13988726655）发放临时救助金2000元。\n")
SHOTS = Path(__file__).resolve().parent.parent / "docs"


def test_page_and_assets_are_served_and_nothing_else(authed_client: TestClient) -> None:
    client = authed_client
    page = client.get("/")
    assert page.status_code == 200 and "政务公开助手" in page.text
    assert client.get("/static/app.js").status_code == 200
    assert "text/css" in client.get("/static/style.css").headers["content-type"]
    missing = client.get("/static/router.py")
    assert missing.status_code == 404 and "没有这个文件" in missing.json()["error"]
    assert client.get("/static/..%2Frouter.py").status_code == 404


def test_page_never_uses_innerhtml() -> None:
    js = (Path(__file__).resolve().parent.parent / "connectors/web/static/app.js").read_text(encoding="utf-8")
    assert "innerHTML" not in js.replace("never innerHTML", "")


def _browser(pw: Any) -> Any:
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def _signed_in_page(browser: Any, settings: Settings, url: str, **options: Any) -> Any:
    """A page whose context carries a member's session cookie, as after signing in."""
    context = browser.new_context(**options)
    context.add_cookies([browser_cookie(settings, url)])
    return context.new_page()


def _classify_draft(page: Any) -> None:
    """Switch to 公开属性, paste the draft, check the highlight and the redacted text."""
    page.click(".mode[data-mode=classify]")
    page.fill("#input", DRAFT)
    page.click("#send")
    page.wait_for_selector(".msg.classify, .msg.error", timeout=60_000)
    assert page.locator(".msg.error").count() == 0, page.locator(".msg.error").all_inner_texts()
    marks = page.locator(".msg.classify mark.pii")
    assert "532932198103130505" in marks.all_inner_texts() and "13988726655" in marks.all_inner_texts()
    redacted = page.locator(".msg.classify pre.redacted").inner_text()
    assert "532932198103130505" not in redacted and "5329" in redacted
    assert page.locator(".msg.classify .attribute strong").inner_text().startswith("此件")


needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")


@pytest.mark.browser
@needs_chromium
def test_classify_mode_highlights_findings_and_shows_redacted_text(live_url: str, settings: Settings) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = _browser(pw)
        page = _signed_in_page(browser, settings, live_url)
        page.goto(live_url + "/")
        _classify_draft(page)
        page.fill("#input", "/属性 <img src=x onerror=alert(1)>")  # typed markup stays text
        page.click("#send")
        page.wait_for_function("() => document.querySelectorAll('.msg.user').length === 2")
        assert page.locator(".msg.user img").count() == 0
        assert page.locator(".msg.user .user-text").last.inner_text() == "<img src=x onerror=alert(1)>"
        page.fill("#input", "   ")
        page.click("#send")
        assert "内容为空" in page.locator(".msg.error").last.inner_text()
        browser.close()


@pytest.mark.browser
@needs_chromium
def test_question_gets_a_cited_answer_whose_citation_expands(
    live_url: str, settings: Settings, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = _browser(pw)
        page = _signed_in_page(browser, settings, live_url, viewport={"width": 900, "height": 1100})
        page.goto(live_url + "/")
        page.fill("#input", "依申请公开的答复期限是多少个工作日？")
        page.press("#input", "Enter")
        page.wait_for_selector(".msg.assistant details.citation, .msg.error", timeout=60_000)
        assert page.locator(".msg.error").count() == 0, page.locator(".msg.error").all_inner_texts()
        assert "工作日" in page.locator(".msg.assistant .answer-text").last.inner_text()
        citation = page.locator(".msg.assistant details.citation").first
        assert "〔《" in citation.locator("summary").inner_text()
        assert not citation.locator("blockquote").is_visible()
        citation.locator("summary").click()
        assert len(citation.locator("blockquote").inner_text().strip()) > 5  # the quoted clause shows
        _classify_draft(page)
        shot = tmp_path / "web-chat.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert shot.stat().st_size > 10_000
    if os.environ.get("GONGKAI_UPDATE_SCREENSHOTS"):  # refresh the checked-in docs/web-chat.png
        shutil.copyfile(shot, SHOTS / "web-chat.png")
