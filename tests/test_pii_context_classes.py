"""Personal data found by where it sits (a table typed with single spaces, a person's verb, a kinship word, a card
named by its kind), on texts written for these tests, not taken from any eval set; and the look-alikes beside them.
"""

from __future__ import annotations

import pytest

from tools.pii import CHECK_FAILED, find_pii, redact


def _masked(text: str) -> tuple[str, list[tuple[str, str, bool, tuple[str, ...]]]]:
    findings = find_pii(text)
    return redact(text, findings), [(f.type, f.text, f.private, f.flags) for f in findings]


def test_a_table_pasted_with_single_spaces_has_its_columns_read_from_its_header() -> None:
    text = ("序号 姓名 身份证号码 联系电话 备注\n"
            "1 欧阳春花 532930198707090591 13988701234\n"
            "2 李 梅 532930199309305581 15096872310 低保户\n"
            "3 者阿妹 532930196606182291 18213572046 五保户")
    redacted, found = _masked(text)
    for value in ("欧阳春花", "李 梅", "者阿妹", "532930198707090591", "532930199309305581", "13988701234"):
        assert value not in redacted
    # the check digits are wrong: the column header, not the checksum, makes them 身份证号
    assert ("id_card", "532930199309305581", True, (CHECK_FAILED,)) in found
    assert "低保户" in redacted and "五保户" in redacted and redacted.startswith("序号 姓名 身份证号码")


def test_single_spaces_make_no_table_without_a_header_of_as_many_cells() -> None:
    text = "会议纪要 参会人员 讨论 情况\n本次会议 由 县民政局 召集 各镇乡 参加"
    assert [f for f in find_pii(text) if f.type == "name"] == []


def test_a_name_typed_with_spaces_before_an_honorific_is_masked_whole() -> None:
    redacted, found = _masked("李 红 同志：\n您于2026年5月6日提交的申请已收悉。")
    assert redacted.startswith("李 * 同志") and ("name", "李 红", True, ()) in found


@pytest.mark.parametrize(("text", "name"), [
    ("经核查，王晓东于2026年2月擅自改变土地用途。", "王晓东"),  # a common name the dictionary lists, then 于
    ("赵大明因病住院，申请临时救助。", "赵大明"),
    ("据群众反映张利民长期在河道采砂。", "张利民"),  # after a verb whose object is a person
    ("群众举报段文华私自占用耕地。", "段文华"),  # 段 is a measure word too
    ("来信反映其父何德顺的待遇认证问题。", "何德顺"),  # a kinship word before the name
    ("申请人称其母亲杨玉珍年老体弱。", "杨玉珍"),
])
def test_a_name_in_running_text_after_a_persons_verb_or_kin_is_masked(text: str, name: str) -> None:
    redacted, _ = _masked(text)
    assert name not in redacted and name[0] + "**" in redacted


@pytest.mark.parametrize("text", [
    "深入学习贯彻邓小平理论和毛泽东思想，学习杨善洲同志先进事迹。",  # public figures a 公文 quotes
    "走访慰问困难户，将慰问金打入惠农卡。",  # 金 is a surname, 打入 a verb
    "禁止在林区及距林缘100米范围内烧荒。",  # 米 after a number is a measure word
    "古建筑等文物保护单位的修缮资金已下达。",  # a dictionary word the tagger calls a name
    "洱源县阿鹏乳扇加工坊、金花农家乐通过验收。",  # trade names inside firms' names
])
def test_public_figures_measure_words_and_trade_names_are_no_names(text: str) -> None:
    assert [f.text for f in find_pii(text) if f.type == "name"] == []


def test_a_person_named_in_a_firms_name_and_as_a_person_is_masked_at_both() -> None:
    redacted, _ = _masked("洱源县杨建国种植专业合作社理事长杨建国。")
    assert "杨建国" not in redacted


@pytest.mark.parametrize(("text", "value"), [
    ("补发工资：王春华，工资卡 6222023702051329681。", "6222023702051329681"),
    ("医保卡号：6214830012345678901", "6214830012345678901"),
    ("惠农一折通 6230520710012345678", "6230520710012345678"),
])
def test_a_card_named_by_its_kind_is_an_account_even_failing_luhn(text: str, value: str) -> None:
    redacted, found = _masked(text)
    assert value not in redacted and ("bank_card", value, True, (CHECK_FAILED,)) in found


def test_a_mailing_address_is_a_persons_beside_the_person_and_an_offices_alone() -> None:
    person = "申请人：何丽华，通讯地址：洱源县邓川镇新州村委会旧州村8号。"
    office = "来信请寄县信访局，通讯地址：洱源县茈碧湖镇玉湖路9号，邮编671200。"
    assert "旧州村8号" not in redact(person, find_pii(person))
    assert redact(office, find_pii(office)) == office


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("如需补充材料，请加申请人QQ号：1234567890联系。", "im_account", "1234567890"),
    ("来访人留下微信号 yang_jh1988，要求书面答复。", "im_account", "yang_jh1988"),
    ("出境人员：李某，护照号码：E12345678。", "passport", "E12345678"),
    ("往来港澳通行证号码 C12345678 已核验。", "passport", "C12345678"),
    ("驾驶人驾驶证号：532930198503151234，准驾车型C1。", "id_card", "532930198503151234"),  # the 驾驶证号 is the ID
    ("肇事车辆车牌号：云L-D1234。", "plate", "云L-D1234"),
])
def test_accounts_travel_documents_and_licences_are_masked_after_their_label(text: str, kind: str, value: str) -> None:
    redacted, found = _masked(text)
    assert value not in redacted and any(f[0] == kind and f[1] == value and f[2] for f in found)


@pytest.mark.parametrize("text", [
    "欢迎关注微信公众号：eryuanfabu，或加入QQ群：123456789。",  # an office's channels
    "政策咨询QQ：800012345（工作日受理）。",
])
def test_an_offices_qq_group_public_account_and_help_line_stay(text: str) -> None:
    redacted, _ = _masked(text)
    assert redacted == text


def test_a_home_in_an_estate_is_masked_and_an_estate_under_repair_is_not() -> None:
    home = "申请人家住玉湖花园12栋1单元301室，房屋漏水。"
    site = "老旧小区改造涉及幸福小区1栋、2栋共48户。"
    assert "12栋1单元301室" not in redact(home, find_pii(home))
    assert redact(site, find_pii(site)) == site


def test_a_households_village_group_is_its_home_after_a_household_word() -> None:
    text = "该户居住在右所镇西湖村委会南登村5组，房屋为土木结构。"
    redacted, _ = _masked(text)
    assert "南登村5组" not in redacted and "右所镇西湖村委会" in redacted


def test_a_name_after_an_officials_title_is_masked() -> None:
    redacted, _ = _masked("会议由副县长杨志明主持，县民政局局长李国华、村委会工作人员和丽娟汇报工作。")
    for name in ("杨志明", "李国华", "和丽娟"):
        assert name not in redacted


@pytest.mark.parametrize("text", [
    "根据《中华人民共和国政府信息公开条例》第三十六条第（一）项之规定，现告知如下。",  # 项 after a numbered item
    "网站栏目超过2周未更新的，列入通报。",  # 周 after a number
    "不需办理农用地转用审批手续，但应按规定向三营镇人民政府申请备案。",  # 向 before a township's name
    "申请人住凤羽镇凤翔村委会上寺村3组28号，原有住房鉴定为D级危房，符合“一户一宅”条件。",  # a verb beside an address
])
def test_legal_references_measure_words_and_verbs_beside_personal_data_are_no_names(text: str) -> None:
    assert [f.text for f in find_pii(text) if f.type == "name"] == []


@pytest.mark.parametrize(("text", "name"), [
    ("户主：寸志刚，家庭人口3人。", "寸志刚"),  # a Bai surname
    ("姓名：木丽华", "木丽华"),
    ("户主：番永昌", "番永昌"),  # a surname missing from the list: the whole value after "label：" is the name
])
def test_the_value_after_a_persons_label_and_colon_is_a_name_whatever_its_surname(text: str, name: str) -> None:
    redacted, _ = _masked(text)
    assert name not in redacted and name[0] + "**" in redacted


@pytest.mark.parametrize("text", ["举报人：匿名", "联系人：县政府办", "户主：不详", "联系人：李老师"])
def test_placeholders_units_and_titles_after_a_label_are_no_names(text: str) -> None:
    assert [f for f in find_pii(text) if f.type == "name"] == []


def test_rows_of_a_list_under_its_cue_with_numbers_gender_and_school() -> None:
    redacted, found = _masked("拟录用人员：\n1 李晓梅 女 县一中\n2 张 伟 男 县二中")
    assert [f[1] for f in found if f[0] == "name"] == ["李晓梅", "张 伟"]
    assert redacted.endswith("2 张 * 男 县二中")


def test_households_listed_by_their_heads_are_masked() -> None:
    redacted, _ = _masked("以下农户拟确定为监测对象：何建华户（4人）、杨秀兰户（2人）。")
    assert "何建华" not in redacted and "杨秀兰" not in redacted and "（4人）" in redacted


@pytest.mark.parametrize(("text", "address"), [
    ("王丽华（邓川镇中和村委会中和村6组43号）反映房屋漏雨。", "邓川镇中和村委会中和村6组43号"),  # 和 inside 中和村
    ("受损房屋位于三营镇共和村委会马厂村12号，户主为段玉华。", "三营镇共和村委会马厂村12号"),
    ("当事人现住址为县城文笔路18号。", "县城文笔路18号"),  # 为 after the label is no part of it
])
def test_an_address_starts_at_its_township_not_at_a_word_inside_a_village_name(text: str, address: str) -> None:
    assert any(f.type == "address" and f.text == address for f in find_pii(text))


@pytest.mark.parametrize(("text", "name"), [
    ("该项目由欧阳晓峰负责实施。", "欧阳晓峰"),  # a compound surname, after 由, before 负责
    ("欧阳春花于2026年5月领取补助。", "欧阳春花"),  # a name with a date after it
    ("阿苏拉则、沙马阿果两户纳入监测。", "沙马阿果"),  # Yi surnames, a list of households
])
def test_names_before_a_persons_act_or_a_date_and_compound_surnames_are_masked(text: str, name: str) -> None:
    redacted, _ = _masked(text)
    assert name not in redacted and name[1:] not in redacted


@pytest.mark.parametrize("text", [
    "连云港2023年9月通报了政务新媒体检查情况。",  # a place the dictionary knows, before a date
    "由县财政局负责资金保障，由各镇乡负责组织实施，由施工单位负责现场安全。",
])
def test_places_and_units_before_a_date_or_an_act_are_no_names(text: str) -> None:
    assert [f.text for f in find_pii(text) if f.type == "name"] == []


# Names the tagger misreads (王国/ns 强) or that the dictionary lists (陈永福), in sentences with no label:
# the person's act right after the name is the cue.
ACTS = ["{n}反映其承包地被占用。", "据{n}介绍，合作社去年增收20万元。", "{n}表示将尽快整改。", "{n}拒不配合调查。",
        "现将{n}的情况报告如下。", "{n}多次到县政府反映问题。", "经核实，{n}不符合条件。", "{n}已于2026年5月去世。"]


@pytest.mark.parametrize("template", ACTS)
@pytest.mark.parametrize("name", ["王国强", "何永福", "陈永福", "字红艳"])
def test_a_name_before_a_persons_act_is_masked(template: str, name: str) -> None:
    text = template.format(n=name)
    redacted, _ = _masked(text)
    assert name not in redacted and name[0] + "**" in redacted


@pytest.mark.parametrize("text", [
    "各乡镇高度重视，多次召开专题会议。", "林业和草原局反映，今年森林防火形势严峻。", "施工单位拒不整改的，依法处理。",
    "负责人同意和告知申请人应当在原截止日前答复。", "方案已于2026年5月印发。", "周边群众反映噪音扰民。",
    "文化和旅游局介绍了项目情况。", "应急管理局称，已启动应急响应。", "邓川镇向县政府提出申请。",
])
def test_units_words_and_conjunctions_before_an_act_are_no_names(text: str) -> None:
    assert [f.text for f in find_pii(text) if f.type == "name"] == []


def test_the_addressee_of_a_reply_is_masked_and_an_office_addressee_is_not() -> None:
    person = "者永福：\n你于2026年4月2日提交的政府信息公开申请收悉。"
    office = "县民政局：\n你局报来的请示收悉。"
    assert "者永福" not in redact(person, find_pii(person))
    assert redact(office, find_pii(office)) == office


@pytest.mark.parametrize("template", ["{n}将土地流转给合作社。", "约谈了{n}。", "联系{n}核实情况。", "{n}长期在外务工。",
                                      "{n}同意调解。", "向{n}送达了告知书。", "{n}和邻居发生纠纷。"])
@pytest.mark.parametrize("name", ["何永福", "字红艳"])
def test_a_name_as_a_clauses_subject_or_a_person_verbs_object_is_masked(template: str, name: str) -> None:
    text = template.format(n=name)
    assert name not in redact(text, find_pii(text))


@pytest.mark.parametrize("text", [
    "项目建设单位将土地移交给县自然资源局。", "明年初和年底各开展一次检查。", "林草部门同意调解方案。",
    "功能相近、关注度和利用率低的账号要清理。", "县纪委监委约谈了相关责任人。", "政府网站和政务新媒体同步发布。",
])
def test_subjects_that_are_no_persons_stay(text: str) -> None:
    assert [f.text for f in find_pii(text) if f.type == "name"] == []


def test_an_id_shaped_number_with_a_birth_date_is_masked_without_a_label_and_flagged() -> None:
    text = "申请人何永福，532930198503151235，现住凤羽镇。"  # the check digit is wrong, no label before it
    redacted, found = _masked(text)
    assert "532930198503151235" not in redacted
    assert ("id_card", "532930198503151235", True, (CHECK_FAILED,)) in found


@pytest.mark.parametrize("text", ["项目代码 532930201907051211", "批次532930199912310001", "证书编号：532929197707051211"])
def test_codes_labelled_as_codes_stay(text: str) -> None:
    assert find_pii(text) == []


@pytest.mark.parametrize(("text", "value", "masked"), [
    ("车牌号码为云 L 12345的车辆", "云 L 12345", "云 L ***45"),  # spaced out
    ("其车辆云LA·3K21被扣押", "云LA·3K21", "云L*·**21"),  # the separator after the second letter
])
def test_a_plate_typed_with_spaces_or_a_late_separator_is_masked_in_place(text: str, value: str, masked: str) -> None:
    (plate,) = [f for f in find_pii(text) if f.type == "plate"]
    assert (plate.text, plate.masked) == (value, masked)


def test_a_name_before_an_elders_form_of_address_is_masked_and_a_group_of_elders_is_not() -> None:
    text = "走访了80岁以上的高龄老人，85岁的杨树林老人反映其房屋漏雨。"
    redacted, found = _masked(text)
    assert "杨树林" not in redacted and "高龄老人" in redacted
    assert [f[1] for f in found if f[0] == "name"] == ["杨树林"]
