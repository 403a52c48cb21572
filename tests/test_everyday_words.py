"""Staff's everyday words (回话, 往后拖, 申了, 领导) reach the rules' words, in search and in the relevance check."""

from __future__ import annotations

import pytest

from assistant.engine import Engine
from assistant.factory import build_engine
from assistant.settings import Settings
from assistant.turn import Turn
from knowledge.synonyms import synonyms_from_data

_DATA = {"groups": [["答复", "回复"]], "one_way": [{"from": ["几天"], "to": ["工作日"]}],
         "everyday": [{"from": ["回话", "回个话"], "to": ["答复"]}, {"from": ["申了"], "to": ["申请"]}]}


def test_an_everyday_word_expands_to_the_rules_word_one_way() -> None:
    table = synonyms_from_data(_DATA)
    assert table.expand("第三方一直不回话") == ["答复"]
    assert "回话" not in table.expand("第三方逾期不答复")  # the rule's word does not bring in the everyday one


def test_rule_words_come_only_from_everyday_rules() -> None:
    table = synonyms_from_data(_DATA)
    assert table.rule_words("他申了三件，还没回个话") == ["答复", "申请"]
    assert table.rule_words("年休假有几天") == []  # 几天 → 工作日 searches, but is not an everyday word


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_engine(Settings(embedder="none", retrieval_mode="bm25", data_dir=tmp_path_factory.mktemp("everyday")))


@pytest.mark.parametrize(("text", "section", "fact"), [
    ("第三方不回话咋整", "第三十二条", "逾期不答复"),
    ("答复来不及了能往后拖几天", "第三十三条", "20个工作日"),
    ("有个人一个月申了几十件，能要他说明理由不", "第三十五条", "说明理由"),
    ("领导的姓名要不要主动公开", "第二十条", "负责人姓名"),
    ("这个申请写得稀里糊涂的，能让他补吗", "第三十条", "补正"),
    ("复印收钱不", "第四十二条", "不收费"),
])
def test_a_question_in_staff_wording_is_answered_from_the_rule(engine: Engine, text: str, section: str, fact: str) -> None:
    reply = engine.respond(Turn(text=text))
    assert (reply.data or {}).get("decision") == "answer"
    assert section in [s.section for s in reply.sources]
    assert fact in reply.text


@pytest.mark.parametrize("text", ["公务员年休假一年能休几天", "单位食堂周末开不开门", "停车场停车收钱不"])
def test_common_phrasing_alone_does_not_make_a_question_in_scope(engine: Engine, text: str) -> None:
    reply = engine.respond(Turn(text=text))
    assert reply.sources == [] and (reply.data or {}).get("decision") == "refuse"


def test_at_all_adverbs_do_not_count_as_what_is_asked() -> None:
    from knowledge.retriever import is_function_word

    assert is_function_word("压根") and is_function_word("根本")
