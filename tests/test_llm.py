"""LLM mode against a loopback OpenAI-compatible server: answers, tool calls, and fallback on failure."""

from __future__ import annotations

import logging

import pytest

from assistant.factory import build_engine
from assistant.llm import LLMResponder
from assistant.settings import LLMSettings, Settings
from assistant.turn import Turn
from tests.llm_stub import INVENTED_CITATION, StubState, built_answer, serve_llm

QUESTION = "依申请公开的申请要在多少个工作日内答复？"


def _engine(settings: Settings, base_url: str):  # type: ignore[no-untyped-def]
    llm = LLMSettings(base_url=base_url, model="stub-model", timeout_seconds=5)
    return build_engine(settings.model_copy(update={"llm": llm}))


def test_llm_answer_is_used_and_sees_only_retrieved_clauses(settings: Settings) -> None:
    state = StubState(mode="answer")
    with serve_llm(state) as url:
        reply = _engine(settings, url).respond(Turn(text=QUESTION))
    assert reply.text.startswith(state.answer)
    assert "依据：" in reply.text and reply.sources
    sent = state.requests[-1]
    assert sent["model"] == "stub-model"
    prompt = sent["messages"][-1]["content"]
    assert QUESTION in prompt and "第三十三条" in prompt  # the retrieved clause was given as context
    assert {t["function"]["name"] for t in sent["tools"]} == {"classify", "duties", "deadline", "period"}


def test_llm_tool_call_runs_the_same_tool(settings: Settings) -> None:
    state = StubState(mode="tool", tool_call={"name": "deadline", "args": {"received": "2026-02-13"}})
    with serve_llm(state) as url:
        reply = _engine(settings, url).respond(Turn(text="春节前收到的申请，什么时候到期，依据是什么"))
    assert reply.tool == "deadline"
    assert reply.data is not None and reply.data["due"] == "2026-03-19"


@pytest.mark.parametrize("mode", ["fail", "down"])
def test_llm_failure_falls_back_to_extractive_answer(settings: Settings, mode: str) -> None:
    state = StubState(mode="fail")
    with serve_llm(state) as url:
        base = url if mode == "fail" else "http://127.0.0.1:9/v1"  # port 9: nothing listens
        reply = _engine(settings, base).respond(Turn(text=QUESTION))
    assert "20个工作日" in reply.text
    assert any(s.section == "第三十三条" for s in reply.sources)
    assert (reply.data or {}).get("mode") != "llm"


def test_out_of_scope_never_reaches_the_model(settings: Settings) -> None:
    state = StubState(mode="answer", answer="明天晴。")
    with serve_llm(state) as url:
        reply = _engine(settings, url).respond(Turn(text="明天洱源天气怎么样？"))
    assert state.requests == []
    assert "没有找到" in reply.text


# ---------------------------------------------------------------- held to the same evidence


def _clause_in_prompt(state: StubState) -> str:
    return str(state.requests[-1]["messages"][-1]["content"])


def test_a_grounded_answer_is_sent_with_exactly_the_clauses_it_cites(settings: Settings) -> None:
    state = StubState(mode="good")
    with serve_llm(state) as url:
        reply = _engine(settings, url).respond(Turn(text=QUESTION))
    expected = built_answer("good", _clause_in_prompt(state))
    assert reply.text.startswith(expected) and (reply.data or {}).get("mode") == "llm"
    (source,) = reply.sources  # the one clause the answer cites, not the top three hits
    assert f"〔《{source.title}》{source.section}〕" in expected


@pytest.mark.parametrize(("mode", "problem"), [("invented", "invented_citation"), ("misquoted", "misquote")])
def test_an_invented_or_misquoted_answer_is_replaced_by_the_extractive_one(
    settings: Settings, mode: str, problem: str, caplog: pytest.LogCaptureFixture
) -> None:
    extractive = build_engine(settings).respond(Turn(text=QUESTION))
    state = StubState(mode=mode)
    with serve_llm(state) as url, caplog.at_level(logging.WARNING, logger="assistant.llm"):
        reply = _engine(settings, url).respond(Turn(text=QUESTION))
    assert state.requests, "the model was asked"
    assert reply.text == extractive.text and (reply.data or {}).get("mode") != "llm"
    assert INVENTED_CITATION not in reply.text
    (record,) = [r for r in caplog.records if "llm answer rejected" in r.getMessage()]
    logged = record.getMessage()
    assert problem in logged and QUESTION not in logged and "“" not in logged  # ids only, never text


def test_the_model_is_told_when_the_evidence_is_weak(settings: Settings) -> None:
    state = StubState(mode="good")
    engine = build_engine(settings)
    hits = engine.retriever.search(QUESTION, 5)
    with serve_llm(state) as url:
        responder = LLMResponder(LLMSettings(base_url=url, model="stub-model", timeout_seconds=5), engine.toolbox)
        responder.respond(Turn(text=QUESTION), hits, weak=True)
        responder.respond(Turn(text=QUESTION), hits)
    first, second = (str(r["messages"][-1]["content"]) for r in state.requests)
    assert "仅供参考" in first and "仅供参考" not in second


def test_the_model_sees_the_question_bank_match_with_the_clauses(settings: Settings) -> None:
    engine = build_engine(settings)
    hits = engine.retriever.retrieve(QUESTION, 5).hits
    matched = [(i, h.question) for i, h in enumerate(hits, 1) if h.question is not None]
    assert matched, "the bank credits a clause for this everyday question"
    state = StubState(mode="good")
    with serve_llm(state) as url:
        LLMResponder(LLMSettings(base_url=url, model="stub-model", timeout_seconds=5), engine.toolbox).respond(
            Turn(text=QUESTION), hits)
    prompt = str(state.requests[-1]["messages"][-1]["content"])
    i, question = matched[0]
    assert f"问答库（依据[{i}]）：问“{question.text}”，答：{question.metadata['answer']}" in prompt
