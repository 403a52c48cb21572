"""The fair grader (eval.grading.grade_facts) that the quiz and the eval runner share: a table of right
answers in many wordings that must be accepted, and near misses that must stay wrong."""

from __future__ import annotations

import pytest

from eval.grading import grade_facts

COUNTY_ACT = "对县政府本身的答复不服向谁复议"
TOWNSHIP_ACT = "对乡镇政府的公开答复不服找谁复议"
DEPARTMENT_ACT = "对县卫健局作出的答复不服，向哪里申请复议"

# (answer, key facts, question)
RIGHT: list[tuple[str, list[str | list[str]], str]] = [
    # numbers: Chinese numerals and digits, 日 / 天 / 自然日
    ("六十日", ["60日"], ""),
    ("60天", ["60日"], ""),
    ("六十天内", ["60日内"], ""),
    ("自知道之日起六十日以内", ["60日内"], ""),
    ("六十个自然日", ["60日", "自然日"], ""),
    ("60天，节假日也算在内", ["60日", "自然日"], ""),
    ("二十个工作日", ["20个工作日"], ""),
    ("20 个 工作日。", ["20个工作日"], ""),
    ("２０个工作日", ["20个工作日"], ""),
    ("应当在二十个工作日之内答复", ["20个工作日内"], ""),
    ("十五个工作日", ["15个工作日"], ""),
    ("七个工作日内一次性告知", ["7个工作日", "一次性告知"], ""),
    ("7个工作日内1次性告知补正", ["7个工作日", "一次性告知"], ""),
    ("十五日内起诉", ["15日"], ""),
    ("两个月", ["2个月"], ""),
    ("6个月", ["半年"], ""),
    ("半年内", ["6个月"], ""),
    ("不超过三十日", ["不超过30日"], ""),
    ("最多延长二十个工作日", ["20个工作日"], ""),
    ("两周", ["14日"], ""),
    ("十四天", ["14日"], ""),
    ("一百零五元", ["105元"], ""),
    ("第三十一条", ["第31条"], ""),
    ("条例第31条", ["第三十一条"], ""),
    ("二〇二六年", ["2026年"], ""),
    # dates and date phrases
    ("三月底前", ["3月31日"], ""),
    ("3月底之前", ["3月31日前"], ""),
    ("每年三月三十一日以前", ["3月31日"], ""),
    ("次年3月31号前公布", ["3月31日"], ""),
    ("一月底", ["1月31日"], ""),
    ("1月末以前报送", ["1月31日前"], ""),
    ("年底前", ["12月31日前"], ""),
    ("二月底", ["2月28日"], ""),
    # unit names through the unit registry
    ("县卫健局", ["县卫生健康局"], ""),
    ("卫健局负责", ["县卫生健康局"], ""),
    ("县卫生健康局", ["县卫健局"], ""),
    ("发改局牵头", ["县发展改革局"], ""),
    ("由县政府办负责", ["县人民政府办公室"], ""),
    ("教体局", ["县教育体育局"], ""),
    ("人社局", ["县人力资源社会保障局"], ""),
    ("政务局", ["县政务服务管理局"], ""),
    ("紫碧湖镇", ["茈碧湖镇人民政府"], ""),
    # the review body (复议机关) for whose act
    ("向州人民政府申请复议", ["上一级政府"], COUNTY_ACT),
    ("找大理州人民政府", ["上一级政府"], COUNTY_ACT),
    ("向设区的市人民政府申请", ["上一级政府"], COUNTY_ACT),
    ("上一级人民政府", ["上一级政府"], COUNTY_ACT),
    ("向州政府", ["州人民政府"], COUNTY_ACT),
    ("找县政府", ["县级政府管辖"], TOWNSHIP_ACT),
    ("向县人民政府申请复议", ["县级政府管辖"], TOWNSHIP_ACT),
    ("由上一级人民政府即县人民政府管辖", ["县级政府管辖"], TOWNSHIP_ACT),
    ("向本级人民政府申请复议", ["县人民政府"], DEPARTMENT_ACT),
    ("县政府", ["县人民政府"], DEPARTMENT_ACT),
    # the key elements in other words
    ("当天跟申请人联系，双方确认的那天就算收到申请之日", ["打电话确认"], ""),
    ("要打个电话和申请人核实，核实那天算收到", ["打电话确认"], ""),
    ("致电申请人确认", ["打电话确认"], ""),
    ("以签字收下那天为准", ["签收"], ""),
    ("能申请行政复议", ["可以申请行政复议"], ""),
    ("有权申请复议", ["可以申请行政复议"], ""),
    ("要经机构负责人批准，可以延期", ["负责人同意"], ""),
    ("一次性通知申请人补充材料", ["一次性告知"], ""),
    ("视为直接不合格，一票否决", ["单项否决"], ""),
    ("在政府网站上公布", ["门户网站公开"], ""),
    # typos and alternatives
    ("20个工做日内答复", ["20个工作日"], ""),
    ("政府信息公开工作机购负责", ["政府信息公开工作机构"], ""),
    ("信息公开机构", [["政府信息公开工作机构", "信息公开机构"]], ""),
    ("电子政务协同办公系统里标注", ["电子政务协同办公系统"], ""),
    ("谁起草谁解读", ["谁起草、谁解读"], ""),
    ("从T1开始数", ["T1"], ""),
]

WRONG: list[tuple[str, list[str | list[str]], str]] = [
    # wrong number
    ("三十日", ["60日"], ""),
    ("160日", ["60日"], ""),
    ("六百日", ["60日"], ""),
    ("十五个工作日", ["20个工作日"], ""),
    ("三十个工作日", ["20个工作日"], ""),
    ("二百个工作日", ["20个工作日"], ""),
    ("五个工作日内告知", ["7个工作日"], ""),
    ("第三十二条", ["第31条"], ""),
    ("四月底前", ["3月31日"], ""),
    ("3月30日", ["3月31日"], ""),
    ("2月底", ["1月31日"], ""),
    ("三个月", ["2个月"], ""),
    ("一百元", ["105元"], ""),
    # wrong period (unit of time)
    ("60个工作日", ["60日"], ""),
    ("二十日", ["20个工作日"], ""),
    ("二十个自然日", ["20个工作日"], ""),
    ("六十个月", ["60日"], ""),
    ("15个工作日", ["15日"], ""),
    ("3月31日以后", ["3月31日前"], ""),
    # wrong body
    ("向县人民政府申请复议", ["上一级政府"], COUNTY_ACT),
    ("向省人民政府申请", ["上一级政府"], COUNTY_ACT),
    ("向县政府办公室申请复议", ["上一级政府"], COUNTY_ACT),
    ("找州人民政府", ["县级政府管辖"], TOWNSHIP_ACT),
    ("向镇政府自己申请", ["县级政府管辖"], TOWNSHIP_ACT),
    ("向上级主管部门申请复议", ["县人民政府"], DEPARTMENT_ACT),
    ("找州卫健委", ["县人民政府"], DEPARTMENT_ACT),
    ("县公安局", ["县卫生健康局"], ""),
    ("财政局", ["县卫生健康局"], ""),
    ("凤羽镇", ["茈碧湖镇人民政府"], ""),
    # the substance missing, or negated
    ("以寄出的日期为准", ["打电话确认"], ""),
    ("不用确认，按邮戳算", ["打电话确认"], ""),
    ("不可以申请行政复议", ["可以申请行政复议"], ""),
    ("不能申请复议，只能起诉", ["可以申请行政复议"], ""),
    ("负责人不同意也可以延期", ["负责人同意"], ""),
    ("不需要签收", ["签收"], ""),
    ("从下一个工作日数起，T0当天不计", ["T1"], ""),  # letters and digits of one code are one element
    ("不知道", ["20个工作日"], ""),
    ("", ["60日"], ""),
]


@pytest.mark.parametrize(("answer", "facts", "question"), RIGHT)
def test_right_answers_in_other_words_are_accepted(answer: str, facts: list, question: str) -> None:
    grade = grade_facts(answer, [tuple(f) if isinstance(f, list) else f for f in facts], question=question)
    assert grade.score == 1.0, (answer, facts, grade)


@pytest.mark.parametrize(("answer", "facts", "question"), WRONG)
def test_near_misses_stay_wrong(answer: str, facts: list, question: str) -> None:
    grade = grade_facts(answer, [tuple(f) if isinstance(f, list) else f for f in facts], question=question)
    assert grade.score == 0.0, (answer, facts, grade)


def test_partial_credit_counts_key_facts() -> None:
    grade = grade_facts("二十个工作日，由信息公开机构答复", ["20个工作日", "政府信息公开工作机构", "负责人同意"])
    assert grade.matched == ("20个工作日",) and len(grade.missing) == 2 and round(grade.score, 2) == 0.33


def test_table_is_big_enough_to_mean_something() -> None:
    assert len(RIGHT) >= 60 and len(WRONG) >= 30
