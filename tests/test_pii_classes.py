"""Personal data by failure class (issue 9), on texts written for these tests, not taken from any eval set.

Each class: the value is masked in the redacted text (and flagged where its check digit is wrong),
the look-alikes beside it survive whole.
"""

from __future__ import annotations

import pytest

from tools.pii import CHECK_FAILED, find_pii, redact


def _masked(text: str) -> tuple[str, list[tuple[str, str, bool, tuple[str, ...]]]]:
    findings = find_pii(text)
    return redact(text, findings), [(f.type, f.text, f.private, f.flags) for f in findings]


# An ID-shaped number after an ID label is a 身份证号 even when its check digit is wrong.
BAD_IDS = [
    ("经核实，申请人身份证号码为532930198507161235，现住茈碧湖镇。", "532930198507161235"),
    ("公民身份号码 532930 19850716 1236，请妥善保管。", "532930 19850716 1236"),
    ("请核对证件号：53293019850716123X是否正确。", "53293019850716123X"),
    ("身份证：５３２９３０１９８５０７１６１２３５", "５３２９３０１９８５０７１６１２３５"),
]


@pytest.mark.parametrize(("text", "value"), BAD_IDS)
def test_an_id_with_a_wrong_check_digit_in_an_id_context_is_masked_and_flagged(text: str, value: str) -> None:
    redacted, found = _masked(text)
    assert value not in redacted
    assert ("id_card", value, True, (CHECK_FAILED,)) in found


BAD_CARDS = [
    ("补助资金打入其银行卡6228480578123456781账户。", "6228480578123456781"),
    ("收款账号：6217 0022 3400 1234 567，开户行：农行洱源支行。", "6217 0022 3400 1234 567"),
    ("户名：张春燕  开户行：农村信用社  账号：62305207100123456", "62305207100123456"),
]


@pytest.mark.parametrize(("text", "value"), BAD_CARDS)
def test_a_card_failing_luhn_in_an_account_context_is_masked_and_flagged(text: str, value: str) -> None:
    redacted, found = _masked(text)
    assert value not in redacted
    assert ("bank_card", value, True, (CHECK_FAILED,)) in found


# Names with no label, honorific, list or column: only the sentence says a person is meant.
RUNNING_TEXT = [
    ("2026年4月12日，茈碧湖镇丰源村杨学文到县信访局反映土地纠纷问题。", "杨学文"),
    ("经调查，赵春花家庭人均收入低于当地最低生活保障标准，同意纳入低保。", "赵春花"),
    ("兹证明王建国系我单位职工，特此证明。", "王建国"),
    ("经村民小组推选，施宝林当选为组长。", "施宝林"),
    ("举报人称，其邻居陈国华长期占用公共通道。", "陈国华"),
    ("经查明，李文斌驾驶农用车在乡村道路上行驶时与行人赵秀英发生碰撞。", "李文斌"),
    ("根据群众杨丽萍的来信，我局进行了核查。", "杨丽萍"),
]


@pytest.mark.parametrize(("text", "name"), RUNNING_TEXT)
def test_a_name_in_running_text_without_any_cue_is_masked(text: str, name: str) -> None:
    redacted, found = _masked(text)
    assert name not in redacted and name[0] + "*" * (len(name) - 1) in redacted
    assert ("name", name, True, ()) in found


CUED = [
    ("张建华同志在防汛工作中表现突出。", "张建华"),
    ("经研究，决定对王晓东先生予以感谢。", "王晓东"),
    ("向李红梅女士致以诚挚的问候。", "李红梅"),
    ("补助对象杨秀英，系茈碧湖镇丰源村村民。", "杨秀英"),
    ("驾驶人赵国强驾驶小型汽车沿214国道行驶。", "赵国强"),
    ("申请人段丽芳于2026年3月5日提交申请。", "段丽芳"),
]


@pytest.mark.parametrize(("text", "name"), CUED)
def test_the_whole_name_before_an_honorific_or_after_a_role_is_masked(text: str, name: str) -> None:
    redacted, _ = _masked(text)
    assert redacted.startswith(text[:text.index(name)] + name[0] + "*" * (len(name) - 1))


def test_a_spaced_name_in_a_word_table_is_masked() -> None:
    redacted, _ = _masked("序号\t姓名\t金额\n1\t杨 梅\t1200元\n2\t李 红\t800元")
    assert "杨 *" in redacted and "李 *" in redacted and "1200元" in redacted


NOT_NAMES = [
    "请在文件上加盖“已核验”字样后报送。",
    "查询结果显示该户无不动产登记信息。",
    "从发出收费通知到缴费这段时间不计入答复期限。",
    "年报第三张表把办理结果分为予以公开、部分公开。",
    "本项目采购预算为人民币伍拾万元整。",
    "走访慰问了困难群众，为他们送去慰问金各800元。",
    "黄金周期间，洱源县杨氏生态农业有限公司接待游客1.2万人次。",
    "签发人：何立新",
    "昨天收到申清，哪天到期？信息处理费有几种收法？",
    "根据《关于申请村级活动场所维修经费的请示》（邓政请〔2026〕7号），现批复如下。",
    "2026年农村低保对象名单\n序号\t姓名\t村委会\n1\t杨金凤\t焦石\n",
]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_words_measure_words_and_an_offices_signer_are_no_names(text: str) -> None:
    _, found = _masked(text)
    assert [f for f in found if f[0] == "name" and f[1] != "杨金凤"] == []


def test_a_home_landline_beside_a_name_is_masked_in_findings_and_in_the_text_alike() -> None:
    text = "王丽华（住宅电话0872-5134567）反映情况。"
    redacted, found = _masked(text)
    phones = [f for f in found if f[0] == "landline"]
    assert phones == [("landline", "0872-5134567", True, ())]
    assert "0872-5134567" not in redacted


def test_an_offices_hotlines_and_mailbox_stay() -> None:
    text = ("举报电话：0872-5122345，监督电话：0872-5121111。如有疑问请咨询县民政局，咨询电话0872-5123456。"
            "意见请发送至eyxzfb@163.com，地址：洱源县茈碧湖镇玉湖路36号县政府办公室，邮编671200。")
    redacted, found = _masked(text)
    assert redacted == text
    assert {f[0] for f in found} == {"landline", "email"} and not any(f[2] for f in found)


def test_a_landline_labelled_a_home_phone_is_personal_even_beside_an_office_hotline() -> None:
    text = "一位群众来电（家庭电话0872-5301122）反映问题，处理进度可拨打热线0872-5120000查询。"
    redacted, found = _masked(text)
    assert "0872-5301122" not in redacted and "0872-5120000" in redacted
    assert ("landline", "0872-5120000", False, ()) in found


def test_each_party_of_a_contract_line_keeps_its_own_kind_of_contacts() -> None:
    text = ("甲方：赵德明，住址：洱源县凤羽镇凤翔村委会上村12号，电话：0872-5151234（家）；"
            "乙方：洱源县凤羽镇人民政府，地址：洱源县凤羽镇凤鸣街8号，电话：0872-5150001。")
    redacted, _ = _masked(text)
    assert "赵德明" not in redacted and "上村12号" not in redacted and "0872-5151234" not in redacted
    assert "洱源县凤羽镇凤鸣街8号" in redacted and "0872-5150001" in redacted


def test_a_word_table_pasted_as_one_line_has_its_person_column_masked() -> None:
    text = ("户主 家庭人口 补助面积 补助金额 段永昌 5 92平方米 40000元 者秀兰 3 70平方米 30000元 "
            "毕 英 1 45平方米 20000元 资金依据洱财发〔2026〕9号下达。")
    redacted, found = _masked(text)
    assert [f[1] for f in found if f[0] == "name"] == ["段永昌", "者秀兰", "毕 英"]
    assert "40000元" in redacted and "洱财发〔2026〕9号" in redacted and "92平方米" in redacted


def test_a_line_of_column_words_without_records_yields_no_names() -> None:
    text = "填表说明 户主 家庭人口 补助面积 补助金额 均按 实际 情况 填写 清楚"
    assert [f for f in find_pii(text) if f.type == "name"] == []


def test_one_persons_fields_split_by_semicolons_stay_that_persons() -> None:
    text = "姓名：赵德明；住址：洱源县凤羽镇凤翔村委会上村12号；电话：0872-5151234。"
    redacted, _ = _masked(text)
    assert "赵德明" not in redacted and "上村12号" not in redacted and "0872-5151234" not in redacted


def test_an_organisations_account_and_an_offices_address_in_brackets_stay() -> None:
    text = ("账户名称：洱源县民政局，开户银行：农行洱源支行，账号：24130101040005678。"
            "来信请寄：洱源县纪委监委信访室（洱源县茈碧湖镇玉湖路9号）。")
    redacted, found = _masked(text)
    assert redacted == text
    assert ("bank_card", "24130101040005678", False, (CHECK_FAILED,)) in found


def test_a_persons_account_beside_a_person_holder_is_still_masked() -> None:
    text = "户名：杨春兰，开户银行：洱源农商行，账号：62305207100198765。"
    redacted, _ = _masked(text)
    assert "62305207100198765" not in redacted and "杨春兰" not in redacted


def test_a_surname_of_the_countys_peoples_after_a_role_is_a_name() -> None:
    redacted, _ = _masked("村民阿春花因病致贫，经评议纳入监测对象。")
    assert "阿春花" not in redacted and "阿**" in redacted


def test_a_local_landline_without_its_area_code_follows_the_same_rules() -> None:
    person = "姓名：赵德明，住宅电话：5151234。"
    office = "县民政局社会救助股，咨询电话：5123456，办理金额5123456元以内的救助。"
    assert "5151234" not in redact(person, find_pii(person))
    assert redact(office, find_pii(office)) == office
