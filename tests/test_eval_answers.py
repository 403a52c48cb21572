"""Answer-level grading: citations, padding, out-of-scope handling by category, conversations, look-alikes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.answer import NOT_FOUND
from assistant.factory import build_engine
from assistant.settings import Settings
from assistant.turn import Message
from eval import answers
from eval.grading import grade_pii
from eval.items import Item, load_set
from eval.metrics import summarise, summarise_splits
from eval.runner import LocalBackend, converse, run_item

PLAN = "洱源县2020年政务公开工作方案"


def _item(kind: str = "qa", split: str = "dev", **data: Any) -> Item:
    return Item(id=f"{kind}-x", kind=kind, set_name="s", file="s.yaml", line=1, data=data, split=split)


def _reply(text: str, *sources: tuple[str, str], tool: str | None = None) -> dict[str, Any]:
    return {"answer": text, "sources": [{"title": t, "section": s, "text": "…"} for t, s in sources],
            "tool": tool, "data": None}


QA = _item(question="多久答复", key_facts=["20个工作日"],
           source=[{"title": "政府信息公开条例", "section": "第三十三条"}, {"title": PLAN, "section": "四(三)"}])


def test_a_finer_section_is_a_citation_hit_and_an_unrelated_clause_is_padding() -> None:
    good = _reply("应当在20个工作日内答复。", ("政府信息公开条例", "第三十三条第二款"), (PLAN, "四"))
    result = answers.grade_answer(QA, good)
    assert result.detail["citation_hit"] and not result.detail["padded"]  # 四 contains 四(三): related, not padding
    padded = _reply("应当在20个工作日内答复。", ("政府信息公开条例", "第三十三条"), ("政府信息公开条例", "第三十六条"))
    result = answers.grade_answer(QA, padded)
    assert result.detail["citation_hit"] and result.detail["padded"]
    assert result.detail["padding"] == ["《政府信息公开条例》第三十六条"]
    wrong = answers.grade_answer(QA, _reply("……", ("政府信息公开条例", "第十四条")))
    assert not wrong.detail["citation_hit"] and wrong.detail["padded"]
    refused = answers.grade_answer(QA, _reply(NOT_FOUND))
    assert refused.detail["refused"] and not refused.detail["padded"] and not refused.detail["citation_hit"]
    told = _reply("这个问题请咨询县人民政府办公室。", ("政府信息公开条例", "第三十三条"))
    assert not answers.grade_answer(QA, told).detail["refused"]
    told["data"] = {"decision": "refuse"}
    assert answers.grade_answer(QA, told).detail["refused"]  # the engine's decision, whatever the wording


def test_a_source_without_section_accepts_any_part_of_that_document() -> None:
    item = _item(question="方案有哪些内容", key_facts=["政务公开"], source={"title": PLAN})
    result = answers.grade_answer(item, _reply("政务公开……", (PLAN, "五(二)")))
    assert result.detail["rank"] == 1 and result.detail["citation_hit"] and not result.detail["padded"]
    other = answers.grade_answer(item, _reply("政务公开……", ("政府信息公开条例", "第九条")))
    assert other.detail["rank"] is None and other.detail["padded"]


def test_a_duties_list_cites_the_sections_of_its_tasks_wherever_they_are() -> None:
    item = _item(question="我们局有哪些任务", key_facts=["县卫生健康局"], source={"title": PLAN, "section": "四(三)"})
    tasks = [{"section": s, "title": "…", "role": "collective"} for s in ("一", "二", "三", "四(一)", "四(二)", "五(一)")]
    reply = {"answer": "县卫生健康局的任务：……", "sources": [], "tool": "duties", "data": {"unit": "县卫生健康局", "tasks": tasks}}
    assert not answers.grade_answer(item, reply).passed
    reply["data"]["tasks"] = [*tasks, {"section": "四(三)", "title": "…", "role": "named"}]  # seventh in the list
    result = answers.grade_answer(item, reply)
    assert result.passed and result.detail["rank"] == 1 and result.detail["citation_hit"]


def test_qa_metrics_count_padding_among_answered_items_only() -> None:
    results = [
        answers.grade_answer(QA, _reply("20个工作日", ("政府信息公开条例", "第三十三条"))),
        answers.grade_answer(QA, _reply("20个工作日", ("政府信息公开条例", "第三十三条"), ("政府信息公开条例", "第九条"))),
        answers.grade_answer(QA, _reply(NOT_FOUND)),
    ]
    h = summarise(results)["headline"]
    assert h["qa.padded_rate"] == 0.5 and h["qa.citation_hit"] == round(2 / 3, 4)
    assert h["qa.wrongly_refused"] == round(1 / 3, 4) and h["qa.key_fact_accuracy"] == round(2 / 3, 4)


@pytest.mark.parametrize(("category", "reply", "handled"), [
    ("chitchat", _reply("您好！我可以回答政务公开方面的问题。", tool="help"), True),
    ("unrelated", _reply(NOT_FOUND), True),
    ("near_miss", _reply("最相关的规定是……（仅供参考）", (PLAN, "五(二)")), False),
    ("unrelated", _reply("县卫生健康局的任务：……", tool="duties"), False),
    ("task", _reply("抱歉，我不能代为起草通知，只能回答政务公开的规定。"), True),
    ("task", _reply(NOT_FOUND), False),  # a refusal that does not say the task cannot be done
    ("task", _reply("不能……", (PLAN, "二")), False),  # a clause presented as the answer
    ("other_jurisdiction", _reply(NOT_FOUND), True),
    ("other_jurisdiction", _reply("本助手只收录了洱源县的方案和国家的条例。洱源县的规定是……", (PLAN, "一")), True),
    ("other_jurisdiction", _reply("依申请公开应在20个工作日内答复（仅供参考）", ("政府信息公开条例", "第三十三条")), False),
    (None, _reply(NOT_FOUND), True),
])
def test_out_of_scope_handling_by_category(category: str | None, reply: dict[str, Any], handled: bool) -> None:
    item = _item("out_of_scope", question="…", **({"category": category} if category else {}))
    result = answers.grade_oos(item, reply)
    assert result.passed is handled and result.detail["category"] == category


class _Recorder:
    """A backend that records the history each turn arrives with."""

    def __init__(self) -> None:
        self.seen: list[tuple[Message, ...]] = []

    def ask(self, text: str, today: str | None, history: tuple[Message, ...] = ()) -> dict[str, Any]:
        self.seen.append(history)
        return {"answer": f"收到：{text}", "sources": [], "tool": None, "data": None}


def test_conversation_history_is_masked_and_limited_like_a_channel() -> None:
    backend = _Recorder()
    from assistant.conversation import STATE_MESSAGES

    asked = STATE_MESSAGES // 2 + 2  # more than a channel reloads
    turns = ["我的电话13988726655", *[f"第{n}问" for n in range(asked)]]
    last = converse(backend, turns, None)  # type: ignore[arg-type]
    assert last["answer"] == f"收到：第{asked - 1}问"
    assert backend.seen[0] == ()
    assert backend.seen[1] == (Message("user", "我的电话139****6655"), Message("assistant", "收到：我的电话139****6655"))
    assert len(backend.seen[-1]) == STATE_MESSAGES
    assert backend.seen[-1][-1] == Message("assistant", f"收到：第{asked - 2}问")


def test_a_conversation_item_is_graded_on_its_last_reply(settings: Settings) -> None:
    backend = LocalBackend(build_engine(settings))
    item = _item("conversation", turns=["我是发改局的", "我们单位有哪些任务"], expect={"key_facts": ["县发展改革局"]})
    result = run_item(item, backend)
    assert result.passed and result.kind == "conversation" and result.prompt == "我是发改局的 → 我们单位有哪些任务"
    wrong = _item("conversation", turns=["我们单位有哪些任务"], expect={"key_facts": ["县发展改革局"]})
    assert not run_item(wrong, backend).passed  # without the first turn nobody knows which 局
    h = summarise_splits([result, run_item(wrong, backend)])
    assert h["headline"]["conversation.accuracy"] == 0.5 and list(h["splits"]) == ["dev"]


def test_lookalikes_must_survive_redaction() -> None:
    text = "联系人电话13988726655，文号洱政办发〔2020〕12号，信用代码91532930MA6K123456。"
    item = _item("pii", text=text, spans=[{"type": "mobile", "text": "13988726655"}],
                 keep=["洱政办发〔2020〕12号", "91532930MA6K123456"])
    phone = {"type": "mobile", "text": "13988726655", "masked": "139****6655", "private": True}
    good = grade_pii(item, [phone])
    assert good.passed and (good.detail["keep_intact"], good.detail["keep_total"]) == (2, 2)
    code = {"type": "credit_code", "text": "91532930MA6K123456", "masked": "9153**********3456", "private": True}
    bad = grade_pii(item, [phone, code])
    assert not bad.passed and bad.detail["keep_intact"] == 1
    assert summarise([good, bad])["headline"]["pii.lookalikes_intact"] == 0.75


BLIND_SCHEMA = """\
kind: qa
items:
  - id: t-qa-1
    question: 多久答复
    answer_type: how_long
    key_facts: [[20个工作日, 二十个工作日]]
    source: [{title: 政府信息公开条例, section: 第三十三条}, {title: 洱源县2020年政务公开工作方案, section: [四, 五]}]
    unverified: true
    reviewer_note: 任何未知字段都接受
  - id: t-oos-1
    kind: out_of_scope
    question: 帮我写个通知
    category: task
  - id: t-conv-1
    kind: conversation
    turns: [我是凤羽镇的, 我们单位呢？]
    expect: {key_facts: [凤羽镇], source: {title: 洱源县2020年政务公开工作方案, section: 三}}
  - id: t-cls-1
    kind: classify
    text: 关于召开会议的通知
    expected: 此件公开发布
    genre: 通知
    basis: 第十九条
    annotated_label: 主动公开
  - id: t-pii-1
    kind: pii
    text: 文号洱政办发〔2020〕12号
    spans: []
    keep: [洱政办发〔2020〕12号]
  - id: t-conv-2
    kind: conversation
    turns: []
    expect: {key_facts: [x]}
"""


def test_the_blind_split_schema_loads_and_a_broken_conversation_is_named(tmp_path: Path) -> None:
    (tmp_path / "test").mkdir()
    path = tmp_path / "test" / "blind.yaml"
    path.write_text(BLIND_SCHEMA, encoding="utf-8")
    result = load_set(path)
    assert [i.id for i in result.items] == ["t-qa-1", "t-oos-1", "t-conv-1", "t-cls-1", "t-pii-1"]
    assert {i.split for i in result.items} == {"test"}
    assert len(result.errors) == 1 and "turns" in result.errors[0].problem and result.errors[0].line == BLIND_SCHEMA.splitlines().index("  - id: t-conv-2") + 1
    conv = result.items[2]
    assert conv.sources == [(PLAN, ("三",))] and conv.prompt == "我是凤羽镇的 → 我们单位呢？"
