"""The page's Word review: upload a .docx, unmask one finding, download — in a real headless Chromium."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from assistant.settings import Settings
from tests.test_cli_redact import PERSONAL, PUBLIC, all_text, build_draft
from tests.test_web_page import CHROMIUM, _browser, _signed_in_page, needs_chromium


@pytest.mark.browser
@needs_chromium
def test_upload_unmask_one_finding_and_download(live_url: str, settings: Settings, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    source = build_draft(tmp_path / "草稿.docx")
    assert CHROMIUM.exists()
    with sync_playwright() as pw:
        browser = _browser(pw)
        page = _signed_in_page(browser, settings, live_url, accept_downloads=True)
        page.goto(live_url + "/")
        page.set_input_files("#docx-file", str(source))
        page.wait_for_selector(".redact-review, .msg.error", timeout=60_000)
        assert page.locator(".msg.error").count() == 0, page.locator(".msg.error").all_inner_texts()
        review = page.locator(".redact-review")
        listed = review.locator("li.finding mark").all_inner_texts()
        assert "13988726655" in listed and "532930196804123314" in listed and "0872-5123456" in listed
        assert review.locator(".attribute strong").inner_text().startswith("此件")
        shown = review.locator("pre.redacted-doc").inner_text()
        assert "13988726655" not in shown and "0872-5123456" in shown
        review.locator("li.finding[data-text='13988726655'] input.mask-toggle").uncheck()
        assert "13988726655" in review.locator("pre.redacted-doc").inner_text()  # the text follows the toggle
        assert review.locator("button.copy").is_visible()
        with page.expect_download() as info:
            review.locator("button.download").click()
        download = info.value
        assert download.suggested_filename == "草稿-删减.docx"
        saved = tmp_path / "下载.docx"
        download.save_as(str(saved))
        browser.close()
    text = all_text(docx.Document(str(saved)))
    assert "13988726655" in text  # exactly the unmasked finding is readable …
    assert [p for p in PERSONAL if p != "13988726655" and p in text] == []  # … and nothing else personal
    assert all(p in text for p in PUBLIC)
