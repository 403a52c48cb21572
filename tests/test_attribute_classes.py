"""Classes of 公文 the 公开属性 rules must get right, on drafts written for these tests (not from any eval set)."""

from __future__ import annotations

import pytest

from tools.attribute import NOT_PUBLIC, ON_REQUEST, PUBLIC, REDACTED, classify_document

LIST_NOTICE = """洱源县民政局
洱源县2026年第三季度临时救助对象名单公示
　　根据《社会救助暂行办法》，经本人申请、乡镇审核、县民政局审批，现将第三季度临时救助对象公示如下：
　　序号　姓名　身份证号　所在村组　救助金额
　　1　罗正明　532930197104182410　炼铁乡炼铁村　2000元
　　2　何桂芬　532930196809270621　西山乡团结村　1500元
　　公示期7天，如有异议，请向县民政局反映，监督电话：0872-5122345。
洱源县民政局
2026年10月8日
"""


def test_a_public_list_of_people_pasted_from_word_is_published_only_after_redaction() -> None:
    # the cells of a pasted Word table are separated by single full-width spaces; the ID numbers' check
    # digits are wrong (typed by hand). The 公示 is public, the people's data is not: 删减后公开.
    result = classify_document(LIST_NOTICE)
    assert result.attribute == REDACTED
    assert "532930197104182410" not in result.redacted and "罗正明" not in result.redacted
    assert "0872-5122345" in result.redacted  # the office's 监督电话 stays
    assert any("第三十七条" in r.basis for r in result.reasons)




NEUTRAL_NOTICE = """洱源县人民政府办公室
洱政办发〔2026〕51号
洱源县人民政府办公室关于印发洱源县2026年机关效能建设工作要点的通知
各乡镇人民政府，县级各部门：
　　《洱源县2026年机关效能建设工作要点》已经县人民政府同意，现印发给你们，请结合实际抓好落实。
洱源县人民政府办公室
2026年3月9日
（{note}）
"""


def test_a_stated_attribute_decides_when_no_rule_speaks_and_a_person_is_asked_to_check() -> None:
    published = classify_document(NEUTRAL_NOTICE.format(note="此件公开发布"))
    assert published.attribute == PUBLIC and published.method == "similarity"
    assert any("附注已标注" in r.text and "建议人工判断" in r.text and r.basis for r in published.reasons)
    withheld = classify_document(NEUTRAL_NOTICE.format(note="此件不公开"))
    assert withheld.attribute == NOT_PUBLIC
    # without a 附注 the same draft has no positive category: on request, for a person to judge
    assert classify_document(NEUTRAL_NOTICE.replace("（{note}）\n", "")).attribute == ON_REQUEST


def test_a_stated_publication_never_overrides_a_signal_or_personal_data() -> None:
    request = NEUTRAL_NOTICE.format(note="此件公开发布").replace("通知\n", "请示\n", 1).replace(
        "各乡镇人民政府，县级各部门：", "县人民政府：") + "　　妥否，请批示。\n"
    result = classify_document(request)
    assert result.attribute == NOT_PUBLIC
    assert any("不一致" in r.text for r in result.reasons)
    with_person = NEUTRAL_NOTICE.format(note="此件公开发布").replace(
        "抓好落实。", "抓好落实。联系人：段志强，手机13908725566。")
    assert classify_document(with_person).attribute == REDACTED


PENALTY = """洱源县市场监督管理局
行政处罚决定书
洱市监处罚〔2026〕88号
当事人：洱源县鑫源副食店（个体工商户）
经营场所：洱源县邓川镇
　　经查，当事人未按规定在经营场所醒目位置悬挂食品经营许可证，违反了《食品经营许可和备案管理办法》的规定。依据有关规定，本局决定{penalty}
　　如不服本决定，可以在收到本决定书之日起六十日内向洱源县人民政府申请行政复议。
洱源县市场监督管理局
2026年8月12日
"""


def test_a_warning_alone_goes_on_request_but_a_fine_is_published() -> None:
    warning = classify_document(PENALTY.format(penalty="给予警告的行政处罚。"))
    assert warning.attribute == ON_REQUEST and warning.rule == "penalty_minor"
    assert any("信息公示规定" in r.basis for r in warning.reasons)
    fined = classify_document(PENALTY.format(penalty="给予警告，并处罚款2000元。"))
    assert fined.attribute in (PUBLIC, REDACTED) and fined.rule == "penalty_decision"


APPOINTMENT = """洱源县人民政府
洱政任〔2026〕7号
洱源县人民政府关于杨立新等同志职务任免的通知
各乡镇人民政府，县级各部门：
　　经县人民政府研究决定：
　　任命杨立新为洱源县文化和旅游局副局长；
　　免去段海明的洱源县林业和草原局副局长职务。
洱源县人民政府
2026年6月2日
"""


def test_an_appointment_notice_publishes_the_names_of_the_officials() -> None:
    result = classify_document(APPOINTMENT)
    assert result.attribute == PUBLIC
    assert any("第二十条第（二）项" in r.basis for r in result.reasons)
    # the same notice with a personal phone number still has something to remove
    with_phone = APPOINTMENT.replace("副局长；", "副局长（手机13908726611）；", 1)
    assert classify_document(with_phone).attribute == REDACTED


LETTER_TO_ORGAN = """洱源县水务局
洱水函〔2026〕21号
洱源县水务局关于{subject}的函
{to}：
　　凤羽镇供水管网改造项目资金缺口180万元，请贵局研究提出意见，于6月30日前函复。
洱源县水务局
2026年6月12日
"""


def test_a_letter_between_organs_is_process_but_an_answer_to_a_party_is_on_request() -> None:
    letter = classify_document(LETTER_TO_ORGAN.format(subject="协调解决凤羽镇供水管网改造资金", to="县财政局"))
    assert (letter.attribute, letter.rule) == (NOT_PUBLIC, "organ_letter")
    assert "第十六条第二款" in letter.reasons[0].basis and "推断" in letter.reasons[0].basis
    answer = classify_document(LETTER_TO_ORGAN.format(subject="凤羽镇供水管网改造有关问题的复", to="洱源县凤羽镇人民政府")
                               .replace("的复的函", "的复函"))
    assert answer.attribute == ON_REQUEST
    company = classify_document(LETTER_TO_ORGAN.format(subject="供水管网改造工程结算", to="洱源县宏达建筑工程有限公司"))
    assert company.rule != "organ_letter"


def test_a_letter_that_grants_or_informs_is_not_a_consultation() -> None:
    granting = LETTER_TO_ORGAN.format(subject="同意凤羽镇调整供水管网改造项目建设内容", to="洱源县凤羽镇人民政府").replace(
        "凤羽镇供水管网改造项目资金缺口180万元，请贵局研究提出意见，于6月30日前函复。", "经研究，同意你镇调整项目建设内容。")
    assert classify_document(granting).rule != "organ_letter"


COMMENDATION = """洱源县人民政府
洱政发〔2026〕31号
洱源县人民政府关于命名2026年度县级文明村镇的决定
各乡镇人民政府，县级各部门：
　　经县精神文明建设委员会考评，县人民政府决定，命名邓川镇等5个镇、旧州村等12个村为2026年度县级文明村镇。
　　附件：县级文明村镇名单
洱源县人民政府
2026年9月8日
"""


def test_a_commendation_is_published_and_only_the_awardees_contact_data_is_removed() -> None:
    result = classify_document(COMMENDATION)
    assert (result.attribute, result.rule) == (PUBLIC, "commendation")
    assert "第十九条" in result.reasons[0].basis and "推断" in result.reasons[0].basis
    people = COMMENDATION.replace("命名邓川镇等5个镇、旧州村等12个村为2026年度县级文明村镇",
                                  "授予和建军、施玉兰同志“洱源县优秀乡村医生”称号（和建军，手机13988720123）")
    redacted = classify_document(people)
    assert redacted.attribute == REDACTED
    assert "13988720123" not in redacted.redacted
    # what makes it 删减后公开 is the phone; the names are what a commendation publishes
    (why,) = [r.text for r in redacted.reasons if "公开前应去标识化" in r.text]
    assert "手机号" in why and "姓名" not in why


def test_a_draft_that_puts_itself_up_as_a_notice_is_published_after_removing_ids() -> None:
    roster = """洱源县教育体育局
2026年秋季学期家庭经济困难学生资助名册
学校：洱源县第二中学
学生姓名\t家长姓名\t家长身份证号\t资助金额
和小芳\t和建平\t532930198104250413\t1250元
以上名单公示5天，如有异议请向学校资助中心反映。
"""
    result = classify_document(roster)
    assert result.attribute == REDACTED and "532930198104250413" not in result.redacted
    # the same roster sent to the 财政局 for payment is no 公示 at all
    sent = roster.replace("以上名单公示5天，如有异议请向学校资助中心反映。", "请按程序拨付资金。")
    assert classify_document(sent).attribute != REDACTED


PLAN_NOTICE = """洱源县住房和城乡建设局
洱住建发〔2026〕19号
洱源县住房和城乡建设局关于{title}的通知
茈碧湖镇人民政府，县财政局、县发展和改革局：
　　现将{body}
洱源县住房和城乡建设局
2026年3月16日
"""


def test_a_notice_issuing_a_plan_in_a_category_is_published_but_an_internal_plan_is_not() -> None:
    public = classify_document(PLAN_NOTICE.format(
        title="印发2026年城镇老旧小区改造实施计划", body="2026年城镇老旧小区改造实施计划印发给你们，共改造小区8个。"))
    assert (public.attribute, public.rule) == (PUBLIC, "issued_policy")
    internal = classify_document(PLAN_NOTICE.format(
        title="印发局机关2026年干部职工教育培训计划", body="局机关2026年干部职工教育培训计划印发给你们。"))
    assert internal.attribute == NOT_PUBLIC


FLOOD_NOTICE = """洱源县人民政府办公室
洱政办发〔2026〕45号
洱源县人民政府办公室关于{title}的通知
{to}：
　　入汛以来我县降雨偏多。各级干部职工要坚守岗位，严格工作纪律，考核结果纳入年度综合考评，确保人民群众生命财产安全。
洱源县人民政府办公室
2026年6月1日
"""


def test_internal_words_in_the_body_of_a_public_notice_are_no_internal_subject() -> None:
    # 干部职工, 工作纪律, 考核结果 in the 正文 describe how the notice is carried out, not what it is about
    public = classify_document(FLOOD_NOTICE.format(title="做好2026年主汛期防汛工作", to="各乡镇人民政府，县级各部门"))
    assert public.attribute == PUBLIC
    # the same words in the title, or a notice to the organ's own 股室, are internal affairs (第十六条第一款)
    duty = classify_document(FLOOD_NOTICE.format(title="做好2026年主汛期值班工作", to="各乡镇人民政府，县级各部门"))
    own = classify_document(FLOOD_NOTICE.format(title="做好2026年主汛期防汛工作", to="办公室机关各股室"))
    assert duty.attribute == NOT_PUBLIC and own.attribute == NOT_PUBLIC
    assert "第十六条第一款" in duty.reasons[0].basis


ISSUED_RULES = """洱源县市场监督管理局
洱市监发〔2026〕12号
洱源县市场监督管理局关于印发洱源县小餐饮店登记管理办法的通知
各乡镇人民政府，局属各单位：
　　《洱源县小餐饮店登记管理办法》{how}，现印发给你们，请认真贯彻执行。
洱源县市场监督管理局
2026年6月1日
"""


def test_how_a_published_document_was_made_is_no_meeting_record_or_consultation() -> None:
    for how in ("已经县市场监督管理局2026年第3次局务会议审议通过", "经与县卫生健康局、县农业农村局磋商一致"):
        assert classify_document(ISSUED_RULES.format(how=how)).attribute == PUBLIC, how
    record = "洱源县市场监督管理局2026年第3次局务会议纪要\n　　会议研究了小餐饮店登记管理有关问题。\n"
    assert classify_document(record).attribute == NOT_PUBLIC
    letter = "关于小餐饮店登记管理有关问题的磋商函\n县卫生健康局：\n　　请贵局于6月10日前反馈意见。\n"
    assert classify_document(letter).attribute == NOT_PUBLIC


def test_deliberating_a_plan_is_not_deliberating_people() -> None:
    plan = ("洱源县人民政府办公室关于印发洱源县2026年城乡居民养老保险扩面工作方案的通知\n各乡镇人民政府，县级各部门：\n"
            "　　本方案经反复酝酿、广泛征求意见形成，现印发给你们，请认真组织实施。\n洱源县人民政府办公室\n2026年6月1日\n")
    assert classify_document(plan).attribute == PUBLIC
    people = plan.replace("本方案经反复酝酿、广泛征求意见形成", "会议对拟任人选进行了酝酿")
    assert classify_document(people).attribute == NOT_PUBLIC


def test_a_disclaimer_closing_a_public_interpretation_is_no_internal_marking() -> None:
    reading = ("《洱源县城乡居民基本医疗保险实施细则》政策解读\n　　一、出台背景：为完善城乡居民医保制度，县医保局起草了《实施细则》。"
               "二、主要内容：参保范围、缴费标准。本解读仅供参考，具体以《实施细则》为准。\n洱源县医疗保障局\n2026年4月2日\n")
    assert classify_document(reading).attribute == PUBLIC
    for marking in ("仅供领导参考\n", "（仅供参考）\n"):
        assert classify_document(marking + reading.replace("本解读仅供参考，具体以《实施细则》为准。", "")).attribute == NOT_PUBLIC


@pytest.mark.parametrize("marking", ["内部资料　注意保管\n", "注意保密\n", "（注意保管）\n"])
def test_keep_safe_is_a_marking_on_its_own_line_not_advice_in_a_sentence(marking: str) -> None:
    notice = ("洱源县医疗保障局关于做好2027年度城乡居民医保集中参保缴费工作的通知\n各乡镇人民政府，县级各有关部门：\n"
              "　　集中缴费期为9月1日至12月31日。请群众缴费后注意保存缴费凭证。\n洱源县医疗保障局\n2026年9月1日\n")
    assert classify_document(notice).attribute == PUBLIC
    assert classify_document(marking + notice).attribute == NOT_PUBLIC


@pytest.mark.parametrize("mark", ["（征求意见）", "（内部征求意见）", "【征求意见】"])
def test_a_draft_sent_round_for_comment_is_a_process_draft(mark: str) -> None:
    # a decision still (征求意见) is a 过程稿 (第十六条第二款), even when it names one person and would
    # otherwise be answered on request
    draft = f"""洱源县某某局
关于对县某站干部段某违规发放津补贴问题的处理意见{mark}
县某站：
　　经查，段某在任该站站长期间违规发放津补贴2.3万元，拟给予警告处分。请于3日内反馈意见。
2026年3月11日
"""
    result = classify_document(draft)
    assert result.attribute == NOT_PUBLIC
    assert "第十六条第二款" in result.reasons[0].basis


def test_a_public_consultation_marked_for_comment_is_still_published() -> None:
    notice = """洱源县人民政府
关于公开征求《洱源县城市供水价格调整方案》意见的公告（征求意见）
　　为广泛听取社会各界意见，现将《洱源县城市供水价格调整方案》全文公布，向社会公开征求意见，公众可于2026年4月30日前提出意见。
洱源县人民政府
2026年4月1日
"""
    assert classify_document(notice).attribute == PUBLIC
