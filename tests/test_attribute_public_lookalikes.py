"""Public drafts that touch the subjects of the internal-affairs signals (classify_fresh11): a 公告, 通告, 公示 or 预告,
or a draft written to the public, is not kept back by a signal read from what it is about; the markings still are."""

from __future__ import annotations

import pytest

from tools.attribute import NOT_PUBLIC, PUBLIC, classify_document


@pytest.mark.parametrize("text", [
    "洱源县人民政府办公室\n关于2026年国庆节期间值班安排的公告\n　　国庆节放假期间，县人民政府总值班室24小时值班。",
    "洱源县人力资源和社会保障局\n洱源县2026年事业单位公开招聘工作人员体检和考察有关事项的公告\n"
    "　　按综合成绩1:1确定体检和考察对象。",
    "洱源县人力资源和社会保障局\n洱源县2025年度公务员年度考核优秀等次人员公示\n　　现将名单予以公示，公示期5个工作日。",
    "中共洱源县委组织部\n干部任职考察预告\n　　拟对下列同志进行任职考察：李某某，县水务局副局长，拟任县水务局局长。",
    "洱源县政务服务管理局\n关于春节期间政务服务大厅值班安排的通知\n广大办事群众：\n　　春节期间县政务服务大厅设值班窗口。",
    "洱源县人民政府办公室\n关于印发洱源县2027年政务公开工作要点的通知\n各镇乡人民政府，县级各部门：\n　　现印发给你们。",
])
def test_public_lookalikes_are_published(text: str) -> None:
    assert classify_document(text).attribute == PUBLIC


def test_a_payment_only_to_the_farmer_is_no_limited_distribution() -> None:
    text = ("洱源县农业农村局\n关于发放2026年耕地地力保护补贴的通知\n各镇乡人民政府：\n"
            "　　补贴资金只发到农户本人“一卡通”账户，任何单位和个人不得代领。")
    assert classify_document(text).rule != "internal_marking"


@pytest.mark.parametrize(("text", "rule"), [
    ("洱源县公共资源交易中心\n洱源县城区供水管网改造工程评标专家名单\n　　本项目评标委员会由以下5名专家组成：杨建华、李红梅。",
     "bid_evaluators"),
    ("洱源县人民政府办公室\n关于进一步规范公务接待管理的通知\n各镇乡人民政府，县级各部门：\n　　现就规范公务接待管理通知如下。",
     "internal_affairs"),
    ("秘密\n洱源县人民政府办公室\n关于2026年国庆节期间值班安排的公告\n　　县人民政府总值班室24小时值班。", "secret_field"),
])
def test_internal_lookalikes_stay_kept_back(text: str, rule: str) -> None:
    result = classify_document(text)
    assert result.attribute == NOT_PUBLIC and result.rule == rule
