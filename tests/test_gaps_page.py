"""The improvement loop's admin page in a real headless Chromium against the running server: a refused
question shows up in the gaps list, the admin writes an approved answer citing a clause, and the same
question and a paraphrase are then answered with it (through /api/ask of the same server)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from assistant.answer import NOT_FOUND
from assistant.settings import Settings
from tests.signin import api_token, browser_cookie
from tests.test_loop import PARAPHRASE, REFUSED
from tests.test_web_page import _browser, _signed_in_page, needs_chromium

RATED = "依申请公开多少个工作日内答复"  # answered, but the member found the answer wanting
APPROVED = "方案和条例都没有规定公务员年度考核的优秀名额，请以组织人事部门当年的通知为准。"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"auth": settings.auth.model_copy(update={"admins": "boss"})})


def _ask(url: str, token: str, question: str) -> dict[str, Any]:
    request = urllib.request.Request(url + "/api/ask", data=json.dumps({"question": question}).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        data: dict[str, Any] = json.loads(response.read())
        return data


def test_the_gaps_page_is_admin_only(live_url: str, settings: Settings) -> None:
    token = api_token(settings, role="member")
    request = urllib.request.Request(live_url + "/api/admin/gaps", headers={"Authorization": f"Bearer {token}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_a_refused_question_gets_an_approved_answer_that_then_answers_it(live_url: str, settings: Settings) -> None:
    from playwright.sync_api import sync_playwright

    member = api_token(settings, role="member")
    for question in (REFUSED, REFUSED + "？", PARAPHRASE):
        assert _ask(live_url, member, question)["answer"] == NOT_FOUND
    with sync_playwright() as pw:
        browser = _browser(pw)
        chat: Any = _signed_in_page(browser, settings, live_url)  # a member rates an answer 👎 on the chat page
        chat.goto(live_url + "/")
        chat.fill("#input", RATED)
        chat.click("#send")
        chat.wait_for_selector(".msg.assistant .rate-down")
        chat.click(".msg.assistant .rate-down")
        chat.wait_for_selector(".rate:has-text('已记录')")
        context = browser.new_context()
        context.add_cookies([browser_cookie(settings, live_url, role="admin", user="boss")])
        page: Any = context.new_page()
        page.goto(live_url + "/admin/gaps")
        page.wait_for_selector("#gap-0")
        row = page.inner_text("#gap-0")
        assert REFUSED in row and "没有找到 2" in row  # "…名额" and "…名额？" are one question
        assert PARAPHRASE in page.inner_text("#gaps tbody") and RATED in page.inner_text("#gaps tbody")
        page.select_option("#filters [name=kind]", "down")
        page.click("#filters button")
        page.wait_for_selector("#gap-1", state="detached")
        assert RATED in page.inner_text("#gap-0") and "👎 1" in page.inner_text("#gap-0")
        page.select_option("#filters [name=kind]", "refused")
        page.click("#filters button")
        page.wait_for_selector("#gap-1")  # the refused list (two questions) has replaced the 👎 one
        assert REFUSED in page.inner_text("#gap-0")
        page.click("#gap-0 button.write")
        page.wait_for_selector("#editor:not([hidden])")
        assert page.input_value("#approve [name=question]").rstrip("？") == REFUSED
        page.fill("#clause-q", "考核")
        with page.expect_response(lambda r: "/api/admin/clauses" in r.url and "q=%E8%80%83%E6%A0%B8" in r.url):
            page.click("#clause-search")  # the editor's own search for the question may still be on its way
        page.wait_for_selector("#clause option")
        first = page.locator("#clause option").first
        cited = first.inner_text().split("：")[0]  # 《title》section
        page.select_option("#clause", first.get_attribute("value"))
        page.fill("#approve [name=answer]", APPROVED)
        page.click("#approve button[type=submit]")
        page.wait_for_selector("#message:has-text('已保存审定回答')")
        assert "已处理 2 条记录" in page.inner_text("#message") and cited in page.inner_text("#message")
        page.wait_for_selector("#approved tbody tr")
        assert APPROVED in page.inner_text("#approved")
        page.wait_for_selector("#gap-1", state="detached")  # the answered question left the list, the paraphrase not
        assert PARAPHRASE in page.inner_text("#gap-0")
        browser.close()
    for question in (REFUSED, PARAPHRASE):  # answered by a heavy-pool worker process: no restart
        reply = _ask(live_url, member, question)
        assert reply["answer"].startswith(APPROVED), question
        assert cited in reply["answer"] and reply["data"]["approved"] == "approved-1"
