"""Follow-ups resolve against the conversation: the unit, the article just cited, 依据, 为什么, 那……呢."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.engine import Engine
from assistant.factory import build_engine
from assistant.followup import context, item_number, resolve
from assistant.settings import Settings
from assistant.turn import Message, Turn
from knowledge.units import load_units
from tests.conversation import talk


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_engine(Settings(embedder="none", retrieval_mode="bm25", data_dir=tmp_path_factory.mktemp("followup")))


def _talk(engine: Engine, *texts: str) -> tuple[Turn, str]:
    history, reply = talk(engine, *texts)
    return Turn(text=texts[-1], history=history[:-2]), reply


def test_our_unit_after_saying_which_town_we_work_for(engine: Engine) -> None:
    _, reply = _talk(engine, "我是乔后镇的", "那我们单位呢？")
    assert "乔后镇人民政府" in reply


def test_another_unit_after_a_duties_answer(engine: Engine) -> None:
    _, reply = _talk(engine, "县审计局有哪些任务", "那县水务局呢")
    assert "县水务局" in reply and "县审计局" not in reply.split("\n")[0]


def test_the_basis_of_the_last_answer(engine: Engine) -> None:
    _, reply = _talk(engine, "主动公开的信息多少个工作日内要公开", "依据呢？")
    assert "第二十六条" in reply


def test_item_n_of_the_article_just_quoted(engine: Engine) -> None:
    _, reply = _talk(engine, "哪三类信息绝对不能公开", "那第二项呢")
    assert "法律或行政法规明令禁止公开" in reply


def test_a_new_detail_continues_the_last_question(engine: Engine) -> None:
    _, reply = _talk(engine, "申请人要求公开的信息多少天内答复", "要是需要延期呢？")
    assert "20个工作日" in reply and "负责人同意" in reply


def test_why_after_a_classification_gives_its_reasons(engine: Engine) -> None:
    draft = ("这个文件能不能公开：关于开展2026年农村危房改造摸底的通知。各镇乡人民政府、县级各部门：为做好危房改造工作，"
             "现将摸底安排通知如下，请于3月底前报送。联系人：李四，电话13912345678。特此通知。")
    _, reply = _talk(engine, draft, "为什么？")
    assert reply.startswith("理由如下") and "〔《政府信息公开条例》" in reply


@pytest.mark.parametrize(("text", "n"), [("那第一项呢", 1), ("第三项", 3), ("第十项是啥", 10), ("第2点", 2)])
def test_item_numbers(text: str, n: int) -> None:
    assert item_number(text) == n


def test_a_message_that_stands_on_its_own_is_not_rewritten() -> None:
    units = load_units()
    history = (Message("user", "县审计局有哪些任务"), Message("assistant", "县审计局的任务：……"))
    ctx = context(history, units)
    assert resolve("政务新媒体两次更新最多隔多少天才算合规", ctx, units) is None
    assert resolve("那县林草局呢？", ctx, units) is not None


def test_a_short_question_after_a_knowledge_answer_carries_its_topic(engine: Engine) -> None:
    _, reply = _talk(engine, "主要负责人一年至少听几次汇报", "由谁来听")
    assert reply.splitlines()[0].startswith("各级各部门主要负责人") and "六(一)" in reply


def test_an_unrelated_short_message_is_not_answered_with_the_last_topic(engine: Engine) -> None:
    _, reply = _talk(engine, "主要负责人一年至少听几次汇报", "周末加班吗")
    assert "县人民政府办公室" in reply and "六(一)" not in reply


def test_every_channel_s_history_is_read_in_one_shape(engine: Engine) -> None:
    """The page sends 40 messages, /api/ask takes 50, WeCom reloads 200: the engine reads the last 10, masked,
    whichever channel the conversation came through, plus the unit the user said they work for, from all of it."""
    said = (Message("user", "我是凤羽镇的"), Message("assistant", "好的，已记下您的单位：凤羽镇人民政府。"))
    chatter = tuple(m for n in range(5) for m in (Message("user", f"电话1398872665{n}"), Message("assistant", "好的。")))
    recent = (Message("user", "县审计局有哪些任务"), Message("assistant", engine.respond(Turn("县审计局有哪些任务")).text))
    history = said + chatter + recent
    long_reply = engine.respond(Turn("那我们单位呢？", history=history)).text
    windowed = engine.respond(Turn("那我们单位呢？", history=history[-10:], own_unit="凤羽镇人民政府")).text
    assert long_reply == windowed
    assert long_reply.startswith("凤羽镇人民政府")


def test_item_n_of_a_task_list_is_that_line_with_its_plan_text(engine: Engine) -> None:
    listed = engine.respond(Turn("县卫健局有哪些任务")).text
    second = next(line for line in listed.splitlines() if line.startswith("2. "))
    _, reply = _talk(engine, "县卫健局有哪些任务", "第二项具体是什么")
    assert reply.startswith("第二项：") and second[3:] in reply and "〔《洱源县2020年政务公开工作方案》" in reply


def test_an_article_asked_by_number_alone_and_after_an_answer(engine: Engine) -> None:
    alone = engine.respond(Turn("政府信息公开条例第十五条是什么")).text
    assert "第十五条" in alone and "第三方" in alone and "没有找到" not in alone
    _, reply = _talk(engine, "依申请公开多少个工作日内答复", "第三十三条原文呢")
    assert "《政府信息公开条例》第三十三条" in reply and "20个工作日" in reply and "没有分项" not in reply


def test_the_basis_of_a_deadline_and_of_a_task_list(engine: Engine) -> None:
    _, deadline = _talk(engine, "9月28日网上收到的申请哪天到期", "依据呢")
    assert "第三十三条" in deadline and "没有找到" not in deadline
    _, duties = _talk(engine, "县卫健局有哪些任务", "依据呢")
    assert "《洱源县2020年政务公开工作方案》四(三)" in duties


@pytest.mark.parametrize(("turns", "want", "unwanted"), [
    (("9月28日网上收到的申请哪天到期", "要是10月8日收到的呢"), "收到日：2026-10-08", "收到日：2026-09-28"),
    (("上周五收到的申请哪天到期", "如果是邮寄的呢"), "（邮寄）", "（当面提交）"),
    (("3月5日收到不予公开决定，复议最晚哪天申请", "那起诉呢"), "行政诉讼法", "答复截止日"),
    (("2025年的年报什么时候交", "那2026年的呢"), "报告年度：2026年", "报告年度：2025年"),
])
def test_a_calculation_again_with_the_detail_a_follow_up_changes(
    engine: Engine, turns: tuple[str, str], want: str, unwanted: str
) -> None:
    history: tuple[Message, ...] = ()
    reply = ""
    for text in turns:
        reply = engine.respond(Turn(text=text, history=history, today=date(2026, 11, 27))).text
        history += (Message("user", text), Message("assistant", reply))
    assert want in reply and unwanted not in reply


def test_we_alone_after_saying_which_town(engine: Engine) -> None:
    _, reply = _talk(engine, "我是凤羽镇的", "那我们呢")
    assert reply.startswith("凤羽镇人民政府") and "任务" in reply.split("\n")[0]


def test_a_year_follow_up_to_a_knowledge_answer_keeps_its_topic(engine: Engine) -> None:
    _, reply = _talk(engine, "年报什么时候公布", "2026年的呢")
    assert "报告年度：2026年" in reply


def test_the_unit_said_long_before_the_follow_up_window_still_applies(engine: Engine) -> None:
    """"我是卫健局的", then 14 messages about other things (another unit's tasks among them): "我们局" is still
    县卫生健康局, though the engine reads only the last 10 messages for follow-ups."""
    talk = ["我是卫健局的", "依申请公开多少个工作日内答复", "县林草局有哪些任务", "主动公开的信息多久内公开",
            "政务新媒体多久要更新一次", "补正告知要几天内发", "信息处理费怎么收", "我们局有哪些任务"]
    turn, reply = _talk(engine, *talk)
    assert len(turn.history) > 10
    assert reply.startswith("县卫生健康局")


def test_a_unit_stated_inside_a_question_is_remembered_too(engine: Engine) -> None:
    _, reply = _talk(engine, "你好 我是县气象局的，想问下依申请公开多少天答复", "主动公开多久内要公开",
                     "那我们单位呢")
    assert reply.startswith("县气象局")


def test_the_unit_a_channel_passes_as_state_answers_our_tasks(engine: Engine) -> None:
    reply = engine.respond(Turn(text="我们单位有哪些任务", history=(Message("user", "补正告知要几天内发"),),
                                own_unit="县审计局")).text
    assert reply.startswith("县审计局")


def test_a_plan_part_asked_by_number_lists_its_subsections_and_a_sub_point_follows(engine: Engine) -> None:
    turn, listed = _talk(engine, "方案的第六部分讲了什么")
    assert listed.splitlines()[0].startswith("《洱源县2020年政务公开工作方案》第六部分")
    assert "〔六(一)〕" in listed and "〔六(二)〕" in listed
    _, second = _talk(engine, "方案的第六部分讲了什么", "那第二小项呢")
    assert second.startswith("第二项：〔六(二)〕") and "培训" in second


def test_a_plan_part_without_subsections_is_shown_with_its_text(engine: Engine) -> None:
    reply = engine.respond(Turn("第二大项是什么"))
    assert "第二部分“深入解读重要政策措施”" in reply.text and "〔《洱源县2020年政务公开工作方案》二〕" in reply.text
    assert reply.sources and reply.sources[0].section == "二"


def test_a_stored_conversation_remembers_the_unit_past_the_follow_up_window(engine: Engine, tmp_path: Path) -> None:
    """As the WeCom channels do: each exchange stored (masked), the history reloaded for the next turn."""
    from assistant.conversation import load_history, save_exchange
    from assistant.storage import open_database

    db = open_database(f"sqlite:///{tmp_path / 'chat.db'}")
    said = ["我是卫健局的", "依申请公开多少个工作日内答复", "补正告知要几天内发", "主动公开的信息多久内公开",
            "信息处理费怎么收", "政务新媒体多久要更新一次", "县林草局有哪些任务"]
    for text in said:
        with db.session() as s:
            history = load_history(s, "wecom:amy")
        reply = engine.respond(Turn(text=text, history=history)).text
        with db.session() as s:
            save_exchange(s, conversation_id="wecom:amy", user_id="amy", user_text=text, reply_text=reply)
    with db.session() as s:
        history = load_history(s, "wecom:amy")
    assert len(history) == 14
    assert engine.respond(Turn(text="我们局有哪些任务", history=history)).text.startswith("县卫生健康局")
    db.dispose()


def test_another_unit_after_a_topic_answer_keeps_the_topic(engine: Engine) -> None:
    _, reply = _talk(engine, "县林草局在重大建设项目方面有任务吗", "那县水务局呢")
    assert reply.startswith("县水务局在《") and "与“重大建设项目”有关的任务" in reply and "〔四(七)〕" in reply
    _, full = _talk(engine, "县林草局有哪些任务", "那县水务局呢")
    assert full.startswith("县水务局在《") and "的任务共" in full  # no topic: the whole list
