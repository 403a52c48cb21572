"""``Engine.respond``: the one way any channel gets an answer.

route: slash command or recognised intent -> a tool (the same LangChain tools an LLM agent would
use); anything else -> hybrid retrieval -> extractive answer with citations.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Protocol

from assistant.answer import compose_answer
from assistant.llm import LLM_VERDICTS, LLMResponder
from assistant.quiz import QuizMaster
from assistant.router import Intent, route
from assistant.turn import Reply, Turn
from knowledge.errors import Ambiguous, BadInput, GongkaiError, NotFound, TooLarge
from knowledge.types import Hit
from tools.registry import Toolbox

log = logging.getLogger(__name__)

FEEDBACK_THANKS = "感谢您的反馈！我们会据此改进回答。"


class Retriever(Protocol):
    def search(self, query: str, k: int) -> list[Hit]: ...


class Engine:
    """Answers one turn. Built once (see ``assistant.factory.build_engine``) and shared."""

    def __init__(
        self,
        *,
        retriever: Retriever,
        toolbox: Toolbox,
        top_k: int = 5,
        max_chars: int = 200_000,
        clock: Callable[[], date] = date.today,
        llm: LLMResponder | None = None,
        quiz: QuizMaster | None = None,
    ) -> None:
        self.retriever = retriever
        self.toolbox = toolbox
        self.top_k = top_k
        self.max_chars = max_chars
        self.clock = clock
        self.llm = llm
        self.quiz = quiz or QuizMaster()  # stateless: quiz state travels in the conversation history

    def respond(self, turn: Turn) -> Reply:
        self._check(turn)
        if self.quiz.pending(turn):  # the previous message asked a quiz question: this is the answer
            return self.quiz.grade_turn(turn)
        intent = route(turn, units=self.toolbox.ctx.units, today=turn.today or self.clock())
        if intent is None:
            return self.answer_question(turn)
        if intent.tool == "quiz":
            return self.quiz.start(turn, intent.args)
        if intent.tool == "feedback":  # the channel stores it (masked); the engine only acknowledges
            return Reply(text=FEEDBACK_THANKS, tool="feedback", data={"text": str(intent.args.get("text", ""))})
        return self._run_intent(intent)

    def answer_question(self, turn: Turn) -> Reply:
        hits = self.retriever.search(turn.text, self.top_k)
        verdict = "answer" if hits else "refuse"  # seam: the three-way relevance decision sets this
        if self.llm is not None and verdict in LLM_VERDICTS:  # refused: the model gets nothing to answer from
            try:
                return self.llm.respond(turn, hits, weak=verdict == "weak")
            except GongkaiError as exc:
                log.warning("llm mode failed (%s); falling back to the extractive answer", exc.detail)
        return compose_answer(turn.text, hits)

    def _run_intent(self, intent: Intent) -> Reply:
        if intent.reply is not None:  # help text, clarifying question …
            return Reply(text=intent.reply, tool=intent.tool, data=intent.args or None)
        try:
            result = self.toolbox.run(intent.tool, intent.args)
        except (NotFound, Ambiguous) as exc:  # a chat question gets a chat answer: 未找到该单位 / 请问是哪个
            log.info("tool=%s answered %s", intent.tool, type(exc).__name__)
            candidates = list(getattr(exc, "candidates", []) or [])
            return Reply(text=exc.user_message, tool=intent.tool,
                         data={"error": type(exc).__name__, "candidates": candidates})
        text = result.text
        if intent.notes:
            text = "\n".join(intent.notes) + "\n\n" + text
        log.info("tool=%s chars=%d", intent.tool, len(text))
        return Reply(text=text, tool=result.tool, data=result.data)

    def _check(self, turn: Turn) -> None:
        if turn.attachment is None and not turn.text.strip():
            raise BadInput("内容为空，请输入问题或粘贴公文内容。")
        if len(turn.text) > self.max_chars:
            raise TooLarge(f"内容过长（超过{self.max_chars}字），请分段发送或以文件形式提交。")
