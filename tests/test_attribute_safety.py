"""Asymmetric safety as a property: with a secret/internal/process marker or a natural person's data, never 公开发布."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.attribute import NOT_PUBLIC, ON_REQUEST, PUBLIC, REDACTED, classify_document
from tools.attribute_safety import Safety, settle
from tools.checksums import id_check_char, luhn_check_digit
from tools.pii import find_pii

# Public-looking drafts of different shapes (each is 此件公开发布 as it stands; checked below).
BASES = (
    "洱源县人民政府办公室文件\n洱政办发〔2021〕21号\n洱源县人民政府办公室关于做好2021年春耕生产工作的通知\n"
    "各镇乡人民政府，县级各有关部门：\n　　为抓好春耕备耕，确保粮食播种面积稳定，现就有关事项通知如下。\n"
    "　　一、落实种植面积。\n　　二、保障农资供应。\n洱源县人民政府办公室\n2021年3月1日\n",
    "洱源县人民政府关于禁止在茈碧湖水域非法捕捞的通告\n　　为保护茈碧湖水生生物资源，现就有关事项通告如下：\n"
    "　　一、每年3月1日至6月30日为禁渔期。\n　　二、违反本通告的，由县农业农村局依法处理。\n洱源县人民政府\n2021年2月25日\n",
    "洱源县突发地质灾害应急预案\n1 总则\n1.1 编制目的：高效有序做好突发地质灾害应急防治工作。\n2 组织体系\n"
    "县人民政府设立县地质灾害应急指挥部。\n",
    "洱源县2021年县级一般公共预算草案的说明\n　　2021年县级一般公共预算收入安排3.2亿元，支出安排19.6亿元。\n",
)

MARKERS = (
    lambda d: "秘密★1年\n" + d,
    lambda d: "机密★5年\n特急\n" + d,
    lambda d: "内部资料　注意保管\n" + d,
    lambda d: "内部资料\n" + d,
    lambda d: d.replace("\n", "（讨论稿）\n", 1) if not d.startswith("洱源县人民政府办公室文件") else d.replace("通知\n", "通知（征求意见稿）\n", 1),
    lambda d: d + "（本件不得对外提供）\n",
    # 密级 written other ways, a 请示's closing, personnel deliberation, 党组会 records, internal assessment
    lambda d: "（秘密）\n" + d,
    lambda d: "秘密·1年\n" + d,
    lambda d: d + "　　妥否，请批示。\n",
    lambda d: d + "　　会议对拟任人选进行了酝酿，同意按程序报县委组织部。\n",
    lambda d: "局党组第5次党组会议议定事项\n" + d,
    lambda d: "（内部）\n" + d,
    lambda d: "2025年度干部绩效考核结果通报\n" + d,
    lambda d: d + "报：州人民政府办公室\n送：县委办公室\n",  # a 政务信息/专报 written for superiors
)


def _id_number(birth: str, seq: int) -> str:
    first17 = f"532930{birth}{seq:03d}"
    return first17 + id_check_char(first17)


def _card(seq: int) -> str:
    partial = f"622848{seq:012d}"
    return partial + luhn_check_digit(partial)


PERSONAL = st.one_of(
    st.builds(lambda b, s: f"身份证号：{_id_number(b, s)}",
              st.sampled_from(["19650312", "19781105", "19900228", "20010719"]), st.integers(1, 999)),
    st.builds(lambda s: f"银行卡号：{_card(s)}", st.integers(1, 10**9)),
    st.builds(lambda n: f"联系人手机：1{n}", st.integers(3_000_000_000, 9_999_999_999)),
)


def _insert(base: str, line: str, at: int) -> str:
    lines = base.splitlines()
    pos = 1 + at % max(1, len(lines) - 1)
    return "\n".join([*lines[:pos], line, *lines[pos:]]) + "\n"


def test_the_bases_are_public_as_they_stand() -> None:
    assert [classify_document(b).attribute for b in BASES] == [PUBLIC] * len(BASES)


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(BASES), st.sampled_from(MARKERS))
def test_a_marker_never_lets_a_draft_be_published(base: str, mark: object) -> None:
    draft = mark(base)  # type: ignore[operator]
    assert classify_document(draft).attribute in (ON_REQUEST, NOT_PUBLIC)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(BASES), PERSONAL, st.integers(0, 50))
def test_personal_data_is_never_published_as_it_is(base: str, data: str, at: int) -> None:
    draft = _insert(base, data, at)
    assert any(f.private for f in find_pii(draft)), draft  # the injected data is found at all
    result = classify_document(draft)
    assert result.attribute != PUBLIC
    assert result.attribute == REDACTED or result.attribute in (ON_REQUEST, NOT_PUBLIC)


# A draft no rule speaks for, whose 附注 says it is to be published: the 附注 decides only while nothing forbids it.
STATED = ("洱源县人民政府办公室\n洱政办发〔2026〕51号\n洱源县人民政府办公室关于印发洱源县2026年机关效能建设工作要点的通知\n"
          "各乡镇人民政府，县级各部门：\n　　《洱源县2026年机关效能建设工作要点》已经县人民政府同意，现印发给你们，请结合实际抓好落实。\n"
          "洱源县人民政府办公室\n2026年3月9日\n（此件公开发布）\n")


def test_the_stated_base_is_published_as_it_stands() -> None:
    assert classify_document(STATED).attribute == PUBLIC


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(MARKERS), st.one_of(st.none(), PERSONAL), st.integers(0, 50))
def test_a_stated_publication_never_outweighs_a_marker(mark: object, data: str | None, at: int) -> None:
    draft = mark(STATED)  # type: ignore[operator]
    if data is not None:
        draft = _insert(draft, data, at)
    assert classify_document(draft).attribute in (ON_REQUEST, NOT_PUBLIC)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(BASES), st.sampled_from(MARKERS), PERSONAL, st.integers(0, 50))
def test_marker_and_personal_data_together(base: str, mark: object, data: str, at: int) -> None:
    draft = _insert(mark(base), data, at)  # type: ignore[operator]
    assert classify_document(draft).attribute in (ON_REQUEST, NOT_PUBLIC)


def test_settle_is_the_last_word_whatever_decided_before() -> None:
    from tools.attribute_rules import RuleHit, rulebook
    request = next(r for r in rulebook().rules if r.id == "request")
    blocked = Safety(signals=(RuleHit(request, "请示"),), private=(), secrets=(), exception=None)
    assert settle(PUBLIC, blocked)[0] == NOT_PUBLIC
    assert settle(REDACTED, blocked)[0] == NOT_PUBLIC
    person = find_pii("身份证号：" + _id_number("19780512", 17))
    with_data = Safety(signals=(), private=tuple(person), secrets=(), exception=None)
    assert settle(PUBLIC, with_data)[0] == REDACTED
    assert blocked.allowed() == (ON_REQUEST, NOT_PUBLIC) and PUBLIC not in with_data.allowed()


def test_the_statistical_layer_cannot_publish_a_draft_with_personal_data() -> None:
    # no rule speaks for this draft: the similarity layer decides, among the labels left to it
    draft = "关于邓川镇新州村排水沟渠修缮项目有关情况\n项目总投资18万元，已完工。\n施工负责人手机：13988123456\n"
    result = classify_document(draft)
    assert result.method == "similarity" and result.attribute != PUBLIC


@pytest.mark.parametrize("title", ["关于失信被执行人名单的公告", "关于拒不支付劳动报酬违法行为的公布", "2021年拟录用公务员名单公示",
                                   "关于2021年耕地地力保护补贴发放情况的公示"])
def test_a_list_of_people_with_id_and_card_numbers_is_never_published_as_it_is(title: str) -> None:
    roster = "".join(f"\n{n}　身份证号：{_id_number('1978051' + str(i), 10 + i)}　银行卡号：{_card(700 + i)}"
                     for i, n in enumerate(["杨丽华", "赵秀英", "李建国"]))
    result = classify_document(title + roster + "\n")
    assert result.attribute == REDACTED
    assert all(f.text not in result.redacted for f in result.findings if f.type in ("id_card", "bank_card"))
