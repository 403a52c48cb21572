"""Router table: every labelled chat message of eval/sets/dev/intent.yaml and intent_fresh.yaml, plus multi-turn memory."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.router import Intent, route
from assistant.turn import Attachment, Message, Turn
from knowledge.errors import BadInput
from knowledge.units import load_units

SETS = Path(__file__).resolve().parent.parent / "eval" / "sets" / "dev"
ITEMS: list[dict[str, Any]] = [
    item for name in ("intent.yaml", "intent_fresh.yaml", "intent_fresh2.yaml")
    for item in yaml.safe_load((SETS / name).read_text(encoding="utf-8"))["items"]
]


def _route(message: str, today: date, history: tuple[Message, ...] = ()) -> Intent | None:
    return route(Turn(message, history=history), units=load_units(), today=today)


def _matches(item: dict[str, Any], intent: Intent | None) -> bool:
    tool = intent.tool if intent else None
    if tool != item["expected_tool"]:
        return False
    args = intent.args if intent else {}
    return all(
        str(args.get(k)).lower() == str(v).lower() for k, v in (item.get("expected_args") or {}).items()
    )


def test_set_is_big_enough_and_accuracy_meets_target() -> None:
    assert len(ITEMS) >= 60
    hits = sum(_matches(item, _route(item["message"], item["today"])) for item in ITEMS)
    accuracy = hits / len(ITEMS)
    print(f"intent accuracy {hits}/{len(ITEMS)} = {accuracy:.3f}")
    assert accuracy >= 0.95


@pytest.mark.parametrize("item", ITEMS, ids=[i["id"] for i in ITEMS])
def test_each_labelled_message(item: dict[str, Any]) -> None:
    intent = _route(item["message"], item["today"])
    assert _matches(item, intent), intent


def test_deadline_intent_states_its_assumptions() -> None:
    intent = _route("9月28日收到的申请哪天到期", date(2026, 11, 27))
    assert intent is not None
    assert "未写年份，按2026年计算。" in intent.notes
    assert any("按当面提交计算" in n for n in intent.notes)


def test_unit_named_earlier_is_remembered() -> None:
    history = (
        Message("user", "我是邓川镇的，想问下政务公开的事"),
        Message("assistant", "好的，请问有什么问题？"),
        Message("user", "依申请公开多少天内答复?"),
        Message("assistant", "20个工作日……"),
    )
    intent = _route("那我们镇有哪些任务", date(2026, 11, 27), history)
    assert intent == Intent("duties", {"unit": "邓川镇人民政府"})
    # the most recent unit wins
    later = (*history, Message("user", "财政局的任务有哪些"))
    assert _route("我们局要做什么", date(2026, 11, 27), later) == Intent("duties", {"unit": "县财政局"})


def test_follow_up_reuses_the_earlier_date_and_adds_extension() -> None:
    history = (Message("user", "上周五网上收到的申请，什么时候要答复"), Message("assistant", "答复截止日……"))
    intent = _route("延期的话最晚哪天", date(2026, 11, 27), history)
    assert intent is not None and intent.tool == "deadline"
    assert intent.args == {"received": "2026-11-20", "channel": "online", "extend": True}
    assert _route("延期的话最晚哪天", date(2026, 11, 27)) is None  # no earlier date: a knowledge question


def test_attachment_goes_to_classify_with_its_text() -> None:
    turn = Turn(
        "", attachment=Attachment("通知.txt", "关于做好年度报告工作的通知\n各镇乡人民政府：".encode())
    )
    intent = route(turn, units=load_units(), today=date(2026, 11, 27))
    assert intent is not None and intent.tool == "classify"
    assert intent.args["text"].startswith("关于做好年度报告工作的通知")


def test_bad_attachment_gives_a_chinese_error() -> None:
    turn = Turn("", attachment=Attachment("空.txt", b""))
    with pytest.raises(BadInput) as err:
        route(turn, units=load_units(), today=date(2026, 11, 27))
    assert err.value.user_message


class _NoHits:
    def search(self, query: str, k: int) -> list[Any]:
        return []


def test_engine_answers_a_deadline_question_with_its_assumptions_first() -> None:
    from assistant.engine import Engine
    from assistant.factory import build_tool_context
    from tools.registry import Toolbox

    engine = Engine(retriever=_NoHits(), toolbox=Toolbox(build_tool_context()))
    reply = engine.respond(Turn("9月18日网上收到的申请哪天到期", today=date(2026, 11, 27)))
    assert reply.tool == "deadline"
    assert reply.text.startswith("未写年份，按2026年计算。")
    assert "**答复截止日：2026-10-22（周四）**" in reply.text
    assert reply.data is not None and reply.data["due"] == "2026-10-22"
    with pytest.raises(BadInput, match="492号"):
        engine.respond(Turn("2019年3月1日收到的申请哪天到期", today=date(2026, 11, 27)))


def test_help_and_welcome_texts_show_every_capability() -> None:
    from assistant.help import help_text, welcome_text

    text = help_text()
    for command in ("/期限", "/职责", "/属性", "/测验", "/反馈"):
        assert command in text
    assert _route("／帮助", date(2026, 11, 27)) == Intent("help", reply=text)
    assert len(welcome_text()) < 200 and "/帮助" in welcome_text()


def test_slash_deadline_with_an_impossible_date_asks_again() -> None:
    intent = _route("/期限 2026-02-30", date(2026, 11, 27))
    assert intent == Intent("clarify", reply="日期不存在：2026-02-30，请核对后再问。")


@pytest.mark.parametrize(
    ("message", "unit"),
    [("县统计局有哪些任务", "县统计局"), ("统计局负责什么", "统计局"), ("县医保局要做什么", "县医保局"),
     ("局有哪些任务", "局")],
)
def test_a_unit_the_plan_does_not_name_goes_to_duties_as_typed(message: str, unit: str) -> None:
    assert _route(message, date(2026, 11, 27)) == Intent("duties", {"unit": unit})


@pytest.mark.parametrize("message", ["各镇乡有哪些任务", "乡镇有哪些任务", "卫健局的政务公开专栏应该放哪些内容", "几个部门联合发的文，解读归谁管"])
def test_collective_terms_and_situations_stay_knowledge_questions(message: str) -> None:
    assert _route(message, date(2026, 11, 27)) is None


def test_engine_answers_an_unknown_or_vague_unit_in_chat_with_the_tools_message() -> None:
    from assistant.engine import Engine
    from assistant.factory import build_tool_context
    from tools.registry import Toolbox

    engine = Engine(retriever=_NoHits(), toolbox=Toolbox(build_tool_context()))
    reply = engine.respond(Turn("县统计局有哪些任务"))
    assert reply.tool == "duties"
    assert reply.text.startswith("方案中未找到该单位“县统计局”。最接近的单位：")
    assert reply.data is not None and reply.data["candidates"]
    vague = engine.respond(Turn("局有哪些任务"))
    assert vague.tool == "duties" and vague.data is not None and len(vague.data["candidates"]) > 1


def test_engine_answers_other_periods_in_chat() -> None:
    from assistant.engine import Engine
    from assistant.factory import build_tool_context
    from tools.registry import Toolbox

    engine = Engine(retriever=_NoHits(), toolbox=Toolbox(build_tool_context()))
    today = date(2026, 11, 27)
    reply = engine.respond(Turn("8月2日收到不予公开决定，复议最晚哪天申请", today=today))
    assert reply.tool == "period" and reply.data is not None and reply.data["due"] == "2026-10-08"
    assert reply.text.startswith("未写年份，按2026年计算。")
    assert "**截止日：2026-10-08（周四）**" in reply.text and "《行政复议法》第二十条" in reply.text
    fee = engine.respond(Turn("申请人11月20日收到收费通知，最晚哪天缴费", today=today))
    assert fee.tool == "period" and "该期限依据二手复述，未对照原文核实" in fee.text
    report = engine.respond(Turn("2025年的年报什么时候交", today=today))
    assert "按2025年度的年报计算" in report.text and "**部门年报：2026-01-31（周六）前**" in report.text
    with pytest.raises(BadInput, match="2019-05-15"):
        engine.respond(Turn("2019年3月1日形成的信息最晚哪天要主动公开", today=today))


@pytest.mark.parametrize(
    ("message", "unit"),
    [("我是卫健局的", "县卫生健康局"), ("我在县政府办工作", "县人民政府办公室"), ("我是凤羽镇的工作人员", "凤羽镇人民政府")],
)
def test_self_introduction_is_acknowledged_and_remembered(message: str, unit: str) -> None:
    intent = _route(message, date(2026, 11, 27))
    assert intent is not None and intent.tool == "clarify" and intent.args == {"unit": unit}
    assert intent.reply is not None and unit in intent.reply
    later = _route("我们单位有哪些任务", date(2026, 11, 27), (Message("user", message), Message("assistant", intent.reply)))
    assert later is not None and later.tool == "duties" and later.args == {"unit": unit}


def test_introduction_of_an_unknown_place_is_not_a_unit() -> None:
    assert _route("我是新来的", date(2026, 11, 27)) is None


@pytest.mark.parametrize(
    ("message", "tool", "args"),
    [
        ("/反馈：第二条答复不准确", "feedback", {"text": "第二条答复不准确"}),
        ("／反馈:太长", "feedback", {"text": "太长"}),
        ("/期限：2026-02-13", "deadline", {"received": "2026-02-13", "channel": "in_person"}),
    ],
)
def test_slash_command_may_be_followed_by_a_colon(message: str, tool: str, args: dict[str, str]) -> None:
    intent = _route(message, date(2026, 11, 27))
    assert intent is not None and intent.tool == tool and intent.args == args


def test_messages_about_the_assistant_need_nothing_but_its_words_and_fillers() -> None:
    today = date(2026, 11, 27)
    assert _route("来三道题考考我", today) == Intent("quiz", {"text": "", "n": 3})
    help_intent = _route("你能干啥", today)
    assert help_intent is not None and help_intent.tool == "help"
    assert _route("怎么使用政务公开平台发布信息", today) is None  # content words left: a question
    assert _route("提个意见：期限那条说得不清楚", today) == Intent("feedback", {"text": "期限那条说得不清楚"})


def test_a_unit_question_with_content_words_is_not_a_task_list() -> None:
    today = date(2026, 11, 27)
    assert _route("县政府办负责年报汇总吗", today) is None
    assert _route("邓川镇政府具体负责哪些事情", today) == Intent("duties", {"unit": "邓川镇人民政府"})


def test_pasted_text_before_the_ask_is_classified() -> None:
    text = "关于做好全县森林防火工作的通知 各镇乡人民政府：请于12月1日前完成隐患排查。特此通知。这个能公开吗"
    intent = _route(text, date(2026, 11, 27))
    assert intent is not None and intent.tool == "classify"
    assert intent.args["text"].startswith("关于做好全县森林防火工作的通知")
