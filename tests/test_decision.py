"""The relevance decision: answer / weak / refuse, tasks and other jurisdictions, through the engine."""

from __future__ import annotations

import pytest

from assistant.decision import decide, other_place, task_requested
from assistant.engine import Engine
from assistant.factory import build_engine
from assistant.settings import Settings
from assistant.turn import Turn
from knowledge.relevance import Signals, Thresholds, judge


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_engine(Settings(embedder="none", retrieval_mode="bm25", data_dir=tmp_path_factory.mktemp("decision")))


@pytest.mark.parametrize("text", ["帮我拟一份政务公开工作总结", "麻烦写个依申请公开的答复书", "请翻译成英文", "给我做一套培训课件",
                                  "帮忙把这份纪要排版一下", "把年报数据汇总成表格", "给全县各部门群发一条通知", "替我答复那个申请人",
                                  "你能不能帮我生成一份培训方案", "帮我给县财政局发个函催一下", "你直接帮我把答复书寄给申请人",
                                  "帮我预订明天的会议室", "替我跟办公室主任打个电话"])
def test_requests_to_produce_something_are_tasks(text: str) -> None:
    assert task_requested(text)


@pytest.mark.parametrize("text", ["写明哪些内容才算合格的申请", "起草部门负责解读吗", "政策解读方案谁来写",
                                  "把申请转给别的机关可以吗", "写一份答复书要写哪些内容", "发告知书要盖章吗", "帮助",
                                  "帮我查一下依申请公开多少天", "帮我看看这个文件能不能公开"])
def test_questions_with_a_writing_verb_are_not_tasks(text: str) -> None:
    assert task_requested(text) is None


@pytest.mark.parametrize(("text", "place"), [("鹤庆县的年报几号前公布", "鹤庆县"), ("杭州市收不收信息处理费", "杭州市"),
                                              ("听说贵州省的新媒体要一周一更", "贵州省")])
def test_other_jurisdictions_are_found_from_the_place_name(text: str, place: str) -> None:
    assert other_place(text) == place


@pytest.mark.parametrize("text", ["我们县的年报几号前公布", "凤羽镇政府要公开什么", "全县各部门的目录谁审核", "洱源县政务新媒体备案",
                                  "县级部门的年报", "市场监管局的执法信息要公开吗", "标准目录这块县级牵头部门都有谁",
                                  "哪块县里管得严", "报送到县政府的材料要公开吗", "交给县档案馆的公文要多久"])
def test_this_county_its_towns_and_plain_words_are_not_other_places(text: str) -> None:
    assert other_place(text) is None


def test_a_task_is_declined_with_what_the_assistant_can_do_and_no_clause_as_the_answer(engine: Engine) -> None:
    reply = engine.respond(Turn(text="帮我起草一个政务新媒体管理制度"))
    assert reply.data and reply.data["decision"] == "task"
    assert "做不了" in reply.text and "判断公文的公开属性" in reply.text
    assert reply.sources == []


def test_another_county_is_told_only_eryuan_is_held_then_the_national_rule(engine: Engine) -> None:
    reply = engine.respond(Turn(text="鹤庆县依申请公开延期最多能延多少个工作日"))
    assert reply.data and reply.data["decision"] == "other_place"
    assert reply.text.startswith("知识库只收录了洱源县")
    assert "20个工作日" in reply.text and any(s.section == "第三十三条" for s in reply.sources)


def test_unrelated_questions_are_refused_with_whom_to_ask(engine: Engine) -> None:
    reply = engine.respond(Turn(text="单位食堂周末开不开门"))
    assert "县人民政府办公室" in reply.text and reply.sources == []
    assert reply.data and reply.data["decision"] == "refuse"
    decision, _hits = engine.decide("单位食堂周末开不开门")
    assert decision.kind == "refuse" and not decision.may_answer


_T = Thresholds(min_coverage=0.4, min_bm25=3.0, min_dense=0.35, focus_without_anchor=0.7, bm25_without_anchor=5.0,
                dense_without_anchor=0.45, bank_answer=0.6, bank_dense_answer=0.85, bank_credit=0.2, weak_bm25=2.0, weak_dense=0.3)


def _signals(**kw: float | bool) -> Signals:
    base = {"coverage": 1.0, "focus": 1.0, "bm25_top": 6.0, "dense_top": 0.0, "foreign_place": None, "anchored": True}
    return Signals(**{**base, **kw})  # type: ignore[arg-type]


def test_judge_is_three_way() -> None:
    assert judge(_signals(), _T) == "answer"
    assert judge(_signals(bm25_top=2.5), _T) == "weak"
    assert judge(_signals(bm25_top=1.0), _T) == "refuse"
    assert judge(_signals(coverage=0.2), _T) == "refuse"
    assert judge(_signals(bm25_top=1.0, bank_overlap=0.8), _T) == "answer"  # a close bank question answers


def test_decide_keeps_the_verdict_underneath() -> None:
    assert decide("依申请公开多久答复", "weak").kind == "weak"
    assert decide("帮我写个通知", "answer").verdict == "answer"


def test_judge_refuses_when_the_key_words_are_not_in_the_best_clauses() -> None:
    strict = Thresholds(**{**_T.__dict__, "min_key_coverage": 0.25})
    assert judge(_signals(key_coverage=0.1), strict) == "refuse"
    assert judge(_signals(key_coverage=0.3), strict) == "answer"
    assert judge(_signals(key_coverage=0.1), _T) == "answer"  # off by default


def test_a_near_miss_whose_key_word_no_source_mentions_is_refused(engine: Engine) -> None:
    retriever = engine.retriever.open()
    near = retriever.retrieve("政府网站的服务器要放在哪个机房", 5)
    assert near.signals.key_coverage < 0.25 and near.verdict == "refuse"
    inside = retriever.retrieve("依申请公开的答复期限是多少个工作日", 5)
    assert inside.signals.key_coverage == 1.0 and inside.verdict == "answer"  # every word occurs in the sources


@pytest.mark.parametrize("word", ["一份", "几十", "好几段", "一个月", "那条", "每项", "干脆"])
def test_counts_pointers_and_fillers_are_function_words(word: str) -> None:
    from knowledge.retriever import is_function_word

    assert is_function_word(word)


@pytest.mark.parametrize("word", ["申请", "一次性", "补正", "主动公开", "服务器"])
def test_words_that_say_what_is_asked_are_not_function_words(word: str) -> None:
    from knowledge.retriever import is_function_word

    assert not is_function_word(word)


def test_a_counted_amount_the_sources_never_mention_does_not_refuse_an_in_scope_question(engine: Engine) -> None:
    retriever = engine.retriever.open()
    asked = retriever.retrieve("依申请公开的那几份材料多少天答复", 5)  # 几份 is in no source; what is asked is
    assert asked.verdict == "answer" and asked.signals.key_coverage == 1.0
    near = retriever.retrieve("政府网站的服务器要放在哪几个机房", 5)  # a counted word does not rescue a near miss
    assert near.verdict == "refuse"


def test_the_index_reports_a_rare_word_as_rarer_than_the_domain_s_common_ones(engine: Engine) -> None:
    rarity = engine.retriever.term_idf  # type: ignore[attr-defined]  # what compose_answer weighs words by
    assert rarity("口头") > rarity("申请") > 0 and rarity("公开") < rarity("施行")


def test_a_grammatical_word_no_source_uses_names_no_topic(engine: Engine) -> None:
    retriever = engine.retriever.open()
    no_topic = retriever._no_topic  # type: ignore[attr-defined]
    assert no_topic("慢慢") and no_topic("乱七八糟") is False  # an adverb in no source; an idiom may name one
    assert not no_topic("以内")  # a locative the rules state limits with stays
    assert not no_topic("英文") and not no_topic("服务器")  # a noun in no source is what a near miss asks about
    plain = retriever.retrieve("申请人材料不全，多少天内要补正", 5).signals
    coloured = retriever.retrieve("申请人材料不全，慢慢地多少天内要补正", 5).signals
    assert coloured.key_coverage == plain.key_coverage == 1.0 and coloured.coverage == plain.coverage
