"""Drafts that are easy to misjudge (written for this work, not taken from an eval set): a 政务信息 issue, audit
working papers and a decision disciplining a named official are not published (第十六条); a 见义勇为 award is
published after its ID numbers and phones are removed; a published 审计结果公告, a 工作简报 posted on the portal and a
纪委 通报 of cases are not caught by the new rules."""

from __future__ import annotations

import pytest

from tools.attribute import NOT_PUBLIC, PUBLIC, REDACTED, classify_document


@pytest.mark.parametrize(("text", "rule"), [
    ("右所镇政务信息\n2026年第4期\n右所镇党政办编\n右所镇启动春耕备耕工作\n3月5日，右所镇召开春耕备耕动员会。", "government_info_bulletin"),
    ("洱源县财政局\n审计取证记录\n审计事项：2025年度政府采购执行情况\n取证内容：3个项目未按规定公示采购结果。", "audit_working_papers"),
    ("关于县住建局2025年度预算执行审计的审计底稿\n一、审计抽查凭证情况。\n二、初步发现问题。", "audit_working_papers"),
    ("洱源县林业和草原局\n关于给予杜海平行政警告处分的决定\n杜海平，男，县某林场职工。经查，该同志违反工作纪律。经局党组研究，决定给予杜海平行政警告处分。",
     "disciplinary_decision"),
])
def test_internal_and_process_drafts_are_not_published(text: str, rule: str) -> None:
    result = classify_document(text)
    assert result.attribute == NOT_PUBLIC and result.rule == rule


def test_a_brave_deed_award_is_published_without_the_id_and_phone() -> None:
    text = ("洱源县人民政府\n关于给予见义勇为人员施长青奖励的决定\n各镇乡人民政府，县直各部门：\n"
            "　　2026年4月3日，茈碧湖镇村民施长青（身份证号532930197208141513，电话15087264418）跳入茈碧湖救起落水游客。"
            "县人民政府决定给予施长青见义勇为奖励5000元。")
    result = classify_document(text)
    assert result.attribute == REDACTED and result.rule == "commendation"
    assert "532930197208141513" not in result.redacted and "15087264418" not in result.redacted


@pytest.mark.parametrize("text", [
    "洱源县审计局\n关于2025年度县本级预算执行审计结果的公告\n现将审计结果公告如下：\n一、基本情况。\n二、审计发现的主要问题。",
    "洱源县政务服务管理局\n政务服务工作简报\n2026年第3期\n县政务服务中心“一窗通办”改革取得新进展\n本简报同时在县人民政府门户网站“政务动态”栏目发布。",
])
def test_published_audit_results_and_a_posted_bulletin_stay_published(text: str) -> None:
    assert classify_document(text).attribute == PUBLIC


def test_a_case_bulletin_and_a_notice_mentioning_working_papers_are_not_read_as_these_classes() -> None:
    bulletin = ("中共洱源县纪委 洱源县监委\n关于3起违反中央八项规定精神问题的通报\n各镇乡党委、政府，县直各部门：\n"
                "一、某镇原党委委员杨某某违规收受礼金问题。杨某某受到党内警告处分。")
    notice = ("洱源县人民政府办公室关于进一步规范审计工作底稿和审计档案管理的通知\n各镇乡人民政府，县级各部门：\n"
              "为规范审计工作底稿编制、复核和归档，现就有关事项通知如下。")
    assert classify_document(bulletin).rule != "disciplinary_decision"
    assert classify_document(notice).rule != "audit_working_papers"
