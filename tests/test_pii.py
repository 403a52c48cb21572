"""The personal-data finder: precision/recall on eval/sets/dev/pii.yaml, masking shapes, look-alikes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from eval.grading import grade_pii
from eval.items import load_set
from tools.pii import Finding, find_pii, mask_text, redact

PII_SET = Path(__file__).resolve().parents[1] / "eval" / "sets" / "dev" / "pii.yaml"


def _items() -> list[dict[str, Any]]:
    return list(yaml.safe_load(PII_SET.read_text("utf-8"))["items"])


def _score() -> tuple[int, int, int, int, int, int]:
    """(correct masks, masks, spans masked, spans, look-alikes kept, look-alikes) over the dev pii items,
    graded as `gongkai eval` grades them."""
    tp_found = found = tp_expected = expected = kept = keep = 0
    for result in (grade_pii(item, [f.as_dict() for f in find_pii(item.data["text"])])
                   for item in load_set(PII_SET).items):
        tp_found += result.detail["tp_found"]
        found += result.detail["found"]
        tp_expected += result.detail["tp_expected"]
        expected += result.detail["expected_spans"]
        kept += result.detail.get("keep_intact", 0)
        keep += result.detail.get("keep_total", 0)
        assert result.detail["leaks"] == 0, result.id
    return tp_found, found, tp_expected, expected, kept, keep


def test_pii_set_is_big_enough_and_has_negatives() -> None:
    items = _items()
    assert sum(len(i["spans"]) for i in items) >= 100
    assert sum(1 for i in items if not i["spans"]) >= 10


def test_precision_recall_and_look_alikes() -> None:
    tp_found, found, tp_expected, expected, kept, keep = _score()
    assert tp_found / found >= 0.97, f"precision {tp_found / found:.3f}"
    assert tp_expected / expected >= 0.97, f"recall {tp_expected / expected:.3f}"
    assert kept == keep


MASKS = [
    ("身份证号532932198103130505", "id_card", "5329************05"),
    ("身份证号53292619490904597X", "id_card", "5329************7X"),
    ("老证532926640216286", "id_card", "5329*********86"),
    ("手机13988726655", "mobile", "139****6655"),
    ("手机 139 8872 6655", "mobile", "139 **** 6655"),
    ("手机号码：1398 8726 655", "mobile", "139* ***6 655"),  # grouped another way
    ("手机+86 13988726655", "mobile", "+86 139****6655"),
    ("卡号6222028528084148529", "bank_card", "6222***********8529"),
    ("卡号6013824121547280", "bank_card", "6013********7280"),
    ("邮箱 zhangsan@example.com", "email", "z*******@example.com"),
    ("车牌云L·12345", "plate", "云L·***45"),
    ("住址：凤羽镇凤翔村委会下登村3组12号", "address", "凤羽镇凤翔村委会****组**号"),
    ("住址：茈碧湖镇城北社区文笔路6栋2单元302室", "address", "茈碧湖镇城北社区****栋*单元***室"),
    ("姓名：李四，身份证号532932198103130505", "name", "李*"),
]


@pytest.mark.parametrize(("text", "kind", "masked"), MASKS)
def test_masking_keeps_the_shape(text: str, kind: str, masked: str) -> None:
    found = [f for f in find_pii(text) if f.type == kind]
    assert [f.masked for f in found] == [masked]
    assert masked in mask_text(text)


LOOK_ALIKES = [
    "洱源县人民政府办公室关于印发方案的通知（洱政办发〔2020〕176号）",
    "印发日期：2020年10月30日，编号20201030",
    "共拨付资金1234567.89元",
    "邮政编码：671200",
    "资金拨付凭证号：6222028528084148526",
    "证书编号：532929197707051211",
    "订单号123456789012345678，流水号20201105093012345",
    "金额13988726655.50元",
    "县人民政府办公室主任杨某某主持会议",
    "本表共统计37个行政村、431个村民小组、28510户",
    "项目编号：EYCG2020-0176，预算980000元",
    "县行政中心3楼会议室",
    "凤羽镇凤翔村委会3组道路硬化项目已完工。",  # a 组 as a project's place, no person beside it
    "邓川镇中和村委会6组、7组集体土地",
    "开户行：农行洱源支行，对公账号：24375001040001234",  # a unit's account
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_not_flagged(text: str) -> None:
    assert find_pii(text) == []
    assert mask_text(text) == text


def test_disability_certificate_number_carries_the_holders_id() -> None:
    """A 残疾人证号 is the holder's 身份证号 and two digits (残疾类别, 残疾等级): it is personal data like the ID itself
    (民法典第一千零三十四条 lists 身份证件号码). After its label a mistyped ID inside is flagged, as after 身份证号."""
    (labelled,) = find_pii("残疾证号53293019540802787144")
    assert labelled.type == "id_card" and labelled.text == "53293019540802787144" and labelled.flags == ("校验位不符",)
    (bare,) = find_pii("李秀兰 53292619840115173762 三级 肢体")[1:]
    assert bare.type == "id_card" and bare.flags == () and "0115" not in bare.masked
    assert find_pii("订单号：20260315093012345678") == []  # no ID inside: a 20-digit order number stays


def test_credit_code_is_reported_but_never_masked() -> None:
    text = "统一社会信用代码：91532930MA6DXX8K4G"
    (finding,) = find_pii(text)
    assert finding.type == "credit_code" and finding.private is False
    assert mask_text(text) == text


def test_number_inside_longer_digit_run_is_not_a_match() -> None:
    assert find_pii("编号9532932198103130505") == []
    assert find_pii("编号139887266551") == []


def test_office_landline_is_kept_but_a_persons_is_masked() -> None:
    office = "咨询电话：0872-5121234"
    assert mask_text(office) == office
    person = "姓名：李四  电话：0872-5121234"
    assert "0872-***1234" in mask_text(person)


def test_redact_only_touches_private_findings() -> None:
    text = "杨丽华 532932198103130505 代码91350100M000100Y43"
    findings = find_pii(text)
    assert {f.type for f in findings} == {"name", "id_card", "credit_code"}
    assert redact(text, findings) == "杨** 5329************05 代码91350100M000100Y43"


def test_findings_carry_positions() -> None:
    text = "电话13988726655"
    (f,) = find_pii(text)
    assert isinstance(f, Finding) and text[f.start:f.end] == f.text == "13988726655"


def test_mask_text_on_empty_and_plain_text() -> None:
    assert mask_text("") == ""
    assert mask_text("依申请公开多少天内答复？") == "依申请公开多少天内答复？"


CONTEXT_CASES = [
    # (text, type, found text, flagged 校验位不符)
    ("身份证号532930194709070890（校验位错误）", "id_card", "532930194709070890", True),
    ("银行账号6013824121547283", "bank_card", "6013824121547283", True),
    ("卡号：6217008159083016618", "bank_card", "6217008159083016618", False),
    ("公民身份号码：５３２９２４１９７９０９２３９７０８", "id_card", "５３２９２４１９７９０９２３９７０８", False),
    ("身份证号 532926 19920718 4046", "id_card", "532926 19920718 4046", False),
    ("姓名\t身份证号\n尹丽华\t532928195603306661", "id_card", "532928195603306661", True),
    # cells separated by one full-width space, a line of text after the table (a pasted Word table)
    ("　　序号　姓名　身份证号　所在村组\n　　1　李国忠　532930197003152418　三营镇永乐村\n洱源县民政局",
     "id_card", "532930197003152418", True),
    ("户主　一卡通账号　金额\n杨保山　6217991234567898904　341.25\n监督电话：0872-5122345",
     "bank_card", "6217991234567898904", True),
]


@pytest.mark.parametrize(("text", "kind", "value", "flagged"), CONTEXT_CASES)
def test_numbers_in_an_id_or_account_context_are_masked_and_a_bad_check_is_flagged(
        text: str, kind: str, value: str, flagged: bool) -> None:
    (f,) = [f for f in find_pii(text) if f.type == kind]
    assert f.text == value and f.private
    assert ("校验位不符" in f.flags) is flagged
    assert value not in mask_text(text)


def test_a_wrong_check_digit_without_context_is_not_personal_data() -> None:
    assert find_pii("资金拨付凭证号：6222028528084148526；证书编号：532929197707051211") == []


NAMES = [
    ("张建华同志在防汛工作中表现突出。", ["张建华"]),
    ("请镇民政办主任尹华同志牵头。", ["尹华"]),
    ("对李红梅女士、王志强先生给予表扬。", ["李红梅", "王志强"]),
    ("补助对象：杨 梅，金额800元。", ["杨 梅"]),
    ("驾驶人赵光辉驾驶小型客车。", ["赵光辉"]),
    ("杨春华、李文斌、赵丽等3名同志被评为优秀共产党员。", ["杨春华", "李文斌", "赵丽"]),
    ("姓名\t性别\n杨 梅\t女\n李国华\t男", ["杨 梅", "李国华"]),
    ("同志们：请登录网站查询，并加盖“已公示”字样。", []),
    # lists with no cue word between the names: spaces, tabs, 、 after one cue and colon, or under a cue line
    ("拟表彰对象：罗文清 杨 芳 段玉祥", ["罗文清", "杨 芳", "段玉祥"]),
    ("二等奖（1名）：施建平", ["施建平"]),
    ("拟聘用以下人员：\n赵明轩\t李雨桐\n和思远", ["赵明轩", "李雨桐", "和思远"]),
    ("经办人 张丽萍    复核人 王 军", ["张丽萍", "王 军"]),
    ("承办人：杨伟、段晓东。", ["杨伟", "段晓东"]),
    ("拟确定王丽娟、赵文华为候选人。", ["王丽娟", "赵文华"]),
    ("会议地点：县政府三楼会议室；参会单位：县财政局 县民政局", []),
    ("联系人：县林草局防火办，电话0872-5123319。", []),
    ("获奖学生：二年级 罗子涵；四年级 杨一诺", ["罗子涵", "杨一诺"]),
    ("参加培训的人员有：\n施建国\t县财政局\n赵 琳\t右所镇", ["施建国", "赵 琳"]),
    ("拟推荐参评村：凤翔村 江登村 铁甲村", []),
    ("会议同意吸收段海涛、李 娜为预备党员。", ["段海涛", "李 娜"]),
    ("农户\t所在地\n杨保山\t乔后镇永乐村委会上营自然村", ["杨保山"]),
    ("2026年度乡村振兴指导员名单\n段立新　　县农业农村局\n何 平　　凤羽镇", ["段立新", "何 平"]),
    ("受表彰的优秀网格员：\n罗海涛（右所镇）\n杨春燕（乔后镇）", ["罗海涛", "杨春燕"]),
]


@pytest.mark.parametrize(("text", "names"), NAMES)
def test_names_in_running_text_tables_and_lists(text: str, names: list[str]) -> None:
    found = [f.text for f in find_pii(text) if f.type == "name"]
    assert found == names
    masked = mask_text(text)
    for name in names:
        assert name not in masked and name[1:] not in masked  # the whole name is masked, not "华同志"


def test_every_occurrence_of_a_found_name_is_masked() -> None:
    text = "张建华同志在防汛中表现突出。张建华家住凤羽镇。"
    assert "建华" not in mask_text(text)


def test_office_contacts_stay_but_a_persons_mobile_is_masked() -> None:
    text = "监督电话：0872-5123456；咨询电话：13908720001；意见发送至eyzfb@163.com。联系人手机：13988726655"
    masked = mask_text(text)
    assert "0872-5123456" in masked and "13908720001" in masked and "eyzfb@163.com" in masked
    assert "13988726655" not in masked


ADDRESSES = [
    ("住址：洱源县三营镇永乐村委会大营自然村。", "三营镇永乐村委会大营自然村", "大营自然村"),
    ("家住凤羽镇江登村委会江登村六社，", "凤羽镇江登村委会江登村六社", "江登村六"),
    ("现住址：茈碧湖镇城北社区文笔路8栋1单元402", "茈碧湖镇城北社区文笔路8栋1单元402", "402"),
    ("姓名\t家庭住址\n杨学文\t牛街乡福和村委会上村12\n", "牛街乡福和村委会上村12", "上村12"),
]


@pytest.mark.parametrize(("text", "value", "hidden"), ADDRESSES)
def test_home_addresses_end_at_a_village_group_or_bare_door_number(text: str, value: str, hidden: str) -> None:
    found = [f.text for f in find_pii(text) if f.type == "address"]
    assert any(value in f for f in found), found
    assert hidden not in mask_text(text)


def test_an_office_submission_mailbox_stays() -> None:
    text = "请于5月20日前上报，报送邮箱：eyxlcj@163.com。"
    assert mask_text(text) == text


def test_an_office_contacts_landline_stays_unless_marked_as_home() -> None:
    office = "请报县民政局（联系人：杨丽梅，电话：0872-5122018）。"
    assert "0872-5122018" in mask_text(office) and "杨丽梅" not in mask_text(office)
    home = "联系人：杨丽梅，联系电话：0872-5122018（住宅）。"
    assert "0872-5122018" not in mask_text(home)


def test_a_repeat_overlapping_another_finding_is_masked_with_it() -> None:
    text = "杨 梅杨 梅0杨 梅532930196804123314"
    redacted = redact(text, find_pii(text))
    assert "杨 梅" not in redacted and len(redacted) == len(text)


def test_a_feedback_mailbox_and_a_companys_premises_stay_but_a_sole_traders_do_not() -> None:
    notice = "公众可通过以下方式反馈意见：\n一、电子邮箱：eyfgjjgg@163.com。\n二、信函寄至县发展和改革局。"
    assert "eyfgjjgg@163.com" in mask_text(notice)
    company = "当事人：洱源县某某商贸有限公司，经营场所：茈碧湖镇玉湖路88号。"
    assert "玉湖路88号" in mask_text(company)
    trader = "被处罚人：洱源县某某农资经营部，统一社会信用代码：92532930MA6K1BC48X，经营场所：茈碧湖镇玉湖路52号。"
    assert "玉湖路52号" not in mask_text(trader)


def test_an_offices_address_beside_its_name_stays() -> None:
    text = "咨询：县民政局社会救助股，电话：0872-5122317，地址：茈碧湖镇玉湖路15号。"
    assert mask_text(text) == text
