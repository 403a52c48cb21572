"""The staff quiz: pick qa questions from the trainers' sets, grade free-text answers against key facts.

Stateless across turns: every question message carries a marker (``【测验 qa-plan-012 · 第2/5题 · 已得1.5分】``),
so the next user turn after such a message is graded from the conversation history alone.
Grading is ``eval.grading.grade_facts``, the eval runner's own key-fact check, handed in by the composition
root (``assistant.factory.build_engine``, the CLI), so a key fact means the same thing in both places.
"""

from __future__ import annotations

import functools
import logging
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from assistant.turn import Reply, Turn

log = logging.getLogger(__name__)

SETS_DIR = Path(__file__).resolve().parent.parent / "eval" / "sets" / "dev"  # never the blind test split
DEFAULT_QUESTIONS = 5
MAX_QUESTIONS = 20
_MARKER = re.compile(r"【测验 (?P<id>[\w.-]+) · 第(?P<n>\d+)/(?P<total>\d+)题 · 已得(?P<score>\d+(?:\.\d+)?)分】")
_EXIT = ("/退出", "/结束", "/退出测验")

Fact = str | tuple[str, ...]  # one fact, or a tuple of acceptable alternatives


@dataclass(frozen=True)
class QuizQuestion:
    id: str
    question: str
    key_facts: tuple[Fact, ...]
    source_title: str
    source_section: str
    set_name: str
    answer: str = ""


@dataclass(frozen=True)
class Answered:
    """One graded answer of a finished quiz, as the trainers' report counts it."""

    question: QuizQuestion
    score: float


Recorder = Callable[[str, Sequence[Answered]], None]  # (user_id, every answer of one finished quiz)


@dataclass(frozen=True)
class Grade:
    score: float  # 0..1, one equal share per key fact
    matched: tuple[str, ...]
    missing: tuple[str, ...]


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, no whitespace or punctuation: what a fact match compares."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PZS")


def _alternatives(fact: Fact) -> tuple[str, ...]:
    return (fact,) if isinstance(fact, str) else tuple(fact)


def fact_label(fact: Fact) -> str:
    return " / ".join(_alternatives(fact))


class Grader(Protocol):
    """Grades a free-text answer against key facts; ``eval.grading.grade_facts`` is the one implementation."""

    def __call__(self, answer: str, facts: Sequence[Fact], *, question: str = "") -> Grade: ...


def _as_fact(raw: Any) -> Fact | None:
    if isinstance(raw, str | int | float) and str(raw).strip():
        return str(raw)
    if isinstance(raw, list) and raw and all(isinstance(a, str | int | float) for a in raw):
        return tuple(str(a) for a in raw)
    return None


def question_from_mapping(raw: Any, *, default_kind: str, set_name: str) -> QuizQuestion | None:
    """A usable quiz question from one raw set item, or None (not qa, or incomplete)."""
    if not isinstance(raw, dict) or raw.get("kind", default_kind) != "qa":
        return None
    facts = [_as_fact(f) for f in raw.get("key_facts") or []]
    raw_source = raw.get("source")
    if isinstance(raw_source, list):  # several acceptable sources: cite the first
        raw_source = raw_source[0] if raw_source else None
    source: dict[str, Any] = raw_source if isinstance(raw_source, dict) else {}
    section = source.get("section", "")
    if isinstance(section, list):
        section = section[0] if section else ""
    if not raw.get("id") or not isinstance(raw.get("question"), str) or not facts or None in facts:
        return None
    return QuizQuestion(
        id=str(raw["id"]),
        question=raw["question"].strip(),
        key_facts=tuple(f for f in facts if f is not None),
        source_title=str(source.get("title", "")),
        source_section=str(section),
        set_name=set_name,
        answer=str(raw.get("answer", "") or ""),
    )


@functools.cache
def load_questions(sets_dir: Path = SETS_DIR) -> tuple[QuizQuestion, ...]:
    """Every qa item with key facts in ``sets_dir/*.yaml``; unreadable files are skipped (the eval reports them)."""
    found: list[QuizQuestion] = []
    for path in sorted(sets_dir.glob("*.yaml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            log.warning("quiz: cannot read set %s", path.name)
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
            continue
        kind = str(doc.get("kind", "qa"))
        for raw in doc["items"]:
            question = question_from_mapping(raw, default_kind=kind, set_name=path.stem)
            if question is not None:
                found.append(question)
    return tuple(found)


def database_recorder(db: Any) -> Recorder:
    """A recorder writing finished quizzes to ``db`` (an ``assistant.storage.Database``): one row per
    quiz (partial credit rounded) and one per answered question (partial credit kept, with its section)."""
    from assistant.storage import record_quiz_answer, record_quiz_score

    def record(user_id: str, answers: Sequence[Answered]) -> None:
        set_name = "+".join(sorted({a.question.set_name for a in answers}))
        score = sum(a.score for a in answers)
        with db.session() as session:
            record_quiz_score(session, user_id=user_id, set_name=set_name, asked=len(answers), correct=round(score))
            for a in answers:
                q = a.question
                record_quiz_answer(session, user_id=user_id, question_id=q.id, set_name=q.set_name,
                                   title=q.source_title, section=q.source_section, score=a.score)
        log.info("quiz recorded asked=%d", len(answers))

    return record


def citation(q: QuizQuestion) -> str:
    return f"〔《{q.source_title}》{q.source_section}〕" if q.source_title else ""


def points(g: Grade) -> str:
    """答对要点2/3: how many key facts the answer had."""
    return f"答对要点{len(g.matched)}/{len(g.matched) + len(g.missing)}"


def score_text(score: float, total: int) -> str:
    """得分4.5/5（90%）: the score out of the number of questions."""
    return f"得分{score:.1f}/{total}（{score / total:.0%}）" if total else "得分0"


def feedback_text(q: QuizQuestion, g: Grade) -> str:
    """The verdict (with 答对要点m/n), the correct answer and its source, in Chinese."""
    if g.score >= 1:
        verdict = f"✅ 回答正确（{points(g)}）。"
    elif g.score > 0:
        verdict = f"◐ 部分正确（{points(g)}），还缺：{'；'.join(g.missing)}。"
    else:
        verdict = f"❌ 没有答到要点（{points(g)}）。"
    correct = q.answer or "；".join(fact_label(f) for f in q.key_facts)
    return f"{verdict}\n正确答案：{correct}\n出处：{citation(q) or '（未注明）'}"


@dataclass(frozen=True)
class _Pending:
    question_id: str
    number: int
    total: int
    score: float


class QuizMaster:
    """Runs ``/测验`` inside ``Engine.respond``: start a quiz, or grade the answer to the last question."""

    def __init__(self, questions: Callable[[], Sequence[QuizQuestion]] = load_questions,
                 recorder: Recorder | None = None, grader: Grader | None = None) -> None:
        self._questions = questions
        self.recorder = recorder
        self.grader = grader

    def pending(self, turn: Turn) -> bool:
        """The previous assistant message asked a quiz question and the user answered it (or typed /退出)."""
        text = turn.text.strip()
        return (text in _EXIT or not text.startswith("/")) and self._last_marker(turn) is not None

    def start(self, turn: Turn, args: dict[str, Any]) -> Reply:
        pool = list(self._questions())
        if self.grader is None:
            return Reply(text="测验未启用：本服务没有配置评分。", tool="quiz")
        if not pool:
            return Reply(text="题库为空：请先在 eval/sets/dev/ 中添加问答题（见 eval/README.md）。", tool="quiz")
        total = max(1, min(int(args.get("n") or DEFAULT_QUESTIONS), MAX_QUESTIONS, len(pool)))
        first = self._pick(turn, pool, asked=set())
        intro = f"开始测验，共{total}题。请直接回复答案；发送 /退出 或其他命令可随时结束。\n\n"
        return Reply(text=intro + _ask(first, 1, total, 0.0), tool="quiz", data={"question_id": first.id})

    def grade_turn(self, turn: Turn) -> Reply:
        state = self._last_marker(turn)
        by_id = {q.id: q for q in self._questions()}
        if state is None or state.question_id not in by_id:
            return Reply(text="这道测验题已不在题库中，请发送 /测验 重新开始。", tool="quiz")
        if turn.text.strip() in _EXIT:
            done = state.number - 1
            return Reply(text=f"已退出测验：答了{done}题，得分{state.score:g}。发送 /测验 可重新开始。", tool="quiz")
        q = by_id[state.question_id]
        if self.grader is None:
            return Reply(text="测验未启用：本服务没有配置评分。", tool="quiz")
        g = self.grader(turn.text, q.key_facts, question=q.question)
        score = state.score + g.score
        text = f"第{state.number}题：" + feedback_text(q, g)
        data: dict[str, Any] = {"question_id": q.id, "score": g.score, "total_score": score}
        if state.number >= state.total:
            text += f"\n\n测验结束：共{state.total}题，{score_text(score, state.total)}。"
            if self.recorder is not None:
                self.recorder(turn.user_id, self._answers(turn, by_id, q, g.score))
            return Reply(text=text, tool="quiz", data=data | {"finished": True})
        asked = {m.question_id for m in self._markers(turn)}
        nxt = self._pick(turn, list(by_id.values()), asked=asked)
        text += "\n\n" + _ask(nxt, state.number + 1, state.total, score)
        return Reply(text=text, tool="quiz", data=data | {"next_question_id": nxt.id})

    def _answers(self, turn: Turn, by_id: dict[str, QuizQuestion], last: QuizQuestion,
                 last_score: float) -> list[Answered]:
        """Each question's score: the markers carry the running total, so a question's share is the step."""
        markers = self._markers(turn)
        out = []
        for m, nxt in zip(markers, markers[1:], strict=False):
            if m.question_id in by_id:
                out.append(Answered(by_id[m.question_id], round(nxt.score - m.score, 4)))
        return out + [Answered(last, last_score)]

    def _pick(self, turn: Turn, pool: list[QuizQuestion], *, asked: set[str]) -> QuizQuestion:
        fresh = [q for q in pool if q.id not in asked] or pool
        return random.Random(f"{turn.conversation_id}|{turn.text}|{len(turn.history)}|{len(asked)}").choice(fresh)

    def _markers(self, turn: Turn) -> list[_Pending]:
        """Markers of the current quiz, newest last (stops at the question numbered 1)."""
        found: list[_Pending] = []
        for message in reversed(turn.history):
            if message.role != "assistant":
                continue
            state = _parse(message.text)
            if state is None:
                break
            found.append(state)
            if state.number == 1:
                break
        return list(reversed(found))

    def _last_marker(self, turn: Turn) -> _Pending | None:
        last = next((m for m in reversed(turn.history) if m.role == "assistant"), None)
        return None if last is None else _parse(last.text)


def _parse(text: str) -> _Pending | None:
    matches = list(_MARKER.finditer(text))
    if not matches:
        return None
    m = matches[-1]
    return _Pending(m["id"], int(m["n"]), int(m["total"]), float(m["score"]))


def _ask(q: QuizQuestion, number: int, total: int, score: float) -> str:
    return f"【测验 {q.id} · 第{number}/{total}题 · 已得{score:g}分】\n{q.question}"
