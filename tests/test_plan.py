"""The plan parser, checked against the published plan text part by part and clause by clause."""

from __future__ import annotations

import pytest

from knowledge.plan import COLLECTIVE_TERMS, Plan, load_plan, parse_plan, plan_text, split_clause
from knowledge.types import PLAN_TITLE

DEPTS = "县级各部门"
REL_DEPTS = "县级各有关部门"
TOWNS = "各镇乡人民政府"
REL_TOWNS = "各有关镇乡"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


PARTS = [
    ("一", "严格执行公文(信息)公开属性界定"),
    ("二", "深入解读重要政策措施"),
    ("三", "全面编制政务公开事项标准目录"),
    ("四", "加强主动公开深度和广度"),
    ("五", "加强公开平台管理"),
    ("六", "加强公开制度规范建设"),
]

SUBSECTIONS = [
    ("四(一)", "主动公开“六稳”“六保”信息"),
    ("四(二)", "主动公开优化营商环境信息"),
    ("四(三)", "主动公开常态化疫情防控信息"),
    ("四(四)", "主动公开“三大攻坚战”信息"),
    ("四(五)", "主动公开民生改善信息"),
    ("四(六)", "主动公开公共资源配置领域信息"),
    ("四(七)", "主动公开重大建设项目批准和实施领域信息"),
    ("四(八)", "主动公开社会公益事业建设领域信息"),
    ("四(九)", "主动公开公共企事业单位信息"),
    ("五(一)", "规范政府门户网站政府信息公开平台建设"),
    ("五(二)", "加强政府系统政务新媒体规范化运营管理"),
    ("五(三)", "推进依申请公开在线办理工作"),
    ("五(四)", "加强主动公开信息报送"),
    ("六(一)", "加强组织领导和工作保障"),
    ("六(二)", "加强业务培训和考核工作"),
]

# Transcribed by hand from the plan text, clause by clause: (section, named, lead, collective, others)
CLAUSES: list[tuple[str, list[str], list[str], list[str], list[str]]] = [
    ("一", [], [], [DEPTS, TOWNS], []),
    ("二", [], [], [DEPTS, TOWNS], []),
    (
        "三",
        [],
        [
            "县发展改革局",
            "县政务局",
            "县教育体育局",
            "县公安局",
            "县民政局",
            "县司法局",
            "县财政局",
            "县人力资源社会保障局",
            "县自然资源局",
            "州生态环境局洱源分局",
            "县住房城乡建设局",
            "县农业农村局",
            "县文化和旅游局",
            "县卫生健康局",
            "县应急局",
            "县市场监管局",
            "县扶贫办",
            "县税务局",
        ],
        [DEPTS, TOWNS],
        [],
    ),
    ("三", ["县人民政府办公室"], [], [], []),
    ("四(一)", [], [], [DEPTS, TOWNS], []),
    ("四(一)", [], [], [DEPTS, TOWNS], []),
    ("四(二)", ["县司法局", "县市场监管局", "县政务局"], [], [REL_DEPTS, TOWNS], []),
    ("四(三)", ["县卫生健康局", "县应急局"], [], [REL_DEPTS, TOWNS], []),
    ("四(四)", ["县财政局", "州生态环境局洱源分局", "县扶贫办"], [], [REL_DEPTS, TOWNS], []),
    (
        "四(五)",
        [
            "县发展改革局",
            "县教育体育局",
            "县人力资源社会保障局",
            "县卫生健康局",
            "县民政局",
            "县住房城乡建设局",
            "县民族宗教局",
            "县退役军人局",
            "县自然资源局",
        ],
        [],
        [REL_DEPTS, TOWNS],
        [],
    ),
    (
        "四(六)",
        [
            "县发展改革局",
            "县工信和科技局",
            "县住房城乡建设局",
            "县自然资源局",
            "县财政局",
            "县交通运输局",
            "县农业农村局",
            "县林草局",
            "县水务局",
            "县卫生健康局",
            "县审计局",
            "州生态环境局洱源分局",
            "县公安局",
            "县市场监管局",
            "县政务局",
        ],
        [],
        [REL_DEPTS, TOWNS],
        [],
    ),
    (
        "四(七)",
        [
            "县发展改革局",
            "县公安局",
            "县工信和科技局",
            "县自然资源局",
            "州生态环境局洱源分局",
            "县市场监管局",
            "县住房城乡建设局",
            "县交通运输局",
            "县农业农村局",
            "县林草局",
            "县水务局",
            "县文化和旅游局",
            "县卫生健康局",
            "县应急局",
            "县地震局",
            "县气象局",
            "县政务局",
            "县扶贫办",
            "县教育体育局",
        ],
        [],
        [REL_DEPTS, TOWNS],
        [
            "政府采购和出让中心",
            "投资项目审批服务等有关项目主管部门",
            "有关行政监督部门",
            "项目实施的主体部门",
            "项目法人单位",
        ],
    ),
    (
        "四(八)",
        [
            "县扶贫办",
            "县民政局",
            "县人力资源社会保障局",
            "县住房城乡建设局",
            "县教育体育局",
            "县卫生健康局",
            "州生态环境局洱源分局",
            "县水务局",
            "县应急局",
            "县文化和旅游局",
        ],
        [],
        [REL_DEPTS, TOWNS],
        [],
    ),
    (
        "四(九)",
        [
            "县教育体育局",
            "县工信和科技局",
            "州生态环境局洱源分局",
            "县水务局",
            "县住房城乡建设局",
            "县交通运输局",
            "县卫生健康局",
            "县财政局",
            "县供电局",
        ],
        [],
        [REL_DEPTS, TOWNS],
        [],
    ),
    ("五(一)", ["县人民政府办公室"], [], [], []),
    ("五(一)", [], [], [REL_DEPTS, TOWNS], []),
    ("五(一)", [], [], [REL_DEPTS, TOWNS], []),
    ("五(二)", [], [], [REL_DEPTS, REL_TOWNS], []),
    ("五(三)", [], [], [DEPTS, TOWNS], []),
    ("五(四)", [], [], [DEPTS, TOWNS], []),
    ("六(一)", [], [], [DEPTS, TOWNS], []),
    ("六(二)", [], [], [DEPTS, TOWNS], []),
]

# (section, opening words of the paragraph, index of its governing clause, how it was attached)
ATTACHMENTS = [
    ("一", "各行政机关要将决策", 1, "own"),
    ("三", "全面编制政务公开事项标准目录。", 3, "next"),
    ("三", "县、乡(镇)两级试点领域", 3, "own"),
    ("三", "县、乡(镇)两级目录由县人民政府办公室", 4, "own"),
    ("四(一)", "主动公开稳就业", 5, "own"),
    ("四(一)", "主动公开纾困", 6, "own"),
    ("四(六)", "严格按照《大理白族自治州人民政府办公室关于印发推进公共资源", 11, "next"),
    ("四(六)", "公开范围:社会关注度高", 11, "own"),
    ("四(七)", "严格按照《大理白族自治州人民政府办公室关于印发推进重大建设项目", 12, "next"),
    ("四(七)", "公开范围:按照有关规定", 12, "own"),
    ("四(八)", "严格按照《洱源县人民政府办公室", 13, "next"),
    ("四(八)", "公开内容:", 13, "own"),
    ("五(一)", "规范政府门户网站政府信息公开平台建设。", 15, "own"),
    ("五(一)", "规范政府信息公开目录系统建设。", 16, "own"),
    ("五(一)", "规范重点领域信息公开目录系统建设。", 17, "own"),
    ("五(二)", "政务新媒体开办单位", 18, "next"),
    ("五(二)", "禁止任何人以单位名义", 18, "own"),
    ("五(二)", "易发生单项否决", 18, "previous"),
    ("六(二)", "各镇乡、县级各部门要把", 22, "own"),
]


def test_counts(plan: Plan) -> None:
    assert plan.title == PLAN_TITLE
    assert len(plan.parts) == 6
    assert sum(len(p.subsections) for p in plan.parts) == 15
    assert len(plan.clauses) == 22 == plan_text().count("(责任单位:")
    assert len(plan.paragraphs) == 28


def test_packaged_text_has_no_web_residue_but_keeps_the_header(plan: Plan) -> None:
    text = plan_text()
    assert "扫一扫" not in text and "附件" not in text
    assert plan.header == (
        "各镇乡人民政府,县级各有关部门:",
        "《洱源县2020年政务公开工作方案》已经县人民政府同意,现印发给你们,请认真抓好落实。",
        "2020年10月30日",
        "(此件公开发布)",
    )
    assert plan.intro.startswith("按照《云南省人民政府办公厅")


@pytest.mark.parametrize(("numeral", "title"), PARTS)
def test_parts(plan: Plan, numeral: str, title: str) -> None:
    part = next(p for p in plan.parts if p.numeral == numeral)
    assert part.title == title


@pytest.mark.parametrize(("label", "title"), SUBSECTIONS)
def test_subsections(plan: Plan, label: str, title: str) -> None:
    subs = {s.label: s.title for p in plan.parts for s in p.subsections}
    assert subs[label] == title
    assert plan.section_title(label) == title


def test_sections_follow_plan_order(plan: Plan) -> None:
    expected = ["一", "二", "三", *[label for label, _ in SUBSECTIONS]]
    assert [s.label for s in plan.sections()] == expected
    assert plan.sections()[2].title == "全面编制政务公开事项标准目录"


@pytest.mark.parametrize(("index", "expected"), list(enumerate(CLAUSES, 1)))
def test_every_clause_split(plan: Plan, index: int, expected: tuple) -> None:
    section, named, lead, collective, others = expected
    clause = plan.clauses[index - 1]
    assert clause.index == index
    assert clause.section == section
    assert list(clause.named) == named
    assert list(clause.lead) == lead
    assert list(clause.collective) == collective
    assert list(clause.others) == others
    assert set(clause.collective) <= set(COLLECTIVE_TERMS)


@pytest.mark.parametrize(("section", "opening", "clause_index", "how"), ATTACHMENTS)
def test_clause_attachment(plan: Plan, section: str, opening: str, clause_index: int, how: str) -> None:
    para = next(p for p in plan.paragraphs if p.section == section and p.text.startswith(opening))
    assert para.clause is not None
    assert para.clause.index == clause_index
    assert para.attachment == how


def test_every_paragraph_is_governed_and_text_excludes_the_clause(plan: Plan) -> None:
    assert all(p.clause is not None for p in plan.paragraphs)
    assert not any("责任单位" in p.text for p in plan.paragraphs)
    last = plan.paragraphs[-1]
    assert last.text.endswith("杜绝形式主义的问题。")


def test_paragraph_for_section(plan: Plan) -> None:
    para = plan.paragraph_for_section("五(三)")
    assert "20个工作日内办结政府信息公开申请" in para.text
    assert para.part_title == "加强公开平台管理"
    assert para.subsection_title == "推进依申请公开在线办理工作"
    with pytest.raises(KeyError):
        plan.paragraph_for_section("七")


def test_split_clause_named_with_collective() -> None:
    clause = split_clause("县司法局、县市场监管局、县政务局等县级各有关部门,各镇乡人民政府")
    assert clause.named == ("县司法局", "县市场监管局", "县政务局")
    assert clause.collective == ("县级各有关部门", "各镇乡人民政府")


def test_parse_accepts_full_width_brackets_and_colons() -> None:
    text = f"{PLAN_TITLE}\n一、总体要求\n（一）做好公开\n做好公开工作。（责任单位：县财政局、县审计局）\n"
    plan = parse_plan(text)
    assert plan.paragraphs[0].section == "一(一)"
    assert plan.clauses[0].named == ("县财政局", "县审计局")
