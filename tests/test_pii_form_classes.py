"""Classes found on own probe passages (pii_fresh9, pii_fresh10): forms with one field a line, 村组 addresses, units
between a label and a name, mailboxes of persons and of offices."""

from __future__ import annotations

from tools.pii import find_pii


def _private(text: str) -> set[tuple[str, str]]:
    return {(f.type, f.text) for f in find_pii(text) if f.private}


def test_a_mailbox_and_mailing_address_in_a_one_field_a_line_form_are_the_persons() -> None:
    text = "信访人：王丽萍\n电子邮箱：wlp_1983@qq.com\n通讯地址：洱源县邓川镇中和村委会中和村民小组\n信访事项：反映入学问题。"
    found = _private(text)
    assert ("email", "wlp_1983@qq.com") in found
    assert ("address", "洱源县邓川镇中和村委会中和村民小组") in found


def test_an_offices_mailbox_stays_beside_a_consulting_label_or_right_after_the_offices_name() -> None:
    form = "姓名：李晓梅\n电子邮箱：lixiaomei0312@163.com\n报名咨询邮箱：eysqzp@163.com"
    assert ("email", "eysqzp@163.com") not in _private(form)
    notice = "请将意见反馈至县自然资源局，邮箱：eyzrzyj@163.com，联系人：王  军，电话：0872-5123311。"
    assert _private(notice) == {("name", "王  军")}


def test_a_unit_between_a_form_label_and_a_name_does_not_hide_the_name() -> None:
    assert _private("记录：县政府办公室  赵  敏") == {("name", "赵  敏")}
    assert _private("接访人：县住建局  和  平") == {("name", "和  平")}
    assert _private("值班人员：县政府办  李  敏  值班电话：0872-5121000") == {("name", "李  敏")}


def test_village_groups_in_a_column_and_land_after_a_group() -> None:
    table = "姓名 所在村组 银行卡号 金额\n罗文光 团结村委会大村组 6231 9800 5566 7788 1200"
    assert ("address", "团结村委会大村组") in _private(table)
    land = "经查，当事人杨树林（住洱源县三营镇共和村委会上营二社）在三营镇共和村委会二社承包地内违法建房。"
    found = _private(land)
    assert ("address", "洱源县三营镇共和村委会上营二社") in found
    assert not any(t == "address" and v.endswith("共和村委会二社") for t, v in found)


def test_titles_banks_and_roles_are_not_names() -> None:
    assert _private("参加人员：杨副县长，县财政局李局长") == set()
    assert _private("经办：民政办    审核：分管领导    审批：镇人民政府") == set()
    row = _private("户主\t身份证号\t开户行及账号\n何永福\t532930196807120314\t农商行6231980012345678")
    assert ("name", "何永福") in row and not any(t == "name" and v.startswith("农") for t, v in row)


def test_a_bracketed_home_label_makes_a_local_number_personal() -> None:
    assert ("landline", "5123456") in _private("申请人：施永康\n联系电话（住宅）：5123456")


def test_a_households_named_group_is_its_address_with_or_without_a_label() -> None:
    assert ("address", "右所镇焕文村委会下所社") in _private("何建昌，男，58岁，右所镇焕文村委会下所社人，家庭人口4人。")
    assert ("address", "洱源县邓川镇新州村委会中所组") in _private("申请人李玉兰的户籍地为洱源县邓川镇新州村委会中所组。")
    table = "姓名\t性别\t家庭住址\t贷款金额（万元）\n罗  兰\t女\t炼铁乡炼铁村委会新村组\t5"
    assert ("address", "炼铁乡炼铁村委会新村组") in _private(table)
    assert _private("凤羽镇上寨村委会上寨社道路硬化工程已完工。") == set()


def test_a_phone_field_under_a_role_line_is_the_persons_but_an_officers_line_is_not() -> None:
    form = "申请人：杨秀英\n联系电话：0872－5339021\n通讯地址：洱源县茈碧湖镇海口村委会海尾社"
    assert ("landline", "0872－5339021") in _private(form)
    notice = "当事人：段永红，住洱源县凤羽镇凤河村委会3社。\n本机关执法人员联系电话：0872-5122333。"
    assert ("landline", "0872-5122333") not in _private(notice)
    assert _private("2026年凤羽镇上寨村委会上寨社，村民杨金福家中失火。") >= {("address", "凤羽镇上寨村委会上寨社")}
