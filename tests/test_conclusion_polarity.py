"""Yes/no conclusions where the rule's meaning turns on a prohibition, a negated duty, a principle with an
exception, a condition, or a question that is itself negated. Each question is put as staff would put it,
against a real clause of the digest or the plan; the expected verdict is read from the clause itself."""

from __future__ import annotations

import pytest

from assistant.answer import compose_answer
from assistant.conclusion import conclude
from knowledge.corpus import digest_chunks, plan_chunks
from knowledge.types import Hit


def _clause(words: str) -> str:
    return next(c.text for c in [*digest_chunks(), *plan_chunks()] if words in c.text)


def _first_line(question: str, words: str) -> str:
    chunk = next(c for c in [*digest_chunks(), *plan_chunks()] if words in c.text)
    return compose_answer(question, [Hit(chunk, 0.5)]).text.splitlines()[0]


@pytest.mark.parametrize(("question", "words", "verdict"), [
    ("政务新媒体可以买粉吗", "严禁买粉", "不可以。"),  # 严禁买粉
    ("我们公众号能登商业广告吗", "严禁买粉", "不能。"),  # 不登商业广告
    ("国家秘密能公开吗", "三类信息一律不得公开", "不能。"),  # the list's head: 一律不得公开
    ("个人能用单位名义开公众号吗", "禁止任何人以单位名义", "不能。"),
    ("信息处理费按件按量能叠加收吗", "不得叠加重复收费", "不能。"),
    ("公众号发的内容要先审后发吗", "严禁买粉", "要。"),
])
def test_a_prohibition_or_a_duty_decides_the_bare_verdict(question: str, words: str, verdict: str) -> None:
    assert conclude(question, "yes_no", _clause(words)) == verdict


@pytest.mark.parametrize(("question", "words", "lead", "exception"), [
    ("申请政府信息公开要收费吗", "原则上不收费", "原则上不用", "明显超出合理范围"),  # 原则上不收费；只有…才可以收取
    ("依申请公开收不收钱", "原则上不收费", "原则上不收", "明显超出合理范围"),
    ("涉及商业秘密的信息可以公开吗", "原则上不得公开", "原则上不可以", "第三方同意公开"),
    ("个人信息处理者能把处理的个人信息公开吗", "不得公开它处理的个人信息", "一般不能", "单独同意"),
    ("申请人让我们把数据汇总分析好给他，必须做吗", "加工、分析后才能提供", "一般不必", "区分处理"),
])
def test_a_rule_with_an_exception_is_stated_with_it_never_as_a_bare_yes_or_no(
        question: str, words: str, lead: str, exception: str) -> None:
    line = conclude(question, "yes_no", _clause(words))
    assert line is not None and line.startswith(lead) and exception in line


@pytest.mark.parametrize(("question", "verdict"), [
    ("领导班子讨论的会议记录能不公开吗", "一般能"),
    ("讨论记录不公开可以吗", "一般可以"),
    ("讨论记录能不能不公开", "一般能"),
])
def test_a_negated_question_is_answered_about_not_doing_it(question: str, verdict: str) -> None:
    line = conclude(question, "yes_no", _clause("过程稿、讨论记录"))  # …可以不公开；但…要求公开的，照其规定公开
    assert line is not None and line.startswith(verdict) and "照其规定公开" in line


def test_a_negated_question_against_a_duty_is_answered_no() -> None:
    rule = "决定不予公开的，告知申请人并说明理由；经检索确认没有这条信息的，告知申请人该政府信息不存在。"
    assert conclude("决定不予公开的时候可以不说明理由吗", "yes_no", rule) == "不可以。"
    assert conclude("决定不予公开要说明理由吗", "yes_no", rule) == "要。"


def test_a_condition_is_the_answer_only_when_it_is_met() -> None:
    rule = _clause("不服复议决定的才能向法院起诉")
    assert conclude("决定不予公开的，申请人能直接去法院告吗", "yes_no", rule) == "不能，不服复议决定的才能向法院起诉。"
    line = conclude("银行卡号能处理吗", "yes_no", _clause("金融账户属于敏感个人信息"))
    assert line == "不能，只有目的特定、确有必要并采取严格保护措施时才能处理。"
    assert conclude("未备案的公众号能发布信息吗", "yes_no", "政务新媒体未经备案，不得发布信息。") == "不能，经备案才能发布信息。"


def test_a_permission_does_not_settle_a_duty_nor_the_duty_not_to() -> None:
    rule = "申请的数量明显超出合理范围的，机关可以要求申请人说明理由。"
    assert conclude("申请太多的时候必须要求申请人说明理由吗", "yes_no", rule) is None  # may, not must
    assert conclude("申请太多的时候可以不要求申请人说明理由吗", "yes_no", rule) is None


def test_the_composed_answer_leads_with_the_qualified_verdict_and_still_quotes_the_rule() -> None:
    assert _first_line("政务新媒体可以买粉吗", "严禁买粉") == "不可以。"
    line = _first_line("申请政府信息公开要收费吗", "原则上不收费")
    assert line.startswith("原则上不用；只有") and not line.startswith("要")
    chunk = next(c for c in digest_chunks() if "原则上不收费" in c.text)
    assert "原则上不收费" in compose_answer("申请政府信息公开要收费吗", [Hit(chunk, 0.5)]).text


def test_an_a_not_a_inside_a_who_question_gets_no_bare_verdict() -> None:
    rule = _clause("拿不准能不能公开的")
    assert conclude("拿不准能不能公开的，报谁定", "yes_no", rule) is None


def test_when_the_rule_lays_out_cases_the_verdict_names_the_case_it_holds_in() -> None:
    rule = _clause("理由不合理的，告知不予处理")  # 超出合理范围的，可以要求说明理由；理由不合理的，告知不予处理；…
    assert conclude("有人一个月申请几十件，能不处理吗", "false_premise", rule) == "理由不合理的，能。"
    assert conclude("申请太多能要求说明理由吗", "yes_no", rule) == "申请的数量或频次明显超出合理范围的，能。"
    told = "决定不予公开的，告知申请人并说明理由；经检索确认没有这条信息的，告知申请人该政府信息不存在。"
    assert conclude("决定不予公开的时候要说明理由吗", "yes_no", told) == "要。"  # the question names the case


def test_a_but_inside_a_case_is_no_exception() -> None:
    rule = _clause("理由不合理的，告知不予处理")  # 理由合理但…答复不完的，可以…
    line = conclude("理由合理的能延迟答复吗", "yes_no", rule)
    assert line is not None and not line.startswith("一般")


def test_a_modal_asked_last_gets_no_verdict_from_a_rule_silent_on_the_act_before_it() -> None:
    rule = _clause("同步组织、同步审签")  # the plan says 同步: nothing on sending first and adding later
    assert conclude("解读材料等文件发出去以后再补可以不", "yes_no", rule) is None
    assert conclude("讨论记录不公开可以吗", "yes_no", _clause("过程稿、讨论记录")) is not None


def test_a_modal_word_that_describes_a_noun_is_neither_asked_nor_the_rule() -> None:
    rule = _clause("不需要的个人信息直接删掉")
    assert conclude("不需要的个人信息要删掉吗", "yes_no", rule) == "要。"


def test_an_if_clause_is_what_the_verdict_holds_on_and_but_shall_is_no_exception() -> None:
    rule = _clause("第三方不同意公开且理由合理")  # …；机关若判断…，可以决定公开，但应把…书面告诉第三方
    line = conclude("第三方不同意，机关可以公开吗", "yes_no", rule)
    assert line == "机关若判断不公开将对公共利益造成重大影响，可以。"


def test_a_permission_only_on_a_condition_is_no_bare_yes() -> None:
    """"只有…的文件才允许原样公开" allows it on that condition only: a question about publishing an ID number
    is answered 不能 with the condition, never a bare 能 (the masking rule of the reference, §5.3)."""
    verdict = conclude("处罚决定书上能公开当事人的身份证号吗", "yes_no", _clause("才允许原样公开"))
    assert verdict == "不能，只有惩戒公示或依法强制披露的文件才能原样公开。"
