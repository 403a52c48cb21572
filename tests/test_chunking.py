"""Chunking by Chinese structure: the plan's parts and subsections, and a 第X条 document."""

from __future__ import annotations

from collections import Counter

from knowledge.chunking import chunk_document
from knowledge.corpus import plan_chunks
from knowledge.types import PLAN_TITLE

REGULATION = """某县政府信息公开办法
第一章 总则
第一条 为了规范本县政府信息公开工作，制定本办法。
第二条 本办法适用于县级各部门。
各镇乡人民政府参照执行。
第二章 依申请公开
第十五条 收到申请后，能够当场答复的，应当当场答复。
第三十三条 不能当场答复的，应当自收到申请之日起20个工作日内予以答复。
"""


def test_plan_paragraphs_carry_part_and_subsection_labels() -> None:
    chunks = plan_chunks()
    sections = Counter(c.section for c in chunks)
    assert sections["一"] == 1
    assert sections["三"] == 3
    assert sections["四(三)"] == 1
    assert sections["五(二)"] == 3
    assert {"二", "四(一)", "四(九)", "五(一)", "五(四)", "六(一)", "六(二)"} <= set(sections)
    assert all(c.title == PLAN_TITLE for c in chunks)


def test_plan_chunk_keeps_its_heading_path_and_duty_clause() -> None:
    chunk = next(c for c in plan_chunks() if c.section == "五(三)")
    assert chunk.section_path == ("五、加强公开平台管理", "(三)推进依申请公开在线办理工作")
    assert "20个工作日内办结政府信息公开申请" in chunk.text
    assert chunk.text.endswith("(责任单位:县级各部门,各镇乡人民政府)")
    assert chunk.metadata["kind"] == "plan"


def test_plan_last_paragraph_of_five_two_has_no_clause_but_is_its_own_chunk() -> None:
    last = [c for c in plan_chunks() if c.section == "五(二)"][-1]
    assert last.text.startswith("易发生单项否决")
    assert "责任单位" not in last.text


def test_articles_become_one_chunk_each_with_their_chapter() -> None:
    chunks = chunk_document(REGULATION, doc_id="doc", title="某县政府信息公开办法")
    by_section = {c.section: c for c in chunks}
    assert list(by_section) == ["", "第一条", "第二条", "第十五条", "第三十三条"]
    assert by_section["第二条"].text == "第二条 本办法适用于县级各部门。\n各镇乡人民政府参照执行。"
    assert by_section["第三十三条"].section_path == ("第二章 依申请公开", "第三十三条")
    assert [c.id for c in chunks] == [f"doc#{n}" for n in range(len(chunks))]


def test_numbered_items_and_inline_headings() -> None:
    text = "一、工作任务\n（一）加强公开\n1. 按时公开财政预决算信息，做到应公开尽公开。\n2.做好政策解读工作，及时回应关切。\n二、保障措施。各单位要明确专人负责此项工作。"
    chunks = chunk_document(text, doc_id="d", title="通知")
    assert [(c.section, c.text[:6]) for c in chunks] == [
        ("一(一)1", "1. 按时公"),
        ("一(一)2", "2.做好政策"),
        ("二", "二、保障措施"),
    ]
