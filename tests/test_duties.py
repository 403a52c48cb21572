"""The duties tool agrees exactly with the plan for every named and lead unit; reverse questions; export."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from openpyxl import load_workbook

from knowledge.errors import Ambiguous, BadInput, NotFound
from knowledge.plan import Plan, load_plan
from knowledge.units import UnitNotFound, UnitRegistry, load_units
from tests.test_plan import CLAUSES
from tools import duties
from tools.context import ToolContext
from tools.export import HEADER, export
from tools.registry import Toolbox

TOWNSHIPS = ["茈碧湖镇", "邓川镇", "右所镇", "三营镇", "凤羽镇", "乔后镇", "牛街乡", "炼铁乡", "西山乡"]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan()


@pytest.fixture(scope="module")
def units() -> UnitRegistry:
    return load_units()


def _specific_from_hand_table() -> dict[str, Counter[tuple[str, str]]]:
    """(section, role) of every named/lead mention, from the hand transcription of the 22 clauses."""
    expected: dict[str, Counter[tuple[str, str]]] = {}
    for section, named, lead, _collective, _others in CLAUSES:
        for name in named:
            expected.setdefault(name, Counter())[(section, "named")] += 1
        for name in lead:
            expected.setdefault(name, Counter())[(section, "lead")] += 1
    return expected


SPECIFIC = _specific_from_hand_table()


@pytest.mark.parametrize("unit", sorted(SPECIFIC))
def test_exact_agreement_for_every_named_and_lead_unit(plan: Plan, units: UnitRegistry, unit: str) -> None:
    result = duties.unit_duties(plan, units, unit)
    got = Counter((t.section, t.role) for t in result.tasks if t.role != "collective")
    assert got == SPECIFIC[unit]


def test_walk_all_22_clauses(plan: Plan, units: UnitRegistry) -> None:
    assert len(CLAUSES) == 22
    for section, named, lead, _collective, _others in CLAUSES:
        for name, role in [*((n, "named") for n in named), *((n, "lead") for n in lead)]:
            tasks = duties.unit_duties(plan, units, name).tasks
            assert any(t.section == section and t.role == role for t in tasks), (name, section, role)


def test_health_bureau_tasks(plan: Plan, units: UnitRegistry) -> None:
    result = duties.unit_duties(plan, units, "县卫健局")
    assert result.unit.name == "县卫生健康局"
    roles = Counter(t.role for t in result.tasks)
    assert roles == {"lead": 1, "named": 6, "collective": 13}
    lead = next(t for t in result.tasks if t.role == "lead")
    assert lead.section == "三" and lead.title == "全面编制政务公开事项标准目录"
    assert "26个试点领域" in lead.text and "责任单位" not in lead.text


@pytest.mark.parametrize("town", TOWNSHIPS)
def test_townships_get_township_collectives_only(plan: Plan, units: UnitRegistry, town: str) -> None:
    tasks = duties.unit_duties(plan, units, town).tasks
    assert {t.role for t in tasks} == {"collective"}
    # the two clauses naming only 县人民政府办公室 (三, 五(一) first) do not cover townships
    assert len(tasks) == 20
    assert "五(二)" in {t.section for t in tasks}  # via 各有关镇乡


def test_departments_get_department_collectives(plan: Plan, units: UnitRegistry) -> None:
    tasks = duties.unit_duties(plan, units, "审计局").tasks
    assert [(t.section, t.role) for t in tasks if t.role != "collective"] == [("四(六)", "named")]
    assert len(tasks) == 20
    office = duties.unit_duties(plan, units, "政府办").tasks
    assert [(t.section, t.title) for t in office if t.role == "named"] == [
        ("三", "县、乡(镇)两级目录由县人民政府办公室汇总审核后报上一级政府备案检查"),
        ("五(一)", "规范政府门户网站政府信息公开平台建设"),
    ]
    assert len(office) == 22


def test_power_company_is_not_covered_by_department_collectives(plan: Plan, units: UnitRegistry) -> None:
    tasks = duties.unit_duties(plan, units, "供电局").tasks
    assert [(t.section, t.role) for t in tasks] == [("四(九)", "named")]


def test_five_two_last_paragraph_belongs_to_the_new_media_task(plan: Plan, units: UnitRegistry) -> None:
    task = next(t for t in duties.unit_duties(plan, units, "凤羽").tasks if t.section == "五(二)")
    assert task.text.startswith("政务新媒体开办单位") and task.text.endswith("确属无力维护的予以关停。")


REVERSE = [
    ("谁负责门户网站信息公开平台?", "五(一)", ["县人民政府办公室"]),
    ("政务新媒体备案谁负责", "五(二)", []),
    ("两级标准目录由谁汇总审核", "三", ["县人民政府办公室"]),
    ("公共资源配置领域信息由哪些部门公开", "四(六)", ["县审计局", "县财政局"]),
    ("疫情防控信息发布谁负责", "四(三)", ["县卫生健康局", "县应急局"]),
    ("重大建设项目批准和实施信息谁来公开", "四(七)", ["县地震局", "县气象局"]),
    ("依申请公开在线办理是谁的任务", "五(三)", []),
    ("供水供电供气企业的信息公开谁负责", "四(九)", ["县供电局"]),
    ("公众号谁负责", "五(二)", []),  # through the synonym 公众号 → 政务新媒体
    ("政策解读谁负责", "二", []),
]


@pytest.mark.parametrize(("question", "section", "some_units"), REVERSE)
def test_reverse_question(
    plan: Plan, units: UnitRegistry, question: str, section: str, some_units: list[str]
) -> None:
    best = duties.responsible_for(plan, units, question).matches[0].as_dict()
    assert best["section"] == section
    assert set(some_units) <= set(best["units"])


def test_reverse_question_without_a_match(plan: Plan, units: UnitRegistry) -> None:
    with pytest.raises(NotFound):
        duties.responsible_for(plan, units, "明天洱源天气怎么样")
    with pytest.raises(BadInput):
        duties.responsible_for(plan, units, "谁负责？")
    with pytest.raises(BadInput):
        duties.responsible_for(plan, units, "门户网站" * 60)


def test_tool_schema_is_pinned(plan: Plan, units: UnitRegistry) -> None:
    tool = duties.make_tool(ToolContext(plan, units))
    assert tool.name == "duties"
    assert set(tool.args) == {"unit", "task", "year", "compare", "compare_previous", "topic"}
    assert tool.description.startswith("List a unit's tasks in the county's 政务公开 plan")
    assert "role is lead (县级牵头部门/牵头单位), named" in tool.description


def test_tool_contract_and_rendering(plan: Plan, units: UnitRegistry) -> None:
    box = Toolbox(ToolContext(plan, units))
    result = box.run("duties", {"unit": "卫健局"})
    assert set(result.data) == {"unit", "tasks", "plan"}
    assert result.data["plan"] == {"id": "builtin:plan", "title": "洱源县2020年政务公开工作方案", "year": 2020}
    assert all(set(t) == {"section", "title", "role", "text"} for t in result.data["tasks"])
    assert result.text.startswith("县卫生健康局在《洱源县2020年政务公开工作方案》中的任务共20项")
    assert "〔四(三)〕主动公开常态化疫情防控信息（点名负责）" in result.text
    reverse = box.run("duties", {"task": "门户网站信息公开平台"})
    assert set(reverse.data) == {"query", "matches", "plan", "coverage", "confident"}
    assert "县人民政府办公室" in reverse.text and "五(一)" in reverse.text
    assert reverse.data["confident"] is True
    # an act, not one of the plan's tasks: the best task holds few of its words
    assert box.run("duties", {"task": "涉密信息的定密"}).data["confident"] is False


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"unit": "局"}, Ambiguous),
        ({"unit": "县统计局"}, UnitNotFound),
        ({}, BadInput),
        ({"unit": " "}, BadInput),
    ],
)
def test_tool_errors_reach_the_channel(plan: Plan, units: UnitRegistry, args: dict, error: type) -> None:
    with pytest.raises(error):
        Toolbox(ToolContext(plan, units)).run("duties", args)


def test_township_reply_names_the_township_collective(plan: Plan, units: UnitRegistry) -> None:
    text = duties.render(duties.unit_duties(plan, units, "凤羽").as_dict())
    assert text.startswith("凤羽镇人民政府在") and "作为“各镇乡人民政府”等统称承担的共性任务20项" in text


def test_export_xlsx_rows(plan: Plan, units: UnitRegistry) -> None:
    data = duties.unit_duties(plan, units, "县卫健局").as_dict()
    book = load_workbook(io.BytesIO(export(data, "xlsx")))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "县卫生健康局任务清单（依据《洱源县2020年政务公开工作方案》）"
    assert rows[1] == HEADER
    assert len(rows) == 2 + 20
    assert rows[4][:4] == ("3", "三", "全面编制政务公开事项标准目录", "牵头")


def test_export_csv_and_md(plan: Plan, units: UnitRegistry) -> None:
    data = duties.unit_duties(plan, units, "凤羽镇").as_dict()
    raw = export(data, "csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel shows the Chinese
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == list(HEADER) and len(table) == 21 and table[1][3] == "统称负责"
    md = export(data, "md").decode("utf-8").splitlines()
    assert md[0] == "# 凤羽镇人民政府任务清单（依据《洱源县2020年政务公开工作方案》）"
    assert sum(line.startswith("| ") for line in md) == 21
    with pytest.raises(BadInput):
        export(data, "pdf")


def _eval_items() -> list[dict]:
    import yaml

    from eval.items import SETS_DIR

    return list(yaml.safe_load((SETS_DIR / "dev" / "duties.yaml").read_text(encoding="utf-8"))["items"])


@pytest.mark.parametrize("item", _eval_items(), ids=lambda item: item["id"])
def test_hand_checked_eval_set(plan: Plan, units: UnitRegistry, item: dict) -> None:
    tasks = duties.unit_duties(plan, units, item["unit"]).tasks
    assert sorted({t.section for t in tasks}) == sorted(item["expected_sections"])
    for role in ("lead", "named"):
        assert [t.section for t in tasks if t.role == role] == item["expected_roles"][role]
