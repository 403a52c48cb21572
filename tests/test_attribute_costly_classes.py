"""Internal or secret drafts that were suggested for publication on own probes (classify_fresh6, classify_fresh7)."""

from __future__ import annotations

import pytest

from tools.attribute import NOT_PUBLIC, classify_document

_NOTICE = ("洱源县人民政府办公室\n关于做好全县安全生产大检查工作的通知\n各镇乡人民政府，县级各部门：\n"
           "　　为深刻吸取事故教训，现就开展安全生产大检查有关事项通知如下。")


@pytest.mark.parametrize(("text", "rule"), [
    ("秘  密\n" + _NOTICE, "secret_field"),
    (_NOTICE + "\n洱源县人民政府办公室\n2026年6月20日\n（此件不公开）", "stated_not_public"),
    (_NOTICE + "此件限发至各镇乡主要领导。", "internal_marking"),
    (_NOTICE + "\n（此件发至各镇乡、县级各部门，不公开）", "stated_not_public"),
    ("人社信息\n2026年第7期\n洱源县人力资源和社会保障局编\n我县促进高校毕业生就业\n今年以来举办招聘会6场。", "information_periodical"),
    ("中共洱源县纪委监委\n关于4起群众身边不正之风和腐败问题典型案例的通报\n各镇乡党委，县级各部门党组（党委）：\n"
     "　　一、某镇某村委会原主任侵占集体资金问题。受到开除党籍处分。", "discipline_bulletin"),
    ("关于杨志明同志拟任职的考察材料\n杨志明，男，1982年5月生，现任右所镇副镇长。\n　　考察组通过个别谈话、查阅资料等方式，"
     "对杨志明同志进行了全面考察。", "personnel_deliberation"),
])
def test_internal_and_secret_drafts_are_kept_back(text: str, rule: str) -> None:
    result = classify_document(text)
    assert result.attribute == NOT_PUBLIC and result.rule == rule


def test_a_price_bulletin_for_the_public_is_not_an_information_periodical() -> None:
    text = "洱源县农产品价格信息\n第12期\n洱源县发展和改革局\n本周县城农贸市场大米4.2元/斤，猪肉15.5元/斤。"
    assert classify_document(text).rule != "information_periodical"


def test_a_spaced_secrecy_line_is_read_as_the_secrecy_element() -> None:
    from tools.gongwen import read_text

    assert "秘" not in read_text("秘  密\n" + _NOTICE).title
