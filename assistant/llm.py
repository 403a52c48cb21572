"""Optional LLM mode: a chat model behind any OpenAI-compatible endpoint, with the same tools.

The rule + retrieval engine stays the floor. The engine calls the model only when the relevance
decision says answer or weak; the model only sees the clauses retrieval found (so it cannot answer from
outside the corpus), its tool calls go through the same Toolbox the router uses. Its answer is held to
those clauses (``assistant.evidence``): a citation of a clause it was not given, or a quote that is not
verbatim in the clause, and the answer is rejected (logged with ids only) like any failure of the
endpoint, so ``Engine`` sends the extractive answer instead.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from assistant import evidence
from assistant.answer import source_label
from assistant.settings import LLMSettings
from assistant.turn import Reply, Turn
from knowledge.errors import UpstreamError
from knowledge.types import Hit, Source
from tools.registry import Toolbox

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "你是县政府办公室的政务公开助手。只依据下面给出的条文回答，不要编造条文以外的规定；"
    "回答用简体中文，先给结论，一到三句话，每句后面用〔《文件名》条款〕注明出处，文件名和条款照下面条文的写法；"
    "引用原文时放在“”中，一字不改。"
    "条文不足以回答时，直接说没有找到相关规定，建议咨询县人民政府办公室。"
    "需要计算期限、查询单位职责或判断公文公开属性时，调用相应的工具。"
)
UNVERIFIED_NOTE = "（注意：所引依据中有条文尚未对照原文核实，仅供参考，请以官方文本为准。）"
WEAK_NOTE = "（这些条文与问题只是相关、不一定直接回答它：回答以“最相关的规定是”开头，并注明“仅供参考”。）"
# The relevance decisions after which the model may be asked (refuse never reaches it).
LLM_VERDICTS = ("answer", "weak")


class LLMResponder:
    """Answers a knowledge question with the configured chat model; raises UpstreamError on any failure."""

    def __init__(self, settings: LLMSettings, toolbox: Toolbox) -> None:
        self._settings = settings
        self._toolbox = toolbox
        self._model: Any = None

    def _chat_model(self) -> Any:
        if self._model is None:
            from langchain_openai import ChatOpenAI  # imported lazily: only LLM mode pays for it

            model = ChatOpenAI(
                model=self._settings.model,
                base_url=self._settings.base_url,
                api_key=self._settings.api_key.get_secret_value() or "not-needed",  # type: ignore[arg-type]
                timeout=self._settings.timeout_seconds,
                max_retries=0,
                temperature=0,
            )
            self._model = model.bind_tools(self._toolbox.as_list())
        return self._model

    def respond(self, turn: Turn, hits: list[Hit], *, weak: bool = False) -> Reply:
        """The model's answer, or UpstreamError when the call fails or the answer is not grounded."""
        from langchain_core.messages import AIMessage

        try:
            message = self._chat_model().invoke(_messages(turn, hits, weak=weak))
        except Exception as exc:  # any transport/protocol failure means: fall back
            raise UpstreamError(detail=f"llm call failed: {type(exc).__name__}") from exc
        if not isinstance(message, AIMessage):
            raise UpstreamError(detail="llm returned no AI message")
        if message.tool_calls:
            call = message.tool_calls[0]
            result = self._toolbox.run(call["name"], dict(call["args"]))
            return Reply(text=result.text, tool=result.tool, data=result.data)
        text = message.content if isinstance(message.content, str) else json.dumps(message.content)
        if not text.strip():
            raise UpstreamError(detail="llm returned an empty answer")
        grounding = evidence.check(text, [h.chunk for h in hits])
        if not grounding.ok:
            log.warning("llm answer rejected: %s; given=%s", grounding.problem, [h.chunk.id for h in hits])
            raise UpstreamError(detail=f"llm answer not grounded: {grounding.problem}")
        cited: dict[tuple[str, str], Hit] = {}
        for i in grounding.cited:  # one source per cited label (a 条 can hold several digest rules), in citing order
            cited.setdefault((hits[i].chunk.title, hits[i].chunk.section), hits[i])
        return _reply_with_sources(text.strip(), list(cited.values()))


def _messages(turn: Turn, hits: list[Hit], *, weak: bool = False) -> list[BaseMessage]:
    from langchain_core.messages import (  # slow to import: LLM mode only
        AIMessage,
        HumanMessage,
        SystemMessage,
    )

    clauses = "\n".join(
        f"[{i}] 《{hit.chunk.title}》{hit.chunk.section}：{hit.chunk.text}" for i, hit in enumerate(hits, 1)
    )
    history: list[BaseMessage] = [
        HumanMessage(m.text) if m.role == "user" else AIMessage(m.text) for m in turn.history[-6:]
    ]
    question = f"可用条文：\n{clauses}\n{_bank_lines(hits)}{WEAK_NOTE if weak else ''}\n问题：{turn.text}"
    return [SystemMessage(SYSTEM_PROMPT), *history, HumanMessage(question)]


def _bank_lines(hits: list[Hit]) -> str:
    """The question-bank matches that credited a clause: how staff ask it and the reviewed one-line answer."""
    lines = [f"问答库（依据[{i}]）：问“{hit.question.text}”，答：{hit.question.metadata['answer']}"
             for i, hit in enumerate(hits, 1) if hit.question is not None and hit.question.metadata.get("answer")]
    return "".join(f"{line}\n" for line in lines)


def _reply_with_sources(text: str, cited: list[Hit]) -> Reply:
    """The answer with the 依据 list and sources of exactly the clauses it cites."""
    basis = "\n".join(f"- {label}" for label in dict.fromkeys(source_label(h.chunk) for h in cited))
    if any(h.chunk.metadata.get("status", "V") != "V" for h in cited):
        text = f"{text}\n{UNVERIFIED_NOTE}"
    sources = [Source(h.chunk.title, h.chunk.section, h.chunk.text, round(h.score, 4)) for h in cited]
    return Reply(text=f"{text}\n\n依据：\n{basis}", sources=sources, data={"mode": "llm"})
