"""公开属性 rules that read the 公文's elements: 文种, 主送, 密级, 标注, 附注, and the cases the first-line rules missed."""

from __future__ import annotations

import pytest

from tests.test_gongwen import BRIEF, LETTER, NOTICE, PENALTY, REQUEST, TITLE_FIRST
from tools.attribute import NOT_PUBLIC, ON_REQUEST, PUBLIC, REDACTED, classify_document, render
from tools.attribute_rules import genre, single_addressee
from tools.gongwen import read_text


@pytest.mark.parametrize(("title", "expected"), [
    ("洱源县人民政府办公室关于做好2021年汛期地质灾害防治工作的通知", "通知"),
    ("洱源县林业和草原局关于申请追加森林防火经费的请示", "请示"),
    ("洱源县市场监督管理局行政处罚决定书", "行政处罚决定书"),
    ("洱源县城区停车管理办法（征求意见稿）", "征求意见稿"),
    ("洱源县农村人居环境整治考核办法（试行）", "办法"),
    ("关于同意设立洱源县西湖湿地管理站的批复", "批复"),
    ("洱源县2021年上半年公共资源配置领域政府信息公开工作总结", "总结"),
    ("关于商请协助开展饮用水源地保护区划定工作的函", "函"),
    ("关于2021年第一季度安全生产检查情况的通报", "通报"),
])
def test_genre_comes_from_the_title(title: str, expected: str) -> None:
    assert genre(read_text(title + "\n正文。")) == expected


def test_genre_of_a_brief_comes_from_its_masthead() -> None:
    assert genre(read_text(BRIEF)) == "简报"


@pytest.mark.parametrize(("addressees", "one"), [
    ("县人民政府：", "县人民政府"), ("李明：", "李明"), ("洱源县某某建材有限公司：", "洱源县某某建材有限公司"),
    ("各镇乡人民政府，县级各有关部门：", ""), ("县发展改革局、县财政局：", ""), ("县级各部门：", ""),
    ("县林业和草原局：", "县林业和草原局"), ("县住房和城乡建设局：", "县住房和城乡建设局"), ("县财政局和县审计局：", ""),
])
def test_addressee_one_party_or_many(addressees: str, one: str) -> None:
    doc = read_text(f"关于有关事项的通知\n{addressees}\n正文。")
    assert single_addressee(doc) == one


def test_a_request_with_its_headers_above_the_title_is_not_public() -> None:
    # the failing kind of the issue: 发文机关标志 and 发文字号 above the title used to hide the 请示
    result = classify_document(REQUEST)
    assert (result.attribute, result.rule, result.genre) == (NOT_PUBLIC, "request", "请示")
    assert "第十六条" in result.reasons[0].basis


def test_internal_brief_is_not_public_and_not_called_a_state_secret() -> None:
    result = classify_document(BRIEF)
    assert result.attribute == NOT_PUBLIC and result.rule == "internal_marking"
    assert "不属于国家秘密" in result.reasons[0].text and "第十四条" not in result.reasons[0].basis
    assert "第十六条" in result.reasons[0].basis and "推断" in result.reasons[0].basis


EPIDEMIC_BRIEF = """疫情防控工作简报
第23期
洱源县应对新冠肺炎疫情工作领导小组办公室编　　　　2021年2月3日
全县疫情防控工作情况
　　截至2月2日24时，全县累计排查重点地区来洱返洱人员1286人，均已落实健康管理措施，无新增确诊病例。
　　春节期间，请广大群众非必要不出县，返乡人员主动向村（社区）报备。
"""


def test_public_facing_epidemic_brief_is_published() -> None:
    result = classify_document(EPIDEMIC_BRIEF)
    assert result.attribute == PUBLIC and result.rule == "epidemic_brief"
    assert "四(三)" in result.reasons[0].basis and "第二十条第（十二）项" in result.reasons[0].basis


def test_the_same_brief_marked_internal_is_not_published() -> None:
    assert classify_document("内部资料　注意保管\n" + EPIDEMIC_BRIEF).attribute == NOT_PUBLIC


def test_penalty_decision_against_a_person_is_published_after_redaction() -> None:
    result = classify_document(PENALTY)
    assert result.attribute == REDACTED and result.rule == "penalty_person"  # 经营者：王小明 is a natural person
    bases = " ".join(r.basis for r in result.reasons)
    assert "《行政处罚法》第四十八条" in bases and "第二十条第（六）项" in bases and "推断" in bases
    assert "532930198505120016" not in result.redacted


def test_penalty_decision_against_a_company_is_published() -> None:
    text = PENALTY.replace("经营者：王小明，身份证号：532930198505120016\n", "").replace("住所：洱源县茈碧湖镇玉湖路18号\n", "")
    assert classify_document(text).attribute == PUBLIC


def test_penalty_in_summary_procedure_goes_on_request() -> None:
    text = PENALTY.replace("　　2021年4月8日", "　　本案适用简易程序。2021年4月8日")
    assert classify_document(text).attribute == ON_REQUEST


SUMMARY = """洱源县发展和改革局
洱发改〔2021〕41号
洱源县2021年上半年公共资源配置领域政府信息公开工作总结
县人民政府办公室：
　　2021年上半年，我局按照“谁批准、谁公开，谁实施、谁公开”的原则，主动公开公共资源配置领域信息126条，其中政府采购信息58条、工程建设项目招标投标信息41条。
　　下半年，我局将进一步完善目录清单，及时更新公开内容。
洱源县发展和改革局
2021年7月5日
"""


def test_summary_the_plan_requires_to_publish_is_published() -> None:
    result = classify_document(SUMMARY)
    assert result.attribute == PUBLIC and result.rule == "summary_public_resources"
    assert result.reasons[0].basis == "《洱源县2020年政务公开工作方案》四(六)"


def test_a_note_that_states_the_attribute_is_checked() -> None:
    mismatch = classify_document(NOTICE)  # 秘密★1年 in the 版头, but the 附注 says 此件公开发布
    assert mismatch.attribute == NOT_PUBLIC and mismatch.stated == PUBLIC
    assert any("不一致" in r.text and "此件公开发布" in r.text for r in mismatch.reasons)
    agree = classify_document(NOTICE.replace("秘密★1年\n", ""))
    assert agree.attribute == PUBLIC and any("与本建议一致" in r.text for r in agree.reasons)


def test_a_letter_to_one_body_and_a_regulation_notice() -> None:
    assert classify_document(TITLE_FIRST).attribute == PUBLIC
    assert classify_document(LETTER).attribute != PUBLIC  # 商请 … 函 to one body: consultation between organs


@pytest.mark.parametrize("draft", [REQUEST, BRIEF, EPIDEMIC_BRIEF, PENALTY, SUMMARY, NOTICE])
def test_every_reason_names_a_basis_and_the_reply_ends_with_the_reminder(draft: str) -> None:
    data = classify_document(draft).as_dict()
    assert all(r["basis"].strip() for r in data["reasons"])
    assert "审核、签发" in render(data).splitlines()[-1]


@pytest.mark.parametrize(("draft", "label", "rule"), [
    ("关于限期整改消防安全隐患的通知\n洱源县某某酒店：\n经检查，你单位消防通道堵塞，请于7日内整改。\n洱源县消防救援大队\n2021年5月6日\n",
     ON_REQUEST, "individual_party"),
    ("关于限期整改消防安全隐患的通知\n各镇乡人民政府，县级各有关部门：\n请督促辖区单位于7日内整改消防隐患。\n", PUBLIC, "broad_notice"),
    ("关于提请审议洱源县2021年县级预算调整方案的议案\n县人大常委会：\n现将预算调整方案提请审议。\n", NOT_PUBLIC, "motion"),
])
def test_addressee_decides_between_one_party_and_everyone(draft: str, label: str, rule: str) -> None:
    result = classify_document(draft)
    assert (result.attribute, result.rule) == (label, rule)


def test_an_unmarked_supervision_report_is_not_published() -> None:
    text = BRIEF.replace("内部资料　注意保管\n", "")
    result = classify_document(text)
    assert result.attribute == NOT_PUBLIC and result.rule == "supervision" and "推断" in result.reasons[0].basis


@pytest.mark.parametrize(("title", "rule"), [
    ("洱源县人民政府办公室关于报送2021年政务公开工作总结的通知", "internal_affairs"),
    ("关于征求《洱源县城镇老旧小区改造工作实施方案》意见的通知", "consultation_notice"),
    ("关于召开全县森林防火工作会议的通知", "internal_affairs"),
])
def test_internal_work_notices_to_all_units_are_not_published(title: str, rule: str) -> None:
    result = classify_document(f"{title}\n各镇乡人民政府，县直各部门：\n　　请按要求办理。\n")
    assert (result.attribute, result.rule) == (NOT_PUBLIC, rule)


# 此件公开发布 needs positive evidence: a category of 条例第十九至二十一条 named by a rule (texts invented here)
NEUTRAL_NOTICE = ("洱源县某某局\n洱某发〔2021〕7号\n洱源县某某局关于调整会商系统登录方式的通知\n各股室、各站所：\n"
                  "自12月1日起，会商系统改用新账号登录，请各单位于11月28日前到信息股领取账号。\n洱源县某某局\n2021年11月20日\n")


def test_a_neutral_notice_with_no_category_is_on_request_for_a_person_to_judge() -> None:
    result = classify_document(NEUTRAL_NOTICE)
    assert result.attribute == ON_REQUEST and result.rule == ""
    text = "".join(r.text for r in result.reasons)
    assert "未找到主动公开的法定类别" in text and "建议人工判断" in text and "第二十七条" in text
    assert any("第二十七条" in r.basis for r in result.reasons)


def test_a_notice_to_all_townships_needs_a_category_to_be_published() -> None:
    plain = "关于做好会议室预约登记的通知\n各镇乡人民政府，县级各部门：\n请按新的预约表登记。\n"
    fire = "关于做好冬春森林防火工作的通知\n各镇乡人民政府，县级各部门：\n请落实防火责任，严控野外火源。\n"
    assert classify_document(plain).attribute == ON_REQUEST
    result = classify_document(fire)
    assert (result.attribute, result.rule) == (PUBLIC, "broad_notice")
    assert "第二十条第（十二）项" in result.reasons[0].basis


def test_an_announcement_to_the_public_is_published() -> None:
    draft = ("洱源县人民政府\n洱源县人民政府关于城区部分路段临时交通管制的通告\n"
             "因管网改造施工，11月10日至11月20日茈碧湖镇玉湖路实行临时交通管制，请过往车辆绕行。\n洱源县人民政府\n2021年11月5日\n")
    result = classify_document(draft)
    assert (result.attribute, result.rule) == (PUBLIC, "announcement")


def test_similarity_alone_never_publishes() -> None:
    # a genre-less text that reads like the published examples but names no category: never 公开发布
    for draft in ("关于第三季度有关工作情况\n各项工作已按计划完成，欢迎群众监督。\n",
                  "关于邓川镇新州村排水沟渠修缮项目有关情况\n项目总投资18万元，已完工，欢迎群众监督。\n"):
        result = classify_document(draft)
        assert result.rule == "" and result.attribute not in (PUBLIC, REDACTED)


def test_a_release_naming_a_category_is_published_with_its_basis() -> None:
    # the same shape of text, but its title names a category (环境质量, 第二十条第（十三）项): a positive rule
    result = classify_document("洱源县2021年第三季度空气质量状况\n县城环境空气质量优良天数比例为100%。\n")
    assert (result.attribute, result.rule) == (PUBLIC, "category_release")
    assert "第二十条第（十三）项" in " ".join(r.basis for r in result.reasons)
    internal = classify_document("关于报送第三季度空气质量状况的请示\n县人民政府：\n妥否，请批示。\n")
    assert internal.attribute == NOT_PUBLIC


def test_preparing_a_budget_is_internal_work_not_the_budget() -> None:
    draft = "关于做好2023年部门预算编制工作的通知\n县级各部门：\n请于10月底前报送预算建议数。\n"
    assert classify_document(draft).attribute == NOT_PUBLIC
