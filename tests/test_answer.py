"""The extractive answer: quoted sentences with citations, the 依据 list, status warnings, not-found."""

from __future__ import annotations

import re

from assistant.answer import NOT_FOUND, compose_answer
from knowledge.corpus import plan_chunks
from knowledge.types import PLAN_TITLE, REGULATION_TITLE, Chunk, Hit


def _rule(section: str, text: str, status: str = "V", title: str = REGULATION_TITLE) -> Chunk:
    return Chunk(id=f"r:{section}", doc_id="builtin:digest", title=title, section=section, text=text,
                 metadata={"kind": "regulation", "status": status})


def _plan(section: str) -> Chunk:
    return next(c for c in plan_chunks() if c.section == section)


def test_no_hits_gives_the_not_found_answer_pointing_to_the_county_office() -> None:
    reply = compose_answer("明天天气怎么样", [])
    assert reply.text == NOT_FOUND
    assert "县人民政府办公室" in reply.text
    assert reply.sources == []


def test_answer_quotes_sentences_each_with_its_citation_then_the_basis() -> None:
    hits = [
        Hit(_rule("第三十三条", "不能当场答复的，应当自收到申请之日起20个工作日内答复。"), 0.3),
        Hit(_plan("五(三)"), 0.2),
    ]
    reply = compose_answer("依申请公开多少个工作日内答复", hits)
    body, basis = reply.text.split("\n\n依据：\n")
    lines = body.splitlines()
    assert 1 <= len(lines) <= 3
    assert lines[0] == "不能当场答复的，应当自收到申请之日起20个工作日内答复。〔《政府信息公开条例》第三十三条〕"
    assert all(re.search(r"〔《.+》.*〕$", line) for line in lines)
    assert basis.splitlines()[0] == "1. 《政府信息公开条例》第三十三条"
    assert reply.sources[0].title == REGULATION_TITLE and reply.sources[0].section == "第三十三条"


def test_plan_citation_uses_the_section_label() -> None:
    reply = compose_answer("政务新媒体两次更新最多隔多少天", [Hit(_plan("五(二)"), 0.5)])
    assert "两次信息更新时间间隔必须小于14天" in reply.text
    assert f"〔《{PLAN_TITLE}》五(二)〕" in reply.text


def test_duty_clause_is_quoted_only_when_the_question_asks_who() -> None:
    chunk = _plan("五(一)")
    what = compose_answer("政府信息公开平台有哪些栏目", [Hit(chunk, 0.5)])
    who = compose_answer("政府信息公开平台建设由哪个单位负责", [Hit(chunk, 0.5)])
    assert "栏目包括" in what.text and "责任单位" not in what.text.split("依据")[0]
    assert "(责任单位:县人民政府办公室)" in who.text


def test_an_unverified_rule_is_flagged_in_the_answer() -> None:
    hit = Hit(_rule("第十五条", "旧条例规定答复期限为15个工作日。", status="UNVERIFIED"), 0.4)
    reply = compose_answer("旧条例答复期限是多少", [hit])
    assert "尚未对照原文核实" in reply.text
    assert "仅供参考" in reply.text


def test_verified_rules_carry_no_warning() -> None:
    reply = compose_answer("答复期限", [Hit(_rule("第三十三条", "应当在20个工作日内答复。"), 0.4)])
    assert "注意" not in reply.text and "核实" not in reply.text


def test_at_most_three_sentences_from_at_most_three_clauses() -> None:
    hits = [Hit(c, 1.0 - n / 10) for n, c in enumerate(plan_chunks()[5:10])]
    reply = compose_answer("主动公开信息", hits)
    body = reply.text.split("\n\n依据：")[0]
    assert len(body.splitlines()) <= 3
    assert 1 <= len(reply.sources) <= 3
    assert reply.data is not None and len(reply.data["retrieved"]) == 5


def test_the_sentence_whose_range_holds_the_asked_number_is_quoted() -> None:
    hits = [
        Hit(_rule("第四条", "按件计收：第1至10件不收费，第11至30件每件100元，从第31件起每10件为一档、每档加收100元。",
                  title="政府信息公开信息处理费管理办法"), 0.3),
        Hit(_rule("第四条", "照此推算，第31至40件每件200元，第41至50件每件300元。", status="推断",
                  title="政府信息公开信息处理费管理办法"), 0.2),
    ]
    reply = compose_answer("一个月申请到第35件每件收多少钱", hits)
    assert "第31至40件每件200元" in reply.text


# ---------------------------------------------------------------- answers that answer (invented questions)


def test_a_false_premise_is_corrected_with_the_right_fact() -> None:
    hit = Hit(_rule("第二十六条", "主动公开的信息，应当在形成或者变更之日起20个工作日内公开。"), 0.4)
    reply = compose_answer("主动公开是在文件形成后30个工作日内吧？", [hit])
    assert reply.text.startswith("不对，") and "20个工作日" in reply.text.splitlines()[0]
    agreed = compose_answer("主动公开是不是20个工作日内", [hit])
    assert agreed.text.startswith("对，")


def test_a_yes_no_question_gets_its_yes_or_no_in_its_own_modal_word() -> None:
    chunk = next(c for c in plan_chunks() if c.section == "五(二)" and "禁止任何人" in c.text)
    reply = compose_answer("能不能让个人用单位名义注册视频号", [Hit(chunk, 0.5)])
    assert reply.text.splitlines()[0] == "不能。"
    assert "禁止任何人以单位名义开办政务新媒体" in reply.text


def test_a_when_question_leads_with_the_clause_that_holds_the_date() -> None:
    chunk = next(c for c in plan_chunks() if c.section == "三" and "10月底前" in c.text)
    reply = compose_answer("试点领域的目录最晚几月份前完成", [Hit(chunk, 0.5)])
    first = reply.text.splitlines()[0]
    assert "2020年10月底前" in first and "〔" not in first


def test_no_answer_leads_with_a_heading_or_a_bare_duty_clause() -> None:
    chunk = next(c for c in plan_chunks() if c.section == "五(一)" and c.text.startswith("规范政府信息公开目录系统建设"))
    reply = compose_answer("目录系统里的信息由谁录入", [Hit(chunk, 0.5)])
    first = reply.text.splitlines()[0]
    assert not first.startswith("规范政府信息公开目录系统建设。") and not first.startswith("(责任单位")


def test_weak_evidence_is_quoted_as_the_closest_rule_for_reference_only() -> None:
    reply = compose_answer("群众申请的信息要翻译成外文吗", [Hit(_rule("第四十条", "提供形式根据申请人的要求确定。"), 0.1)],
                           verdict="weak")
    assert reply.text.startswith("没有找到直接回答这个问题的规定。最相关的规定是：")
    assert "（仅供参考）" in reply.text and reply.data and reply.data["decision"] == "weak"


def test_a_rule_that_is_not_verified_gets_one_line_of_caution_and_no_research_note() -> None:
    hit = Hit(_rule("缴费期间", "是否计入答复期限，目前没有找到原文依据。", status="UNVERIFIED"), 0.4)
    reply = compose_answer("等缴费的时间计入期限吗", [hit])
    assert "注意：此条尚未对照原文核实，仅供参考" in reply.text
    assert "待核实：" not in reply.text


def test_no_yes_or_no_from_a_rule_that_does_not_speak_to_what_the_modal_governs() -> None:
    chunk = next(c for c in plan_chunks() if c.section == "五(二)" and "压实信息审核责任" in c.text)
    reply = compose_answer("政务微博可以开直播吗", [Hit(chunk, 0.5)])  # the rule is on the account, not on 直播
    assert reply.text.splitlines()[0] not in ("可以。", "不可以。")
    rule = _rule("第二十九条", "申请人采用书面形式确有困难的，可以口头提出，由受理机关代为填写申请。")
    told = compose_answer("群众不会写字能口头申请公开吗", [Hit(rule, 0.5)])
    assert told.text.splitlines()[0] == "能。"


def test_a_who_question_leads_with_the_units_of_the_duty_clause() -> None:
    chunk = next(c for c in plan_chunks() if c.section == "六(二)" and "培训不少于一次" in c.text)
    reply = compose_answer("政务公开培训谁来组织", [Hit(chunk, 0.5)])
    assert reply.text.splitlines()[0] == "责任单位：县级各部门、各镇乡人民政府。"


def test_two_passages_of_one_article_are_listed_once_in_the_basis() -> None:
    from dataclasses import replace

    first = _rule("第二十四条", "对县级以上地方各级人民政府工作部门的行政行为不服的，由本级人民政府管辖行政复议案件。")
    second = replace(first, id="r:第二十四条:2", text="对县级人民政府的行政行为不服的，向上一级地方人民政府申请行政复议。")
    reply = compose_answer("对县政府部门的行为不服向谁申请行政复议", [Hit(first, 0.4), Hit(second, 0.35)])
    body, basis = reply.text.split("\n\n依据：\n")
    assert body.count("第二十四条〕") == 2  # both passages are quoted, each with its citation
    assert basis.splitlines() == ["1. 《政府信息公开条例》第二十四条"]


def test_a_plan_cue_prefers_the_plan_only_where_its_paragraph_says_what_was_asked() -> None:
    rule = _rule("第三条", "县级以上政府的办公厅（室）是本行政区域政府信息公开工作的主管部门。")
    staff = next(c for c in plan_chunks() if c.section == "六(一)")
    reply = compose_answer("县里政府信息公开工作的主管部门是哪个", [Hit(rule, 0.41), Hit(staff, 0.39)])
    assert reply.sources[0].section == "第三条"


def test_a_rare_question_word_outweighs_the_common_ones_when_rarity_is_known() -> None:
    oral = _rule("第二十九条", "原则上采用书面形式；书面确有困难的，可以口头提出，由工作机构代为填写申请。")
    channels = _rule("第二十八条", "依申请公开的申请，可以通过信函、传真、网上平台提出申请，申请公开要写明申请人的姓名。")
    question = "依申请公开能口头申请吗"
    def idf(term: str) -> float:  # as an index reports it: the words of 依申请公开 are in most clauses
        return 0.2 if term in "依申请公开" else 3.0

    assert compose_answer(question, [Hit(channels, 0.5), Hit(oral, 0.45)]).sources[0].section == "第二十八条"
    assert compose_answer(question, [Hit(channels, 0.5), Hit(oral, 0.45)], idf=idf).sources[0].section == "第二十九条"



def test_an_a_not_a_question_is_answered_in_its_own_verb() -> None:
    rule = _rule("第十四条", "依法确定为国家秘密的政府信息不予公开，也不得提供给申请人。")
    reply = compose_answer("申请人要国家秘密的文件，我们给不给", [Hit(rule, 0.5)])  # the bare 要 is not what is asked
    assert reply.text.splitlines()[0] == "不给。"
    assert reply.data is not None and reply.data["answer_type"] == "yes_no"


def test_a_question_naming_a_unit_quotes_the_duty_clause_that_names_it() -> None:
    chunk = next(c for c in plan_chunks() if c.section == "四(四)" and "县扶贫办" in c.text)
    reply = compose_answer("脱贫攻坚的信息公开，扶贫办有没有责任", [Hit(chunk, 0.5)])
    assert "县扶贫办" in reply.text.split("\n\n依据")[0]
    other = compose_answer("脱贫攻坚的信息公开要公开哪些内容", [Hit(chunk, 0.5)])  # no unit named: no duty clause
    assert "责任单位" not in other.text.split("\n\n依据")[0]
