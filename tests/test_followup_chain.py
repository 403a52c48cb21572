"""Follow-ups of follow-ups, plan parts and sections asked by number or label, the basis asked in other words,
the stakes of a rule asked as 为什么, and a new topic of one character pair."""

from __future__ import annotations

import pytest

from assistant.engine import Engine
from assistant.factory import build_engine
from assistant.followup import context, resolve
from assistant.followup_rewrite import order_hits, swap_topic
from assistant.plan_parts import part_question, section_question, sibling_part
from assistant.router import own_tasks_asked, words
from assistant.settings import Settings
from assistant.turn import Message
from knowledge.types import Chunk, Hit
from knowledge.units import load_units
from tests.conversation import talk


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_engine(Settings(embedder="none", retrieval_mode="bm25", data_dir=tmp_path_factory.mktemp("chain")))


def _talk(engine: Engine, *texts: str) -> str:
    return talk(engine, *texts)[1]


def test_a_follow_up_of_a_follow_up_keeps_the_first_question() -> None:
    history = (Message("user", "政务新媒体多久要更新一次"), Message("assistant", "……"),
               Message("user", "那网站呢"), Message("assistant", "……"))
    assert context(history, load_units()).question == "网站多久要更新一次"
    carried = (Message("user", "标准目录什么时候要编完"), Message("assistant", "……"),
               Message("user", "谁来汇总审核"), Message("assistant", "……"))
    assert context(carried, load_units()).question == "标准目录谁来汇总审核"  # a new ask about the same topic
    going_on = (Message("user", "开设政务视频号要备案吗"), Message("assistant", "……"),
                Message("user", "在哪里备"), Message("assistant", "……"))
    assert context(going_on, load_units()).question == "开设政务视频号要备案吗 在哪里备"  # the same ask goes on


def test_a_new_question_is_not_carried_along() -> None:
    history = (Message("user", "标准目录什么时候要编完"), Message("assistant", "……"),
               Message("user", "依申请公开的申请人需要提交哪些材料"), Message("assistant", "……"))
    assert context(history, load_units()).question == "依申请公开的申请人需要提交哪些材料"


@pytest.mark.parametrize("text", ["那依据哪个省文件", "按哪份文件办", "是什么上级文件"])
def test_the_basis_asked_with_a_word_between(text: str) -> None:
    units = load_units()
    history = (Message("user", "标准目录什么时候要编完"),
               Message("assistant", "2020年10月底前。〔《洱源县2020年政务公开工作方案》三〕"))
    follow = resolve(text, context(history, units), units)
    assert follow is not None and follow.kind == "basis" and follow.mode == ""


def test_why_after_a_rule_adds_what_breaking_it_costs(engine: Engine) -> None:
    reply = _talk(engine, "政务新媒体两次更新最多隔几天", "为啥要求这么高")
    assert reply.startswith("上一条回答的依据是") and "单项否决" in reply.split("不落实的后果")[-1]


def test_a_plan_part_asked_as_an_item_and_the_next_one() -> None:
    asks = words()["followup"]["article_asks"]
    assert part_question("方案第四项讲的啥", asks) == "四"
    assert part_question("第四项讲的啥", asks) is None  # without 方案 it is an item of what was just shown
    shown = "《洱源县2020年政务公开工作方案》第一部分“严格执行公文(信息)公开属性界定”的内容：\n……"
    assert sibling_part("那第二项呢", shown) == "二"
    listed = "《洱源县2020年政务公开工作方案》第五部分“…”包括4项：\n1. 〔五(一)〕…\n2. 〔五(二)〕…"
    assert sibling_part("那第二项呢", listed) is None  # its own subsections are what "第二项" picks


def test_a_plan_section_asked_by_its_label(engine: Engine) -> None:
    asks = words()["followup"]["article_asks"]
    assert section_question("四（三）讲的啥", asks) == "四(三)"
    assert section_question("四(三)的疫情信息什么时候发布", asks) is None
    reply = _talk(engine, "县审计局有哪些任务", "那六(二)要做什么")
    assert reply.startswith("《洱源县2020年政务公开工作方案》六(二)")


@pytest.mark.parametrize("text", ["方案里哪几块点名我们了", "方案点了咱们名的有哪几项", "哪部分提到我们单位"])
def test_the_parts_that_name_ones_unit(text: str) -> None:
    assert own_tasks_asked(text)


def test_a_topic_swapped_into_a_question_without_an_ask_word() -> None:
    assert swap_topic("政务新媒体一个月不更新会怎样", "网站") == "网站一个月不更新会怎样"


def _hit(text: str, score: float) -> Hit:
    return Hit(chunk=Chunk(id=text, doc_id="d", title="t", section="s", text=text), score=score)


def test_a_one_pair_topic_leads_with_the_clause_that_names_it() -> None:
    hits = [_hit("主动公开的信息20个工作日内公开", 0.3), _hit("网站栏目6个月没更新扣分", 0.2)]
    assert order_hits("swap", "网站", hits, [])[0].chunk.text.startswith("网站")
    assert order_hits("condition", "网站", hits, [])[0].chunk.text.startswith("主动")


def test_another_topic_after_a_units_tasks_on_a_topic() -> None:
    units = load_units()
    history = (Message("user", "县水务局在重大建设项目方面有任务吗"),
               Message("assistant", "县水务局在《洱源县2020年政务公开工作方案》中与“重大建设项目”有关的任务1项：\n\n1. ……"))
    ctx = context(history, units)
    follow = resolve("那社会公益事业呢", ctx, units)
    assert follow is not None and follow.text == "县水务局在社会公益事业方面有哪些任务"
    assert resolve("那要多久呢", ctx, units) is None or "方面" not in resolve("那要多久呢", ctx, units).text  # type: ignore[union-attr]


def test_the_task_picked_from_a_list_is_the_topic_then() -> None:
    history = (Message("user", "县审计局有哪些任务"), Message("assistant", "县审计局在《…》中的任务共2项：\n1. 〔四(六)〕甲\n2. 〔五(一)〕乙"),
               Message("user", "第一项"), Message("assistant", "第一项：〔四(六)〕主动公开公共资源配置领域信息（点名负责）\n\n……"))
    assert context(history, load_units()).question == "主动公开公共资源配置领域信息"


def _after(question: str, verdict: str) -> tuple[str, ...]:
    units = load_units()
    history = (Message("user", question),
               Message("assistant", f"{verdict}\n规则原文。〔《政府信息公开条例》第十六条〕\n\n依据：\n1. 《政府信息公开条例》第十六条"))
    ctx = context(history, units)
    return tuple(f.mode if (f := resolve(t, ctx, units)) is not None and f.kind == "verdict" else ""
                 for t in ("确定吗？", "不盖章行不行", "那不盖章的话可以吗", "盖章要几份"))


def test_a_yes_no_answer_is_kept_to_when_asked_again_or_the_other_way_round() -> None:
    assert _after("这类通知要盖章吗", "要。") == ("confirm", "flip", "flip", "")
    assert _after("这类通知可以盖章吗", "可以。") == ("confirm", "", "", "")  # allowed says nothing of not doing it
    assert _after("这类通知要盖章吗", "盖章的要求如下：") == ("", "", "", "")  # no verdict to keep to


def test_the_verdict_turned_round(engine: Engine) -> None:
    reply = _talk(engine, "开设政务微信公众号要备案吗", "不备案行吗")
    first = _talk(engine, "开设政务微信公众号要备案吗").split("\n", 1)[0]
    assert reply.startswith("不可以" if first == "要。" else "可以")


def test_whose_is_a_qualifier_of_the_topic_not_a_new_topic() -> None:
    assert swap_topic("年度报告什么时候公布", "乡镇政府") == "乡镇政府的年度报告什么时候公布"
    assert swap_topic("政务新媒体多久要更新一次", "网站") == "网站多久要更新一次"


def test_a_short_follow_up_after_who_does_a_task_is_about_that_task() -> None:
    from assistant.followup import in_context

    history = (Message("user", "标准目录谁来编"), Message("assistant", "与“标准目录编制”最相关的任务及责任单位：\n\n1. ……"))
    assert in_context("有时间要求吗", context(history, load_units())) == "标准目录编制 有时间要求吗"


def test_a_move_to_another_unit_is_the_users_unit_from_then_on(engine: Engine) -> None:
    reply = _talk(engine, "我是县财政局的", "我们有哪些任务", "我目前调到县水务局了", "那我们单位呢")
    assert reply.startswith("县水务局")


def test_the_lines_of_one_tag_from_a_units_tasks() -> None:
    units = load_units()
    listed = ("县审计局在《洱源县2020年政务公开工作方案》中的任务共3项（牵头1项、点名负责2项）：\n\n"
              "1. 〔三〕甲任务（牵头）\n2. 〔四(六)〕乙任务（点名负责）\n3. 〔四(七)〕丙任务（点名负责）")
    ctx = context((Message("user", "县审计局有哪些任务"), Message("assistant", listed)), units)
    lead = resolve("里面牵头的是哪个", ctx, units)
    named = resolve("点名的有哪些", ctx, units)
    assert lead is not None and lead.kind == "list_item" and lead.n == 1
    assert named is not None and [i.section for i in named.items] == ["四(六)", "四(七)"]


def test_a_unit_and_a_topic_named_in_a_follow_up_ask_its_tasks_there() -> None:
    units = load_units()
    ctx = context((Message("user", "主动公开的信息多久内公开"), Message("assistant", "20个工作日内。")), units)
    follow = resolve("那县水务局在社会公益事业方面呢", ctx, units)
    assert follow is not None and follow.text == "县水务局在社会公益事业方面有哪些任务"


def test_tell_me_more_shows_the_whole_clause_cited(engine: Engine) -> None:
    reply = _talk(engine, "标准目录要包括哪些要素", "详细讲讲")
    assert reply.startswith("《洱源县2020年政务公开工作方案》三的规定") and reply.count("〔《") >= 2


def test_we_are_states_the_unit_too(engine: Engine) -> None:
    assert _talk(engine, "我们是凤羽镇的", "依申请公开多久答复", "我们单位有哪些任务").startswith("凤羽镇人民政府")
    assert _talk(engine, "我们单位是县民政局", "我们要做啥").startswith("县民政局")
