"""Elliptic follow-ups rewritten into whole questions: own-unit tasks in everyday words, a swapped topic
("那网站呢"), an added condition ("如果需要延长呢"), a quantity after a procedure ("那得多少天")."""

from __future__ import annotations

import pytest

from assistant.engine import Engine
from assistant.factory import build_engine
from assistant.followup import context, shares_words
from assistant.followup_rewrite import order_hits, rewrite, split_topic, swap_topic
from assistant.router import own_tasks_asked
from assistant.settings import Settings
from assistant.turn import Message
from knowledge.units import load_units
from tests.conversation import talk


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    # the shipped default retrieval (USE vectors + BM25): what a user gets
    return build_engine(Settings(data_dir=tmp_path_factory.mktemp("rewrite")))


def _talk(engine: Engine, *texts: str) -> str:
    return talk(engine, *texts)[1]


@pytest.mark.parametrize("text", ["咱们要干啥", "我们干啥？", "方案里我们的活有哪些", "本单位要做些啥", "咱们单位的职责"])
def test_own_unit_tasks_in_everyday_words(text: str) -> None:
    assert own_tasks_asked(text)


@pytest.mark.parametrize("text", ["我们要公开哪些民生信息", "咱们的政务新媒体多久更新", "我们干啥要公开年报", "要做啥"])
def test_a_question_that_merely_says_we_is_not_a_tasks_request(text: str) -> None:
    assert not own_tasks_asked(text)


def test_our_tasks_after_saying_which_bureau(engine: Engine) -> None:
    reply = _talk(engine, "我是县审计局的", "咱们要干啥")
    assert reply.startswith("县审计局") and "任务" in reply.split("\n")[0]


def test_the_topic_is_the_part_before_the_ask() -> None:
    assert split_topic("政务新媒体多久要更新一次") == ("政务新媒体", "多久要更新一次")
    assert split_topic("按件收费的标准是多少") == ("按件收费", "的标准是多少")


def test_a_new_topic_replaces_the_old_one() -> None:
    assert swap_topic("政务新媒体多久要更新一次", "网站") == "网站多久要更新一次"
    assert swap_topic("主动公开的信息多少个工作日内要公开", "依申请公开") == "依申请公开的信息多少个工作日内要公开"
    # a modifier ("县政府本级的") keeps the head word of the old topic (年报)
    assert swap_topic("部门年报什么时候报", "县政府本级的") == "县政府本级年报什么时候报"


def test_kinds_of_ellipsis() -> None:
    assert rewrite("依申请公开一般多少天答复", "如果需要延长呢").mode == "condition"  # type: ignore[union-attr]
    assert rewrite("申请内容不明确怎么处理", "那得多少天？").mode == "ask"  # type: ignore[union-attr]
    assert rewrite("政务新媒体多久要更新一次", "那网站呢？").mode == "swap"  # type: ignore[union-attr]


def test_that_website_question_is_not_answered_with_new_media_again(engine: Engine) -> None:
    reply = _talk(engine, "政务新媒体多久要更新一次", "那网站呢？")
    first = reply.split("\n")[0]
    assert "网站" in first and "14" not in first


def test_an_added_condition_leads_the_answer(engine: Engine) -> None:
    reply = _talk(engine, "依申请公开一般多少天答复", "如果需要延长呢")
    first = reply.split("\n")[0]
    assert ("延长" in first or "延期" in first) and "40个工作日" in first


def test_the_period_of_the_procedure_just_explained(engine: Engine) -> None:
    reply = _talk(engine, "申请内容不明确怎么处理", "那得多少天？")
    assert reply.startswith("申请内容不明确") or "7个工作日" in reply.split("\n")[0]
    assert "7个工作日" in reply.split("\n")[0] and "第三十条" in reply


def test_a_detail_of_the_clause_just_quoted_is_answered_from_it(engine: Engine) -> None:
    reply = _talk(engine, "疫情防控信息要公开哪些", "那收集的个人信息呢")
    assert "妥善处理" in reply.split("\n")[0] and "四(三)" in reply


def test_a_follow_up_naming_its_own_topic_and_amount_is_answered_for_it(engine: Engine) -> None:
    reply = _talk(engine, "申请人对答复不服可以怎么办", "那复议多久内要提")
    assert "60日" in reply.split("\n")[0] and "《行政复议法》第二十条" in reply


def test_a_situation_is_a_condition_not_a_new_topic() -> None:
    assert rewrite("要征求第三方意见怎么操作", "那对方一直不回呢").mode == "condition"  # type: ignore[union-attr]
    assert swap_topic("试点领域的标准目录啥时候要编完", "其他领域") == "其他领域的标准目录啥时候要编完"


def test_a_refused_message_sharing_words_with_the_last_exchange_is_related() -> None:
    ctx = context((Message("user", "标准目录谁汇总审核"), Message("assistant", "县人民政府办公室汇总审核。")), load_units())
    assert shares_words("审核完交给谁", ctx) and not shares_words("中午吃什么", ctx)


def test_one_shared_character_pair_does_not_overturn_the_search() -> None:
    from knowledge.types import Chunk, Hit

    right = Chunk(id="a", doc_id="d", title="条例", section="第三十四条", text="逾期没有答复就视为同意公开。", metadata={})
    noisy = Chunk(id="b", doc_id="d", title="口径", section="暂停", text="对方15个工作日答复期满，暂停计算。", metadata={})
    hits = [Hit(chunk=right, score=1.0), Hit(chunk=noisy, score=0.9)]
    assert [h.chunk.id for h in order_hits("condition", "对方一直不回", hits, [])] == ["a", "b"]
    assert [h.chunk.id for h in order_hits("condition", "需要延长", hits[::-1] + [Hit(chunk=Chunk(
        id="c", doc_id="d", title="条例", section="第三十三条", text="确实需要延长的，不超过20个工作日。", metadata={}), score=0.5)], [])][0] == "c"
