"""The key-fact check: does a free-text answer say each key fact? Partial credit per fact.

Used by the eval runner (``eval.grading.grade_qa``) and handed to the quiz (``assistant.factory.build_quiz``),
so a key fact means the same thing in both. What counts as the same words: ``eval.equivalence``.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence

from assistant.quiz import Fact, Grade, fact_label
from eval import equivalence as eq

_SENTENCE = re.compile(r"[。；;！!？?\n]")
_QUANTITY = re.compile(r"\d+月\d+日|\d+(?:\.\d+)?个?(?:工作日|日|月|年|周|次|项|条|款|元|万元|%|小时)?")
_ASCII_WORD = re.compile(r"[a-z][a-z0-9_.\-]*")  # t1, gb/t, pdf: one element, never letters and digits apart
_STOP_CHARS = set("的了是在和与及或等之就都也把被将对向由从按以为于啊吧呢吗要")
_FUZZY_RATIO = 0.8
_MEANING_CHARS = set("前后内外上下左右不非无未没可否是多少高低长短早晚日月年级县州市省镇乡")


def grade_facts(answer: str, facts: Sequence[Fact], *, question: str = "") -> Grade:
    """Partial credit, one equal share per key fact: the quiz and the eval runner grade with this alone.

    A fact counts when the answer says it, once both are normalised (六十日 = 60日 = 60天, 三月底前 =
    3月31日前, 县卫健局 = 县卫生健康局); when it names the right review body for the act the question is
    about (上一级政府 for the county government's act = 州人民政府); when it contains every key element
    of the fact in other words (eval/equivalence.yaml), within one sentence; or, for a fact without
    numbers or with the same numbers, with one character wrong (a typo). Negated mentions (不可以) do not count.
    """
    if not facts:
        return Grade(score=0.0, matched=(), missing=())
    said = eq.squeeze(eq.canonical(answer))
    sentences = [eq.squeeze(s) for s in _SENTENCE.split(eq.canonical(answer)) if s.strip()]
    actor = eq.actor_of(question) if question else None
    matched = tuple(fact_label(f) for f in facts if _fact_found(f, said, sentences, actor))
    missing = tuple(fact_label(f) for f in facts if fact_label(f) not in matched)
    return Grade(score=len(matched) / len(facts), matched=matched, missing=missing)


def _fact_found(fact: Fact, said: str, sentences: list[str], actor: str | None) -> bool:
    for alt in (fact,) if isinstance(fact, str) else fact:
        needle = eq.squeeze(eq.canonical(alt))
        if not needle:
            continue
        if eq.present(needle, said) or _fuzzy_in(needle, said):
            return True
        target = eq.body_target(needle, actor)
        if target is not None:
            if eq.names_body(said, target, actor):
                return True
            continue  # a body fact is answered by the body, not by its surrounding words
        parts = _elements(needle)
        if len(parts) > 1 and any(all(_element_in(p, s) for p in parts) for s in sentences):
            return True
        if len(parts) == 1 and _element_in(parts[0], said):
            return True
    return False


@functools.cache
def _elements(fact: str) -> tuple[str, ...]:
    """A normalised fact cut into its key elements: dates and quantities, class words, the rest."""
    members = eq.rules().class_members()
    out: list[str] = []
    rest = ""
    i = 0
    while i < len(fact):
        quantity = _ASCII_WORD.match(fact, i) if fact[i].isascii() and fact[i].isalpha() else None
        quantity = quantity or (_QUANTITY.match(fact, i) if fact[i].isdigit() else None)
        word = quantity.group(0) if quantity else next((w for w in members if fact.startswith(w, i)), None)
        if word is None:
            rest += fact[i]
            i += 1
            continue
        out.extend(_leftover(rest))
        rest = ""
        out.append(word)
        i += len(word)
    out.extend(_leftover(rest))
    return tuple(out)


def _leftover(chunk: str) -> list[str]:
    chunk = "".join(ch for ch in chunk if ch not in _STOP_CHARS) if len(chunk) <= 2 else chunk.strip("的了")
    return [chunk] if chunk else []


def _element_in(element: str, text: str) -> bool:
    return any(eq.present(w, text) for w in eq.rules().class_of(element))


def _fuzzy_in(needle: str, hay: str) -> bool:
    """One mistyped character in a fact of 5+ characters (工做日, 信息公开机购); a digit or a word that
    turns the meaning (前/后, 不, 上/下 …) is never a typo, and a negated window does not count."""
    if len(needle) < 5 or len(hay) < len(needle) - 1:
        return False
    for start in range(0, len(hay) - len(needle) + 2):
        window = hay[start : start + len(needle)]
        matcher = difflib.SequenceMatcher(None, needle, window)
        if matcher.ratio() < _FUZZY_RATIO or any(n in hay[max(0, start - 2) : start + 1] for n in eq.NEGATION):
            continue
        changed = "".join(needle[i1:i2] + window[j1:j2] for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")
        if not any(ch.isdigit() or ch in _MEANING_CHARS for ch in changed):
            return True
    return False
