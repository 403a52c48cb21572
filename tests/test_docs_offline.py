"""/docs and /redoc render from local files: Chromium behind a proxy that refuses everything but loopback."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient

from assistant.app import create_app
from assistant.settings import Settings
from tests.signin import browser_cookie, sign_in
from tests.test_web_page import CHROMIUM, CHROMIUM_ARGS, needs_chromium

# 127.0.0.1:9 (discard) refuses connections; loopback bypasses the proxy, so only the app is reachable
OFFLINE_ARGS = [*CHROMIUM_ARGS, "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1;localhost"]


def test_docs_pages_name_only_local_assets(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        sign_in(client, "admin")
        for path in ("/docs", "/redoc"):
            page = client.get(path)
            assert page.status_code == 200
            assert "cdn." not in page.text and "fonts.googleapis" not in page.text and "https://" not in page.text
        assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
        assert "text/css" in client.get("/docs-assets/swagger-ui.css").headers["content-type"]
        assert client.get("/docs-assets/core.py").status_code == 404


_NEEDED = {"document", "script", "stylesheet", "font", "fetch", "xhr"}


def _offline_browser(pw: Any) -> Any:
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=OFFLINE_ARGS)


@pytest.mark.browser
@needs_chromium
def test_docs_render_with_the_network_blocked(live_url: str, settings: Settings) -> None:
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as pw:
        browser = _offline_browser(pw)
        probe = browser.new_page()
        with pytest.raises(Error):  # the block is real: a CDN is unreachable from this browser
            probe.goto("https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js", timeout=15_000)
        probe.close()
        context = browser.new_context()
        context.add_cookies([browser_cookie(settings, live_url, role="admin")])  # /docs is for admins
        page = context.new_page()
        hosts: set[str] = set()  # of what the pages need; ReDoc's footer logo (an <img> off its CDN) may fail
        page.on("request", lambda request: hosts.add(urlparse(request.url).hostname or "")
                if request.resource_type in _NEEDED and request.url.startswith("http") else None)
        page.goto(live_url + "/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=60_000)
        assert "政务公开助手" in page.locator(".swagger-ui .info .title").inner_text()
        page.wait_for_selector(".opblock-summary-path", timeout=30_000)
        assert "/api/ask" in page.locator(".opblock-summary-path").all_inner_texts()
        page.goto(live_url + "/redoc")
        page.wait_for_selector("h1:has-text('政务公开助手')", timeout=60_000)
        assert page.get_by_text("/api/ask").count() >= 1
        assert hosts == {"127.0.0.1"}, hosts
        browser.close()
