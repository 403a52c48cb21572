"""A draft pasted with the labelled fields of its 发文稿纸 (标题：, 主送：, 发文字号：, 拟稿人： …) above it."""

from __future__ import annotations

from tools.attribute import NOT_PUBLIC, PUBLIC, classify_document
from tools.gongwen import read_text

FORM = """发文稿纸
签发：
核稿：王某
拟稿单位：县政府办秘书股    拟稿人：李某    电话：6121234
文件标题：某某县人民政府关于县城第二水厂扩建工程有关问题的{genre}
发文字号：某政{code}〔2025〕21号
主送：{to}
公开属性：{stated}
{to}：
　　县城第二水厂扩建工程总投资1.2亿元，{body}
某某县人民政府
2025年7月1日
"""


def test_the_forms_title_field_is_the_title_whatever_the_lines_around_it() -> None:
    doc = read_text(FORM.format(genre="请示", code="请", to="州人民政府", stated="不予公开",
                                body="目前资金缺口较大，恳请州政府在专项债券额度分配上予以倾斜支持。"))
    assert doc.title == "某某县人民政府关于县城第二水厂扩建工程有关问题的请示"
    assert (doc.addressees, doc.doc_number) == ("州人民政府", "某政请〔2025〕21号")
    assert doc.body.startswith("县城第二水厂") and "拟稿" not in doc.body and "核稿" not in doc.head
    assert doc.stated_attribute == NOT_PUBLIC


def test_a_request_pasted_with_its_form_is_read_as_a_request_without_its_closing_formula() -> None:
    # no "妥否，请批示" in the 正文: only the 标题 field says it is a 请示 (第十六条第二款)
    result = classify_document(FORM.format(genre="请示", code="请", to="州人民政府", stated="不予公开",
                                           body="恳请州政府在专项债券额度分配上予以倾斜支持。"))
    assert (result.attribute, result.rule, result.genre) == (NOT_PUBLIC, "request", "请示")


def test_a_public_notice_pasted_with_its_form_is_public() -> None:
    text = FORM.format(genre="通知", code="办发", to="各镇乡人民政府，县级各有关部门", stated="主动公开",
                       body="建成后将保障县城供水安全。现就施工期间城区分片停水有关事项通知如下：停水时间为8月1日至8月3日。")
    result = classify_document(text)
    assert (result.attribute, result.genre) == (PUBLIC, "通知")


def test_a_lone_addressee_field_in_the_header_names_the_addressee_not_the_title() -> None:
    doc = read_text("某某县农业农村局文件\n某农发〔2025〕30号\n主送：县人民政府\n"
                    "某某县农业农村局关于申请下达2025年耕地地力保护补贴资金的请示\n　　恳请县人民政府尽快下达资金。\n")
    assert doc.title == "某某县农业农村局关于申请下达2025年耕地地力保护补贴资金的请示"
    assert doc.addressees == "县人民政府"


def test_a_labelled_line_further_down_the_body_stays_text() -> None:
    text = ("关于调整城区公交线路的通告\n　　因道路施工，2路公交线路临时调整。\n　　调整期间：8月1日至8月31日。\n"
            "　　咨询：县交通运输局。\n　　途经站点：城东站、城西站。\n　　文号：见县交通运输局网站。\n某某县交通运输局\n2025年7月20日\n")
    doc = read_text(text)
    assert doc.title == "关于调整城区公交线路的通告" and "文号：见县交通运输局网站" in doc.body
