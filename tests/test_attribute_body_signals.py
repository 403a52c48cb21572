"""Signals a drafter writes into the 正文 or the 附件说明 rather than the 版头, and a 文种 spaced out as its title."""

from __future__ import annotations

import pytest

from tools import attribute_rules as rules
from tools.attribute import NOT_PUBLIC, ON_REQUEST, PUBLIC, REDACTED, classify_document
from tools.gongwen import read_text

SAFETY_NOTICE = """某某县安全生产委员会办公室
某安办〔2025〕11号
某某县安全生产委员会办公室关于近期重大事故隐患排查情况的通报
各镇乡人民政府，县安委会各成员单位：
　　6月以来，县安委办组织对全县重点行业领域开展了安全生产暗访检查，发现砂石料场边坡失稳、在建工地塔吊未经检测投入使用等问题。
请各镇乡、各有关部门举一反三，立即组织开展隐患排查整治，并于7月15日前将整改情况报县安委办。{closing}
某某县安全生产委员会办公室
2025年7月3日
"""


@pytest.mark.parametrize("closing", ["\n本通报为内部资料，请勿在网络上转载。", "\n本材料系内部资料，仅供领导参阅。",
                                     "此件请勿外传。"])
def test_a_document_that_calls_itself_internal_in_its_last_lines_is_not_published(closing: str) -> None:
    # the 安全生产 subject and the 主送 各镇乡 make the bare notice public; the drafter's own statement that it is
    # internal material, written after the 正文 instead of above the title, keeps it back (第十六条, 推断)
    assert classify_document(SAFETY_NOTICE.format(closing="")).attribute == PUBLIC
    result = classify_document(SAFETY_NOTICE.format(closing=closing))
    assert result.attribute == NOT_PUBLIC
    assert "第十六条" in result.reasons[0].basis and "不属于国家秘密" in result.reasons[0].text


def test_advice_to_keep_other_peoples_data_safe_is_no_internal_statement() -> None:
    notice = SAFETY_NOTICE.format(closing="检查中获取的企业资料由县安委办统一保管，各单位要做好隐患台账管理。")
    assert classify_document(notice).attribute == PUBLIC


CONSULTED_RULES = """某某县人力资源和社会保障局
某人社发〔2025〕14号
某某县人力资源和社会保障局关于{title}的通知
县级各有关部门，各镇乡人民政府：
　　为进一步做好创业担保贷款工作，我局起草了《某某县创业担保贷款实施细则》，现印发给你们，请认真贯彻执行。
附件：某某县创业担保贷款实施细则{draft}
某某县人力资源和社会保障局
2025年6月10日
"""


def test_a_draft_named_in_the_attachment_line_makes_the_notice_a_consultation_between_organs() -> None:
    issued = classify_document(CONSULTED_RULES.format(title="印发《某某县创业担保贷款实施细则》", draft=""))
    assert issued.attribute == PUBLIC
    drafted = classify_document(CONSULTED_RULES.format(title="印发《某某县创业担保贷款实施细则》", draft="（征求意见稿）"))
    assert (drafted.attribute, drafted.rule) == (NOT_PUBLIC, "process_draft")
    asked = classify_document(CONSULTED_RULES.format(title="对《某某县创业担保贷款实施细则》提出修改意见", draft=""))
    assert (asked.attribute, asked.rule) == (NOT_PUBLIC, "consultation_notice")


@pytest.mark.parametrize("spaced", ["通　告", "通  告", "通 告"])
def test_a_spaced_out_genre_under_the_issuer_is_the_title(spaced: str) -> None:
    text = (f"某某县人民政府\n{spaced}\n某政通〔2025〕2号\n　　为保护某某湖渔业资源，县人民政府决定：自2025年3月1日至6月30日，"
            "某某湖全湖实行禁渔。\n举报电话：0870-6120011\n特此通告。\n某某县人民政府\n2025年2月20日\n")
    doc = read_text(text)
    assert (doc.issuer_mark, doc.title, doc.doc_number) == ("某某县人民政府", "通告", "某政通〔2025〕2号")
    result = classify_document(text)
    assert (result.attribute, result.genre) == (PUBLIC, "通告")


TRAINING = """某某县人民政府办公室
某政办〔2025〕40号
某某县人民政府办公室关于举办2025年{what}培训班的通知
各镇乡人民政府，县级各部门：
　　县政府办定于2025年8月12日举办培训班，现将有关事项通知如下：
　　一、培训对象。{who}
　　二、培训地点。县政务服务中心五楼会议室。
某某县人民政府办公室
2025年8月1日
"""


def test_a_training_for_officials_is_internal_but_one_for_the_public_is_not() -> None:
    staff = classify_document(TRAINING.format(what="政务公开业务", who="各镇乡、各部门分管领导和政务公开工作人员各1名。"))
    assert (staff.attribute, staff.rule) == (NOT_PUBLIC, "staff_training")
    assert "第十六条第一款" in staff.reasons[0].basis
    farmers = classify_document(TRAINING.format(what="农村劳动力转移就业技能", who="有就业意愿的农村劳动力，每镇乡50人。"))
    assert farmers.attribute != NOT_PUBLIC


def test_the_organs_own_party_work_plan_is_internal_affairs() -> None:
    plan = ("中共某某县财政局党组\n某某县财政局2025年机关党建工作要点\n　　2025年，局机关党建工作重点抓好以下工作：\n"
            "　　一、落实党组理论学习中心组学习制度，全年集中学习不少于12次。\n　　二、规范开展“三会一课”和主题党日活动。\n")
    result = classify_document(plan)
    assert result.attribute == NOT_PUBLIC and "第十六条第一款" in result.reasons[0].basis


def test_an_opening_sentence_ending_in_a_colon_is_no_addressee() -> None:
    # "……现将有关事项公告如下：" under a 公告's title is its 正文; read as a 主送 it put the 正文's words
    # (a cited 《……人事管理条例》) into what the document is about
    text = ("某某县人力资源和社会保障局\n某人社公告〔2025〕3号\n某某县2025年事业单位公开招聘工作人员公告\n"
            "根据《事业单位人事管理条例》，经县人民政府同意，现将有关事项公告如下：\n一、招聘岗位30个。\n"
            "二、报名时间为2025年8月3日至8月7日。\n某某县人力资源和社会保障局\n2025年7月24日\n")
    doc = read_text(text)
    assert doc.addressees == "" and doc.body.startswith("根据《事业单位人事管理条例》")
    assert classify_document(text).attribute == PUBLIC
    assert read_text("关于启用新印章的通知\n为民服务中心：\n即日起启用新印章。\n").addressees == "为民服务中心"


INSPECTION_PLAN = """某某县市场监督管理局
某市监发〔2025〕20号
某某县市场监督管理局关于印发2025年度“双随机、一公开”抽查工作计划的通知
{to}：
　　现将《2025年度“双随机、一公开”抽查工作计划》印发给你们，请认真抓好落实。抽查结果通过国家企业信用信息公示系统向社会公示。
某某县市场监督管理局
2025年4月1日
"""


def test_the_organs_own_offices_alone_are_an_internal_audience_but_not_with_its_field_offices() -> None:
    own = classify_document(INSPECTION_PLAN.format(to="局机关各股室"))
    assert (own.attribute, own.rule) == (NOT_PUBLIC, "internal_audience")
    assert classify_document(INSPECTION_PLAN.format(to="局机关各股室，各市场监督管理所")).attribute == PUBLIC


HOMESTEAD = """某某县某某镇人民政府
某镇复〔2025〕9号
某某镇人民政府关于同意杨明远申请宅基地建房的批复
河头村委会：
　　你村委会报来的申请收悉。经审查，申请人杨明远（身份证号532930197803154416）符合“一户一宅”条件，同意其在河头村2组申请宅基地120平方米。
{post}
某某县某某镇人民政府
2025年5月8日
"""


def test_a_reply_the_organ_orders_posted_for_the_village_is_published_after_redaction() -> None:
    # a 批复 to one 村委会 answers that party (依申请公开) unless it says it is itself to be posted (第十九条);
    # the applicant's ID number is then removed first (第三十七条)
    assert classify_document(HOMESTEAD.format(post="此复。")).attribute == ON_REQUEST
    posted = classify_document(HOMESTEAD.format(post="请你村委会将本批复在村务公开栏张贴公示。"))
    assert posted.attribute == REDACTED and posted.rule == "self_posted"
    assert "532930197803154416" not in posted.redacted
    kept = classify_document(HOMESTEAD.format(post="本批复不得在村务公开栏张贴公示。"))
    assert kept.attribute not in (PUBLIC, REDACTED)


def test_a_brief_that_says_it_is_published_on_the_portal_is_public() -> None:
    brief = ("某某县政务公开简报\n第3期\n某某县人民政府办公室编　　2025年9月15日\n县政务服务中心政务公开专区启用\n"
             "　　9月10日，政务公开专区正式启用，群众可现场查阅主动公开的政府信息。\n{end}\n")
    assert classify_document(brief.format(end="本简报同时在县人民政府门户网站“政务公开”栏目发布。")).attribute == PUBLIC
    assert classify_document(brief.format(end="本简报为内部资料，请勿外传。")).attribute == NOT_PUBLIC


@pytest.mark.parametrize("title", ["询问笔录", "现场检查笔录", "立案审批表", "案件调查终结报告"])
def test_records_of_an_enforcement_case_are_its_case_file(title: str) -> None:
    text = (f"某某县市场监督管理局\n{title}\n检查时间：2025年3月18日\n检查地点：某某镇集镇某农资店\n"
            "　　执法人员出示执法证件，现场发现标称某品牌农药42瓶外包装未标注农药登记证号，依法实施先行登记保存。\n")
    result = classify_document(text)
    assert (result.attribute, result.rule) == (NOT_PUBLIC, "enforcement_file")
    assert "行政执法案卷" in result.reasons[0].basis


BROAD = """某某县人民政府办公室文件
某政办发〔2025〕12号
某某县人民政府办公室关于{title}的通知
{to}：
　　经县人民政府同意，现将有关事项通知如下：一、提高思想认识。二、压实工作责任。三、加强宣传引导。
某某县人民政府办公室
2025年3月1日
"""


@pytest.mark.parametrize(("subject", "article"), [
    ("做好2025年秸秆禁烧工作", "第二十条第（十三）项"), ("深入开展禁毒人民战争", "第二十一条"),
    ("做好第七次全国人口普查入户登记", "第二十条第（四）项"), ("做好根治欠薪冬季专项行动", "第二十条第（十一）项"),
    ("加强冬春火灾防控", "第二十条第（十二）项"), ("推进农村集体经济发展", "第二十一条"),
])
def test_a_notice_to_all_townships_on_a_subject_the_public_must_know_names_its_article(subject: str, article: str) -> None:
    public = classify_document(BROAD.format(title=subject, to="各镇乡人民政府，县级各有关部门"))
    assert public.attribute == PUBLIC and article in public.reasons[0].basis
    # the same subject in a report upwards or a notice to the organ's own offices stays back (第十六条)
    assert classify_document(BROAD.format(title=subject, to="局机关各股室")).attribute == NOT_PUBLIC
    upward = BROAD.replace("的通知", "情况的报告").format(title=subject, to="县人民政府")
    assert classify_document(upward).attribute == NOT_PUBLIC


APPROVAL = """某某县人民政府
某政复〔2025〕3号
某某县人民政府关于{what}的批复
{to}：
　　你单位的请示收悉。经研究，批复如下：一、同意所报事项。二、请认真组织实施。
某某县人民政府
2025年5月6日
"""


def test_approving_a_plan_or_a_construction_project_is_published_though_it_answers_one_unit() -> None:
    plan = classify_document(APPROVAL.format(what="同意《某某镇国土空间总体规划（2021-2035年）》", to="某某镇人民政府"))
    assert (plan.attribute, plan.rule) == (PUBLIC, "approval_in_category")
    assert "第二十条第（三）项" in plan.reasons[0].basis
    project = classify_document(APPROVAL.format(what="同意县城污水处理厂提标改造重大建设项目立项", to="县住房和城乡建设局"))
    assert project.attribute == PUBLIC and "第二十条第（十）项" in project.reasons[0].basis
    # the law lists 重大建设项目: approving any other project answers the unit that asked
    small = classify_document(APPROVAL.format(what="同意某某村村内道路硬化建设项目立项", to="某某镇人民政府"))
    assert small.attribute != PUBLIC
    # approving one unit's own matter answers that unit (第十三条、第十五条)
    renamed = classify_document(APPROVAL.format(what="同意某某小学更名", to="县教育体育局"))
    assert renamed.attribute == ON_REQUEST


ENROLMENT = """某某县教育体育局
关于做好2025年义务教育阶段招生入学工作的通告
　　现将2025年招生入学有关事项通告如下：一、报名时间为7月1日至7月10日。二、报名材料为户口簿、居住证明。
{contact}
某某县教育体育局
2025年6月20日
"""


@pytest.mark.parametrize("contact", ["（联系人：王丽，联系电话：0870-6121234）", "联系人：县教育体育局基础教育股 李明，电话：0870-6121234"])
def test_the_organs_contact_person_and_office_phone_do_not_hold_back_a_public_notice(contact: str) -> None:
    result = classify_document(ENROLMENT.format(contact=contact))
    assert result.attribute == PUBLIC
    assert any("第二十条第（二）项" in r.basis and "联系人" in r.text for r in result.reasons)


@pytest.mark.parametrize("contact", ["联系人：张建华，手机：13908721234", "联系人：李明，家庭电话：0870-6121234",
                                     "申请人：王丽，联系电话：0870-6121234"])
def test_a_persons_own_number_or_a_name_that_is_no_contact_is_still_removed(contact: str) -> None:
    result = classify_document(ENROLMENT.format(contact=contact))
    assert result.attribute == REDACTED


@pytest.mark.parametrize("title", ["进一步做好政务信息报送工作", "做好2025年度公文处理工作", "加强机关保密工作",
                                   "开展县政府办公大楼消防安全检查"])
def test_how_the_organs_handle_their_own_papers_and_premises_is_internal_affairs(title: str) -> None:
    result = classify_document(BROAD.format(title=title, to="各镇乡人民政府，县级各部门"))
    assert result.attribute == NOT_PUBLIC and "第十六条第一款" in result.reasons[0].basis


def test_a_report_on_checking_government_websites_is_published_as_the_state_council_does() -> None:
    text = BROAD.replace("的通知", "的通报").format(title="2025年第一季度政府网站和政务新媒体检查情况",
                                                  to="各镇乡人民政府，县级各部门")
    result = classify_document(text)
    assert result.attribute == PUBLIC and "国办秘函〔2019〕19号" in result.reasons[0].basis


PENALTY = """某某县市场监督管理局
行政处罚决定书
某市监处罚〔2025〕17号
当事人：{party}
　　2025年3月12日，我局执法人员检查发现当事人使用超过保质期的食品原料。依据《中华人民共和国食品安全法》第一百二十四条第一款，
我局决定：没收违法所得2300元，并处罚款50000元。
　　如不服本处罚决定，可在六十日内申请行政复议。
某某县市场监督管理局
2025年4月20日
"""


@pytest.mark.parametrize("party", ["李某某，男，1988年7月出生", "某某烧烤店（个体工商户）\n经营者：李某某"])
def test_a_penalty_on_a_natural_person_is_published_only_after_redaction_even_with_a_masked_name(party: str) -> None:
    # "李某某" is no name the finder can mask, but the decision published will carry the person's data (第三十七条)
    result = classify_document(PENALTY.format(party=party))
    assert (result.attribute, result.rule) == (REDACTED, "penalty_person")
    assert "第四十八条" in result.reasons[0].basis


def test_a_penalty_on_a_company_is_published() -> None:
    company = classify_document(PENALTY.format(party="某某县鑫达砂石有限公司\n统一社会信用代码：91532930MA6N12345K"))
    assert (company.attribute, company.rule) == (PUBLIC, "penalty_decision")


LOW_INCOME = """某某镇人民政府
关于2025年第二季度城乡最低生活保障新增对象的公示
　　经本人申请、入户调查、民主评议，现将拟新增低保对象公示如下：
{rows}
　　公示期为2025年6月10日至6月16日。监督电话：0870-6011234。
某某镇人民政府
2025年6月10日
"""


@pytest.mark.parametrize("rows", ["序号 户主姓名 所在村 保障人数\n1 杨某明 河东村 3\n2 段某华 新村 2",
                                  "1.杨某明，河东村，保障人数3人；\n2.段某华，新村，保障人数2人。"])
def test_a_list_of_persons_written_as_placeholders_is_never_published_as_it_stands(rows: str) -> None:
    # the finder masks no "杨某明", but the 公示 that is posted names the households: 删减后公开, never 公开发布
    result = classify_document(LOW_INCOME.format(rows=rows))
    assert result.attribute == REDACTED
    assert any("杨某明" in r.text and "代称" in r.text for r in result.reasons)


def test_places_and_function_words_with_某_are_no_persons() -> None:
    from tools.attribute_persons import placeholder_persons

    assert placeholder_persons("某某县某某镇和某些单位在某地，任何某项工作；联系人：王某，电话0870-6011234") == ()
    assert placeholder_persons("当事人：李某某，男；、张某等") == ("李某某", "张某")


CASE_FILE_NOTICE = """某某县人民政府文件
某政发〔2025〕21号
某某县人民政府关于印发2025年上半年安全生产事故调查处理情况的通知
各镇乡人民政府，县级各部门：
　　{body}
某某县人民政府
2025年7月20日
"""


@pytest.mark.parametrize("body", [
    "现将上半年事故调查中形成的询问笔录、现场勘验记录等调查材料汇总印发给你们，供内部警示教育参阅。",
    "本次调查的现场检查笔录、询问笔录等执法材料附后，请各单位组织学习。",
])
def test_a_notice_that_hands_over_the_case_file_is_not_published(body: str) -> None:
    # the 主送 各镇乡 and 安全生产 would make a bare notice public; the 笔录 it compiles and sends round are
    # 行政执法案卷信息 (第十六条第二款), so it is never 此件公开发布
    result = classify_document(CASE_FILE_NOTICE.format(body=body))
    assert result.attribute == NOT_PUBLIC
    assert "行政执法案卷" in result.reasons[0].basis


def test_a_penalty_decision_citing_its_evidence_hands_over_no_case_file() -> None:
    decision = """某某县市场监督管理局
行政处罚决定书
某市监处罚〔2025〕8号
当事人：某某县鑫源商贸有限公司
统一社会信用代码：91532930MA6K0A1B2C
　　经查，当事人销售过期食品。以上事实有现场检查笔录、询问笔录、扣押物品清单等证据证明。
　　依据《中华人民共和国食品安全法》第一百二十四条，决定对当事人罚款人民币五万元。
某某县市场监督管理局
2025年6月3日
"""
    doc = read_text(decision)
    assert all(h.rule.id != "enforcement_file_body" for h in rules.all_hits(rules.scopes(doc, decision), frozenset({"process"})))
