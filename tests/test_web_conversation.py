"""The chat page in headless Chromium: answers rendered from Markdown safely, and a conversation that is
sent as history to /api/ask and survives a reload (localStorage)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.settings import Settings
from tests.test_web_page import CHROMIUM, CHROMIUM_ARGS, _signed_in_page, needs_chromium

pytestmark = [pytest.mark.browser, needs_chromium]

SAMPLE = ("**答复截止日：2026-10-22**\n<img src=x onerror=\"window.pwned=1\"> <b>粗</b>\n"
          "- 第一项\n- **第二项**\n\n1. 甲\n   续行\n2. 乙\n没有配对的 ** 照原样显示")


def _page(pw: Any, url: str, settings: Settings) -> tuple[Any, Any]:
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    page = _signed_in_page(browser, settings, url)
    page.goto(url + "/")
    return browser, page


def _ask(page: Any, text: str) -> None:
    before = page.locator(".msg.assistant:not(.pending)").count()
    page.fill("#input", text)
    page.click("#send")
    page.wait_for_function(f"() => document.querySelectorAll('.msg.assistant:not(.pending)').length > {before}",
                           timeout=60_000)
    assert page.locator(".msg.error").count() == 0, page.locator(".msg.error").all_inner_texts()


def test_markdown_renders_bold_lists_and_breaks_and_never_markup(live_url: str, settings: Settings) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser, page = _page(pw, live_url, settings)
        shown = page.evaluate("""(text) => {
            const box = document.createElement("div");
            box.append(window.renderMarkdown(text));
            document.body.append(box);
            return {strong: [...box.querySelectorAll("strong")].map((n) => n.textContent),
                    ul: [...box.querySelectorAll("ul > li")].map((n) => n.textContent),
                    ol: [...box.querySelectorAll("ol > li")].map((n) => [n.value, n.innerText]),
                    markup: box.querySelectorAll("img, b").length, text: box.innerText, pwned: window.pwned};
        }""", SAMPLE)
        assert shown["strong"] == ["答复截止日：2026-10-22", "第二项"]
        assert shown["ul"] == ["第一项", "第二项"]
        assert shown["ol"] == [[1, "甲\n续行"], [2, "乙"]]
        assert shown["markup"] == 0 and shown["pwned"] is None
        assert '<img src=x onerror="window.pwned=1"> <b>粗</b>' in shown["text"]
        assert "没有配对的 ** 照原样显示" in shown["text"] and "**答复" not in shown["text"]
        # a real answer: the deadline tool's bold line arrives as bold, without its markers
        _ask(page, "2026年9月28日网上收到的申请哪天到期")
        answer = page.locator(".msg.assistant .answer-text").last
        assert answer.locator("strong").first.inner_text().startswith("答复截止日")
        assert "**" not in answer.inner_text()
        browser.close()


def test_the_page_keeps_the_conversation_sends_it_and_survives_a_reload(live_url: str, settings: Settings) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser, page = _page(pw, live_url, settings)
        sent: list[Any] = []
        page.on("request", lambda r: sent.append(r.post_data_json) if r.url.endswith("/api/ask") else None)
        _ask(page, "我是卫健局的")
        _ask(page, "我们局有哪些任务")
        tasks = page.locator(".msg.assistant .answer-text").last.inner_text()
        assert "县卫生健康局" in tasks and "任务共" in tasks
        assert [m["role"] for m in sent[1]["history"]] == ["user", "assistant"]
        assert sent[1]["history"][0]["text"] == "我是卫健局的"
        page.reload()
        page.wait_for_selector(".msg.user")
        assert page.locator(".msg.user .user-text").all_inner_texts() == ["我是卫健局的", "我们局有哪些任务"]
        assert "县卫生健康局" in page.locator(".msg.assistant .answer-text").last.inner_text()
        _ask(page, "那凤羽镇呢")  # the restored conversation goes on: the history still travels
        assert len(sent[-1]["history"]) == 4
        page.click("#clear")
        page.reload()
        page.wait_for_selector(".msg.welcome")
        assert page.locator(".msg.user").count() == 0
        browser.close()
