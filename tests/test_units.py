"""The unit registry: names as people type them, typos, ambiguous and unknown input; synonyms."""

from __future__ import annotations

import pytest

from knowledge.errors import Ambiguous, BadInput, ConfigError, NotFound
from knowledge.plan import load_plan
from knowledge.synonyms import expand, load_synonyms, synonyms_from_data
from knowledge.units import UnitNotFound, UnitRegistry, load_units, registry_from_data

TOWNSHIPS = ["茈碧湖镇", "邓川镇", "右所镇", "三营镇", "凤羽镇", "乔后镇", "牛街乡", "炼铁乡", "西山乡"]


@pytest.fixture(scope="module")
def units() -> UnitRegistry:
    return load_units()


RESOLVE = [
    # full names as in the plan
    ("县卫生健康局", "县卫生健康局"),
    ("州生态环境局洱源分局", "州生态环境局洱源分局"),
    ("县人民政府办公室", "县人民政府办公室"),
    # short names people use
    ("县卫健局", "县卫生健康局"),
    ("卫健局", "县卫生健康局"),
    ("卫生局", "县卫生健康局"),
    ("县人社局", "县人力资源社会保障局"),
    ("人社局", "县人力资源社会保障局"),
    ("县政府办", "县人民政府办公室"),
    ("政府办", "县人民政府办公室"),
    ("县府办", "县人民政府办公室"),
    ("生态环境分局", "州生态环境局洱源分局"),
    ("环保局", "州生态环境局洱源分局"),
    ("发改局", "县发展改革局"),
    ("教体局", "县教育体育局"),
    ("住建局", "县住房城乡建设局"),
    ("市场监管局", "县市场监管局"),
    ("应急局", "县应急局"),
    ("工信局", "县工信和科技局"),
    ("文旅局", "县文化和旅游局"),
    ("民宗局", "县民族宗教局"),
    ("退役军人事务局", "县退役军人局"),
    ("财政局", "县财政局"),
    ("扶贫办", "县扶贫办"),
    # the county or prefecture written out, spaces and full-width characters
    ("洱源县卫生健康局", "县卫生健康局"),
    ("大理州生态环境局洱源分局", "州生态环境局洱源分局"),
    (" 县 财政局 ", "县财政局"),
    # part of exactly one name
    ("卫生健康", "县卫生健康局"),
    ("茈碧", "茈碧湖镇人民政府"),
    # townships
    ("凤羽镇", "凤羽镇人民政府"),
    ("凤羽", "凤羽镇人民政府"),
    ("凤羽镇人民政府", "凤羽镇人民政府"),
    ("牛街", "牛街乡人民政府"),
    ("西山乡政府", "西山乡人民政府"),
    # one wrong character
    ("卫建局", "县卫生健康局"),
    ("县人设局", "县人力资源社会保障局"),
    ("凤雨镇", "凤羽镇人民政府"),
    ("财正局", "县财政局"),
    ("住健局", "县住房城乡建设局"),
    ("县市场监官局", "县市场监管局"),
    ("紫碧湖镇", "茈碧湖镇人民政府"),
]


@pytest.mark.parametrize(("typed", "canonical"), RESOLVE)
def test_resolve(units: UnitRegistry, typed: str, canonical: str) -> None:
    assert units.resolve(typed).name == canonical


@pytest.mark.parametrize("typed", ["局", "镇", "乡", "民正局"])
def test_too_generic_input_is_ambiguous(units: UnitRegistry, typed: str) -> None:
    with pytest.raises(Ambiguous) as err:
        units.resolve(typed)
    assert len(err.value.candidates) >= 2
    assert "请说明是哪一个单位" in err.value.user_message


def test_ambiguous_lists_the_candidates(units: UnitRegistry) -> None:
    with pytest.raises(Ambiguous) as err:
        units.resolve("镇")
    assert set(err.value.candidates) == {f"{t}人民政府" for t in TOWNSHIPS if t.endswith("镇")}


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("县统计局", "县审计局"), ("财务局", "县财政局"), ("县医保局", None), ("我们局", None), ("abc", None)],
)
def test_unknown_unit_gets_closest_names(units: UnitRegistry, typed: str, suggested: str | None) -> None:
    with pytest.raises(UnitNotFound) as err:
        units.resolve(typed)
    assert isinstance(err.value, NotFound) and err.value.exit_code == 2 and err.value.http_status == 404
    assert err.value.user_message.startswith("方案中未找到该单位")
    assert len(err.value.candidates) == 3
    assert all(c in err.value.user_message for c in err.value.candidates)
    if suggested:
        assert suggested in err.value.candidates


@pytest.mark.parametrize("typed", ["", "   ", "，。", "卫" * 101])
def test_empty_input(units: UnitRegistry, typed: str) -> None:
    with pytest.raises(BadInput):
        units.resolve(typed)


def test_every_unit_of_the_plan_is_registered(units: UnitRegistry) -> None:
    named = {u for c in load_plan().clauses for u in c.units}
    assert {u.name for u in units.units if u.kind != "township"} == named
    assert len(named) == 29
    for name in named:
        assert units.resolve(name).name == name


def test_townships(units: UnitRegistry) -> None:
    towns = [u for u in units.units if u.is_township]
    assert [u.name for u in towns] == [f"{t}人民政府" for t in TOWNSHIPS]
    assert len(units) == 38


def test_find_in_text(units: UnitRegistry) -> None:
    found = units.find_in_text("我是凤羽镇的，想问县卫健局和县人社局有哪些任务，政府办呢？")
    assert [u.name for u in found] == [
        "凤羽镇人民政府",
        "县卫生健康局",
        "县人力资源社会保障局",
        "县人民政府办公室",
    ]
    assert [u.name for u in units.find_in_text("洱源县卫生健康局、卫健局")] == ["县卫生健康局"]
    assert units.find_in_text("明天洱源天气怎么样") == []
    assert units.find_in_text("主动公开农业农村领域信息") == []
    assert [u.name for u in units.find_in_text("ＸＸ县财政局")] == ["县财政局"]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("卫建局有哪些任务", ["县卫生健康局"]),
        ("凤雨镇的职责", ["凤羽镇人民政府"]),
        ("我是财正局的", ["县财政局"]),
        ("我们局有哪些任务", []),
        ("县统计局有哪些任务", []),  # a real office outside the plan, not a typo of 县审计局
        ("各镇乡要做什么", []),
    ],
)
def test_find_in_text_tolerates_one_typo(units: UnitRegistry, message: str, expected: list[str]) -> None:
    assert [u.name for u in units.find_in_text(message)] == expected


def test_all_terms_has_names_and_aliases(units: UnitRegistry) -> None:
    terms = units.all_terms()
    assert {"县卫生健康局", "卫健局", "凤羽镇人民政府", "凤羽镇", "政府办"} <= set(terms)
    assert len(terms) == len(set(terms))


def test_bad_units_file_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        registry_from_data({"units": [{"name": "县财政局"}]})
    with pytest.raises(ConfigError):
        registry_from_data({"units": [{"name": "县财政局", "kind": "company"}]})


SYNONYMS = [
    ("公众号多久要更新一次", ["政务新媒体", "工作日"]),
    ("微博和抖音要备案吗", ["政务新媒体"]),
    ("文件里有身份证号怎么办", ["个人隐私", "去标识化"]),
    ("依申请公开多少天答复", ["办结", "工作日", "时限"]),
    ("年报什么时候发", ["年度报告"]),
    ("申请公开怎么办理", ["依申请公开"]),
]


@pytest.mark.parametrize(("query", "extra"), SYNONYMS)
def test_synonym_expansion(query: str, extra: list[str]) -> None:
    terms = expand(query)
    assert set(extra) <= set(terms)
    assert not any(t in query for t in terms)


def test_synonyms_are_two_way_for_groups_and_accept_tokens() -> None:
    syn = load_synonyms()
    assert "答复" in syn.expand(["办结"]) and "办结" in syn.expand(["答复"])
    assert "政务新媒体" in syn.expand(["抖音"]) and "抖音" not in syn.expand(["政务新媒体"])
    assert "政务新媒体" in syn.terms()
    assert syn.expand([]) == []


def test_bad_synonym_file_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        synonyms_from_data({"one_way": [{"from": ["a"]}]})
