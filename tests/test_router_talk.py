"""Messages in the way staff write them: courtesies around a request, verdicts on the last answer, vague
messages, a document described or named by its title, and "谁负责…" about an act rather than a task."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.engine import Engine
from assistant.factory import build_engine
from assistant.router import ASK_DATE, ASK_TEXT, Intent, route, words
from assistant.settings import Settings
from assistant.small_talk import without_courtesy
from assistant.turn import Message, Turn
from knowledge.units import load_units

TODAY = date(2026, 11, 27)


def _route(message: str, history: tuple[Message, ...] = ()) -> Intent | None:
    return route(Turn(message, history=history), units=load_units(), today=TODAY)


@pytest.mark.parametrize("message", [
    "下午好，麻烦问下 县民政局在方案里有哪些任务呀，谢谢",
    "领导好！县民政局的政务公开任务清单发我一下，辛苦了",
    # voice-to-text interjections, and a greeting running straight into the request
    "喂你好我想问一下县民政局的任务有哪些",
    "嗯 就是县民政局的任务有哪些",
    "你好请问下县民政局的任务有哪些",
])
def test_greetings_and_thanks_around_a_request_do_not_change_it(message: str) -> None:
    assert _route(message) == Intent("duties", {"unit": "县民政局"})


def test_greetings_around_a_dated_request_still_compute_the_deadline() -> None:
    intent = _route("早上好，请问一下，十一月九日窗口收到的申请最晚哪天答复？谢谢")
    assert intent is not None and intent.tool == "deadline" and intent.args["received"] == "2026-11-09"


@pytest.mark.parametrize("message", ["您好", "在吗？", "hello"])
def test_a_greeting_alone_is_answered_with_what_the_assistant_can_do(message: str) -> None:
    intent = _route(message)
    assert intent is not None and intent.tool == "help" and intent.reply


@pytest.mark.parametrize("message", [
    "你上面列的任务漏了一项",
    "刚刚那个截止日你算错了，中秋节没扣掉",
    "这个答案很有用",
    "答得不错",
    "好的，谢谢",
])
def test_a_verdict_on_the_last_answer_is_feedback_with_the_whole_message(message: str) -> None:
    assert _route(message) == Intent("feedback", {"text": message})


def test_a_verdict_that_also_asks_stays_a_question() -> None:
    assert _route("你刚才说的不对吧，到底是多少个工作日？") is None


def test_explicit_feedback_keeps_only_what_follows_the_word() -> None:
    assert _route("反馈：你算的延期截止日错了") == Intent("feedback", {"text": "你算的延期截止日错了"})


def test_a_vague_message_asks_what_is_meant() -> None:
    generic = _route("呃 那个怎么弄")
    assert generic is not None and generic.tool == "clarify" and "具体" in (generic.reply or "")
    assert _route("期限那个") == Intent("clarify", reply=ASK_DATE)
    assert _route("嗯 公开属性") == Intent("clarify", reply=ASK_TEXT)


def test_a_vague_message_after_earlier_turns_is_left_to_the_follow_up_reading() -> None:
    history = (Message("user", "依申请公开多少天答复"), Message("assistant", "20个工作日内答复。"))
    assert _route("那个怎么弄", history) is None


def test_a_document_named_by_its_title_is_judged() -> None:
    assert _route("这个能上网吗 关于组织开展全县防汛演练的通知") == \
        Intent("classify", {"text": "关于组织开展全县防汛演练的通知"})
    assert _route("帮我认定下公开属性：关于调整县防汛指挥部成员的通知") == \
        Intent("classify", {"text": "关于调整县防汛指挥部成员的通知"})


def test_a_document_described_rather_than_pasted_is_judged_from_the_description() -> None:
    message = "这份行政处罚决定书标什么属性，处罚对象是一家餐馆，罚款两千元"
    assert _route(message) == Intent("classify", {"text": message})
    assert _route("这份批复公开属性怎么标") == Intent("clarify", reply=ASK_TEXT)  # nothing to judge yet


def test_who_does_a_bare_act_is_a_knowledge_question_and_a_task_name_lists_its_units() -> None:
    assert _route("谁负责盖章") is None
    assert _route("谁来组织政务公开培训") == Intent("duties", {"task": "政务公开培训"})


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_engine(Settings(embedder="none", retrieval_mode="bm25", data_dir=tmp_path_factory.mktemp("talk")))


def test_who_is_responsible_for_an_act_no_task_describes_is_answered_from_the_rules(engine: Engine) -> None:
    reply = engine.respond(Turn("涉密信息的定密谁负责"))
    assert reply.tool is None and "〔《" in reply.text and "最相关的任务" not in reply.text
    listed = engine.respond(Turn("哪个部门负责政务新媒体管理"))
    assert listed.tool == "duties" and "五(二)" in listed.text


def test_feedback_in_everyday_words_is_thanked_not_searched(engine: Engine) -> None:
    reply = engine.respond(Turn("这个回答有误，延期最多20个工作日", history=(
        Message("user", "依申请公开可以延期多久"), Message("assistant", "可以延长15个工作日。"))))
    assert reply.tool == "feedback" and "感谢" in reply.text


def test_a_computed_deadline_names_the_articles_it_was_computed_from_as_sources(engine: Engine) -> None:
    reply = engine.respond(Turn("11月9日当面收到的申请哪天到期", today=TODAY))
    assert reply.tool == "deadline"
    assert ("政府信息公开条例", "第三十三条") in [(s.title, s.section) for s in reply.sources]
    assert all(s.text for s in reply.sources)  # the clause itself, as a knowledge answer's sources carry it


def test_a_unit_s_tasks_on_one_topic() -> None:
    said = (Message("user", "我是县卫健局的"), Message("assistant", "好的，已记下您的单位：县卫生健康局。"))
    assert _route("疫情防控这块我们有哪些任务", said) == \
        Intent("duties", {"unit": "县卫生健康局", "topic": "疫情防控"})
    assert _route("县林草局在重大建设项目方面有任务吗") == \
        Intent("duties", {"unit": "县林草局", "topic": "重大建设项目"})
    # no unit known: a question about the rules, not a question back
    assert _route("依申请公开我们要做什么") is None


def test_the_topic_answer_shows_the_whole_task_and_says_when_there_is_none(engine: Engine) -> None:
    history = (Message("user", "我是县政务局的"), Message("assistant", "好的，已记下您的单位：县政务局。"))
    reply = engine.respond(Turn("营商环境方面我们要干什么", history=history))
    assert reply.tool == "duties" and "〔四(二)〕" in reply.text and "一部手机办事通" in reply.text
    none = engine.toolbox.run("duties", {"unit": "县卫生健康局", "topic": "森林防火"})
    assert none.text.startswith("县卫生健康局在《") and "没有与“森林防火”直接相关的任务" in none.text
    assert "的任务共" in none.text  # and then all its tasks


@pytest.mark.parametrize("message", ["你可以帮我做哪些事", "刚来的不知道这个怎么用", "我该怎么提问", "你是干啥的"])
def test_asking_what_the_assistant_does_gets_the_help_text(message: str) -> None:
    intent = _route(message.replace("刚来的", "新来的"))
    assert intent is not None and intent.tool == "help"


@pytest.mark.parametrize(("message", "reply"), [
    ("帮我算下期限", ASK_DATE), ("有件申请要到期了", ASK_DATE), ("这份公文", ASK_TEXT)])
def test_a_tool_asked_for_without_what_it_needs_asks_for_it(message: str, reply: str) -> None:
    assert _route(message) == Intent("clarify", reply=reply)


@pytest.mark.parametrize("message", ["上一条不对", "刚刚的结果有误", "没错，说得对"])
def test_short_verdicts_without_a_verb_are_feedback(message: str) -> None:
    assert _route(message) == Intent("feedback", {"text": message})


def test_a_suggestion_is_feedback_with_what_follows() -> None:
    assert _route("提个建议：职责清单能按年份筛选") == Intent("feedback", {"text": "职责清单能按年份筛选"})


def test_an_ask_that_names_the_attribute_it_wonders_about_judges_the_text() -> None:
    assert _route("这个通知是主动公开还是依申请公开 关于调整城乡低保标准的通知") == \
        Intent("classify", {"text": "关于调整城乡低保标准的通知"})
    assert _route("哪些信息属于主动公开呢") is None  # about a kind of information: the rules answer it


def test_a_long_message_whose_last_clause_asks_for_a_unit_s_list() -> None:
    message = "您好，我刚调到办公室，对政务公开还不熟，想了解县民政局在方案里有哪些任务"
    assert _route(message) == Intent("duties", {"unit": "县民政局"})
    # the rest of a long message is not taken for a topic
    assert _route("我是新来的，管我们局的公开工作，县民政局要做什么") == Intent("duties", {"unit": "县民政局"})


@pytest.mark.parametrize(("message", "unit"), [
    ("县司法局有没有政务公开任务", "县司法局"),
    ("水务局被点名的任务有几条", "县水务局"),
    ("民政局这次分了哪些重点工作", "县民政局"),
    ("应急局分到了哪些任务", "县应急局"),
    ("县气象局有任务没", "县气象局"),  # a tag question at the end
    ("财政局要做哪些信息公开工作", "县财政局"),
])
def test_a_unit_list_asked_with_question_and_scope_words_is_still_a_list(message: str, unit: str) -> None:
    assert _route(message) == Intent("duties", {"unit": unit})


@pytest.mark.parametrize("message", ["财政局的信息公开要放在哪个栏目", "民政局有没有必要公开低保名单"])
def test_a_unit_question_with_content_words_left_stays_a_question(message: str) -> None:
    assert _route(message) is None


@pytest.mark.parametrize("message", ["算一下 11月9号窗口交的申请", "帮我算算11月9日收到的申请", "计算 11月9日收到的申请"])
def test_a_request_to_compute_with_a_received_date_is_a_deadline(message: str) -> None:
    intent = _route(message)
    assert intent is not None and intent.tool == "deadline" and intent.args["received"] == "2026-11-09"


def test_an_interjection_before_a_tool_name_asks_for_what_the_tool_needs() -> None:
    intent = _route("哎 问下 属性")
    assert intent is not None and intent.tool == "clarify" and intent.reply == ASK_TEXT


@pytest.mark.parametrize("message", ["考我几道依申请公开的题", "出3道年报方面的题", "来几道关于政务新媒体的练习题"])
def test_a_quiz_on_a_topic_is_a_quiz(message: str) -> None:
    intent = _route(message)
    assert intent is not None and intent.tool == "quiz"


@pytest.mark.parametrize("message", ["年报的问题怎么处理", "依申请公开的题目由谁出"])
def test_a_question_mentioning_questions_is_not_a_quiz(message: str) -> None:
    intent = _route(message)
    assert intent is None or intent.tool != "quiz"


def test_an_acknowledgement_with_interjections_is_feedback_but_a_bare_interjection_is_vague() -> None:
    assert _route("嗯嗯 好的 明白了") == Intent("feedback", {"text": "嗯嗯 好的 明白了"})
    vague = _route("嗯")
    assert vague is not None and vague.tool == "clarify"


def test_a_greeting_that_is_part_of_a_word_is_not_taken_off() -> None:
    assert without_courtesy("你好像没回答我的问题", words()["talk"]) == "你好像没回答我的问题"
    assert without_courtesy("你好请问下年报啥时候报", words()["talk"]) == "年报啥时候报"
