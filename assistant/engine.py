"""``Engine.respond``: the one way any channel gets an answer.

route: slash command or recognised intent -> a tool (the same LangChain tools an LLM agent would
use); anything else -> hybrid retrieval -> extractive answer with citations.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from assistant.answer import NOT_FOUND, compose_answer
from assistant.decision import REFUSE_HINT, Decision, decide
from assistant.followup import (
    Context,
    FollowUp,
    context,
    in_context,
    opens_like_follow_up,
    resolve,
    shares_words,
)
from assistant.followup_answers import answer_follow_up, article_answer, restated_rule, with_law
from assistant.followup_rewrite import asks_consequence, carried_order
from assistant.llm import LLM_VERDICTS, LLMResponder
from assistant.plan_parts import part_answer, part_question, section_answer, section_question
from assistant.quiz import QuizMaster
from assistant.references import article_question, cited
from assistant.router import Intent, route, stated_unit, words
from assistant.turn import Reply, Turn, recent_history
from knowledge.errors import Ambiguous, GongkaiError, NotFound, TooLarge
from knowledge.retriever import Retrieval
from knowledge.textinput import require_text
from knowledge.types import Chunk, Hit, Source
from tools.registry import Toolbox

if TYPE_CHECKING:
    from assistant.approved_layer import ApprovedLayer
    from assistant.register_chat import RegisterDesk

log = logging.getLogger(__name__)

FEEDBACK_THANKS = "感谢您的反馈！我们会据此改进回答。"
_COMPUTED = ("deadline", "period")  # tools whose answer is computed from the articles their 依据 line names


class Retriever(Protocol):
    def search(self, query: str, k: int) -> list[Hit]: ...

    def retrieve(self, query: str, k: int) -> Retrieval: ...


class Engine:
    """Answers one turn. Built once (see ``assistant.factory.build_engine``) and shared."""

    def __init__(
        self,
        *,
        retriever: Retriever,
        toolbox: Toolbox,
        top_k: int = 5,
        max_chars: int = 200_000,
        llm: LLMResponder | None = None,
        quiz: QuizMaster | None = None,
        register: RegisterDesk | None = None,
        approved: ApprovedLayer | None = None,
    ) -> None:
        self.retriever = retriever
        self.toolbox = toolbox
        self.top_k = top_k
        self.max_chars = max_chars
        self.llm = llm
        self.quiz = quiz or QuizMaster()  # stateless: quiz state travels in the conversation history
        self.register = register  # the 依申请公开 register in chat; set where the database is opened
        self.approved = approved  # administrators' approved answers (database): they answer first

    def respond(self, turn: Turn) -> Reply:
        self._check(turn)
        if turn.history:  # every channel's history in one shape: masked, the last HISTORY_MESSAGES
            # the unit the user works for is conversation state: read from all of it, before the window is cut
            own = turn.own_unit or stated_unit(turn.history, self.toolbox.ctx.units)
            turn = replace(turn, history=recent_history(turn.history), own_unit=own)
        if self.quiz.pending(turn):  # the previous message asked a quiz question: this is the answer
            return self.quiz.grade_turn(turn)
        if self.register is not None and turn.attachment is None:
            handled = self.register.respond(turn)  # 登记：… / 我的待办 / 本周到期 / 3号申请补正了
            if handled is not None:
                return handled
        ctx = (context(turn.history, self.toolbox.ctx.units, own_unit=turn.own_unit)
               if turn.history and turn.attachment is None else None)
        follow = resolve(turn.text, ctx, self.toolbox.ctx.units) if ctx is not None else None
        if follow is not None and follow.kind != "rewrite":
            return self._follow_up(follow, turn, ctx)
        if follow is not None:  # "那县林草局呢？" → "县林草局有哪些任务"
            log.info("follow-up rewritten chars=%d", len(follow.text))
            turn = replace(turn, text=follow.text)
        intent = route(turn, units=self.toolbox.ctx.units, today=turn.today or self.toolbox.ctx.today())
        if intent is None and follow is not None and follow.mode:
            return self._rewritten(turn, follow, ctx)
        if intent is None:
            return self.answer_question(turn, ctx)
        if intent.tool == "quiz":
            return self.quiz.start(turn, intent.args)
        if intent.tool == "feedback":  # the channel stores it (masked); the engine only acknowledges
            return Reply(text=FEEDBACK_THANKS, tool="feedback", data={"text": str(intent.args.get("text", ""))})
        if intent.tool == "duties" and "task" in intent.args:
            return self._who(turn, intent, ctx)
        return self._run_intent(intent)

    def _who(self, turn: Turn, intent: Intent, ctx: Context | None = None) -> Reply:
        """"谁负责X": the plan's task list when X names one of its tasks, else the rules answer who does it."""
        reply = self._run_intent(intent)
        data = reply.data or {}
        if data.get("error") == "NotFound" or data.get("confident") is False:
            log.info("reverse duties question answered from the rules")
            return self.answer_question(turn, ctx)
        return reply

    def decide(self, question: str) -> tuple[Decision, list[Hit]]:
        """The relevance decision for a knowledge question and the hits it rests on (for the LLM gate too)."""
        found = self.retriever.retrieve(question, self.top_k)
        return decide(question, found.verdict), found.hits

    def answer_question(self, turn: Turn, ctx: Context | None = None) -> Reply:
        """A knowledge question; ``ctx`` is the follow-up context ``respond`` read from the history, read here
        when the caller has none."""
        approved = self.approved.reply(turn.text) if self.approved is not None else None
        if approved is not None:
            return approved
        asked = article_question(turn.text, words()["followup"]["article_asks"])
        if asked is not None:  # "条例第十五条是什么": that article, not a search for words it may not contain
            shown = article_answer(asked[0], ("", asked[1]), self._clause, self._titles)
            if (shown.data or {}).get("verdict") != "refuse":
                return replace(shown, tool=None, data={**(shown.data or {}), "verdict": "answer"})  # a knowledge answer
        label = section_question(turn.text, words()["followup"]["article_asks"])
        if label is not None:  # "那五(一)具体要干啥": that section of the plan, not a search for its label
            section = section_answer(label, self.toolbox.ctx.plans().current().plan, self._clause)
            if section is not None:
                return section
        part = part_question(turn.text, words()["followup"]["article_asks"])
        if part is not None:  # "方案第五部分讲的啥": its subsections, listed so that "第四小点" can follow
            listed = part_answer(part, self.toolbox.ctx.plans().current().plan, self._clause)
            if listed is not None:
                return listed
        decision, hits = self.decide(turn.text)
        if ctx is None and turn.history:
            ctx = context(turn.history, self.toolbox.ctx.units, own_unit=turn.own_unit)
        carried = in_context(turn.text, ctx) if ctx is not None else None
        # an unrelated short message ("今天中午吃什么") is refused on its own, never answered with the last topic;
        # one refused alone that shares words with the last exchange ("汇总完报给谁" after "…谁汇总审核") is not
        related = ctx is not None and decision.kind == "refuse" and shares_words(turn.text, ctx)
        # a consequence asked without its subject ("不按时会怎样") is always about the last topic
        follows = opens_like_follow_up(turn.text) or asks_consequence(turn.text)
        if carried and (decision.kind == "weak" or follows or related):
            with_topic, topic_hits = self.decide(carried)  # "谁来汇总审核" after "标准目录什么时候要编完"
            if with_topic.may_answer:
                topic_hits = carried_order(turn.text, topic_hits, set(ctx.citations) if ctx else set())
                return self._compose(carried, topic_hits, verdict=with_topic.kind, ask=turn.text)
        if decision.kind == "task":
            return self._task(turn.text, decision, hits)
        if decision.kind == "other_place":
            return self._other_place(turn.text, decision, hits)
        if not decision.may_answer or not hits:
            return Reply(text=NOT_FOUND, data={"decision": "refuse", "verdict": "refuse"})
        if self.llm is not None and decision.kind in LLM_VERDICTS:  # only on evidence the decision accepted
            try:
                return self.llm.respond(turn, hits, weak=decision.kind == "weak")
            except GongkaiError as exc:
                log.warning("llm mode failed (%s); falling back to the extractive answer", exc.detail)
        return self._compose(turn.text, hits, verdict=decision.kind)

    def _compose(self, question: str, hits: list[Hit], *, verdict: str, ask: str | None = None) -> Reply:
        """The extractive answer, its question words weighted by how rare they are in the index."""
        return compose_answer(question, hits, verdict=verdict, ask=ask, idf=getattr(self.retriever, "term_idf", None))

    def _task(self, question: str, decision: Decision, hits: list[Hit]) -> Reply:
        """A request to produce something: say so, and what the assistant can do instead (no clause as the answer)."""
        from assistant.router import words

        text = words()["task"]["reply"].format(task=decision.task)
        return Reply(text=text, data={"decision": "task", "verdict": "refuse", "task": decision.task})

    def _other_place(self, question: str, decision: Decision, hits: list[Hit]) -> Reply:
        from assistant.router import words
        from knowledge.county import load_county

        spec, county = words()["other_place"], load_county().name
        text = spec["reply"].format(place=decision.place, county=county)
        data: dict[str, object] = {"decision": "other_place", "verdict": decision.verdict, "place": decision.place}
        found = self.retriever.retrieve(question.replace(decision.place or "", ""), self.top_k)
        if found.verdict in ("answer", "weak") and found.hits:
            reply = self._compose(question, found.hits, verdict=found.verdict)
            return Reply(text=text + "\n\n" + spec["related"].format(county=county) + "\n" + reply.text,
                         sources=reply.sources,
                         data={**(reply.data or {}), **data})
        return Reply(text=text + REFUSE_HINT.replace("建议", "也可以"), data=data)

    def _rewritten(self, turn: Turn, follow: FollowUp, ctx: Context | None = None) -> Reply:
        """A follow-up rewritten into a whole question: searched whole, answered from the clause about its detail."""
        from assistant.followup_rewrite import arrange, holding_clause, holds_amount

        decision, hits = self.decide(turn.text)
        if decision.kind in ("task", "other_place") or not decision.may_answer or not hits:
            return self.answer_question(turn, ctx)
        cited = self._clause(*follow.citation) if follow.citation else []
        holder = holding_clause(follow.focus, cited)
        if follow.mode in ("ask", "condition") and holder is None:
            alone, alone_hits = self.decide(follow.original or follow.focus)
            if alone.kind == "answer" and alone_hits:
                # "那复议要多久内提": the asked amount is not in the clause just quoted, the message alone finds it
                if follow.mode == "ask" and not any(holds_amount(c.text) for c in cited):
                    return self._compose(follow.original or follow.focus, alone_hits, verdict=alone.kind)
                same = (alone_hits[0].chunk.title, alone_hits[0].chunk.section) in {(c.title, c.section) for c in cited}
                # "那管账号的人调走了咋整": the message alone finds the very passage of the section just quoted
                # that speaks of the condition; found elsewhere, it is not trusted over the whole question
                if follow.mode == "condition" and same:
                    seen = {h.chunk.id for h in alone_hits[:1]}
                    hits = alone_hits[:1] + [h for h in hits if h.chunk.id not in seen]
                    return self._compose(turn.text, hits, verdict=decision.kind, ask=follow.focus)
        if follow.mode == "condition":  # the condition's own rule may not rank high under the whole question
            seen = {h.chunk.id for h in hits}
            hits = hits + [h for h in self.retriever.retrieve(follow.focus, self.top_k).hits if h.chunk.id not in seen]
        hits = arrange(follow.mode, follow.focus, follow.original, hits, cited)
        ask = follow.focus if follow.mode != "swap" or holder is not None else None
        return self._compose(turn.text, hits, verdict=decision.kind, ask=ask)

    def _follow_up(self, follow: FollowUp, turn: Turn, ctx: Context | None) -> Reply:
        reply = answer_follow_up(follow, turn, self._clause, self._titles)
        question = ctx.question if ctx is not None and follow.kind == "basis" else None
        if question and follow.citation is not None:  # "依据呢" after a plan clause: the law it restates too
            cited = [c for t, s in follow.citations[:3] for c in self._clause(t, s)]
            rule = restated_rule(cited, self.retriever.retrieve(question, self.top_k).hits)
            return with_law(reply, rule) if rule is not None else reply
        return reply

    def _clause(self, title: str, section: str) -> list[Chunk]:
        opened = getattr(self.retriever, "open", None)
        index = opened() if callable(opened) else self.retriever
        return [c for c in getattr(index, "chunks", []) if c.title == title and c.section == section]

    def _titles(self) -> list[str]:
        opened = getattr(self.retriever, "open", None)
        index = opened() if callable(opened) else self.retriever
        return sorted({c.title for c in getattr(index, "chunks", [])})

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
        return Reply(text=text, tool=result.tool, data=result.data, sources=self._basis_sources(intent.tool, text))

    def _basis_sources(self, tool: str, text: str) -> list[Source]:
        """A computed period's sources: the articles its 依据 line names ("依据：条例第三十一条：…；条例第三十三条：…"),
        so every channel shows (and the web page links) the clauses a date was computed from."""
        if tool not in _COMPUTED:
            return []
        chunks = [c for title, section in cited(text) for c in self._clause(title, section)[:1]]
        return [Source(c.title, c.section, c.text, 1.0) for c in chunks]

    def _check(self, turn: Turn) -> None:
        if turn.attachment is None:
            require_text(turn.text)
        if len(turn.text) > self.max_chars:
            raise TooLarge(f"内容过长（超过{self.max_chars}字），请分段发送或以文件形式提交。")
