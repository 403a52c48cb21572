"""The first line of an answer, extracted from the quoted sentence by answer type.

when / how long / how much / how many / who: the clause that states the date, period, amount, count or
unit. yes-no: 可以/不可以 (能/不能, 要/不用 …, in the question's own modal word) when the question names
one, then the clause. false premise ("…吧？", "是不是20个工作日"): "对，…" or "不对，…" + the correct fact,
by comparing the numbers the question asserts with the sentence's (or, without numbers, its polarity).
"""

from __future__ import annotations

import re

from assistant.answer_type import (
    asserted_numbers,
    best_clause,
    clause_with,
    find_phrase,
    is_negative,
    quantity_kind,
)

# the question's modal word -> (yes, no)
_MODALS = (
    ("能不能", "能", "不能"), ("可不可以", "可以", "不可以"), ("要不要", "要", "不用"), ("需不需要", "需要", "不需要"),
    ("用不用", "要", "不用"), ("是不是", "是", "不是"), ("有没有", "有", "没有"), ("算不算", "算", "不算"),
    ("会不会", "会", "不会"), ("该不该", "应该", "不应该"), ("行不行", "可以", "不可以"), ("可否", "可以", "不可以"),
    ("能否", "能", "不能"), ("是否需要", "需要", "不需要"), ("是否可以", "可以", "不可以"), ("是否要", "要", "不用"),
    ("可以", "可以", "不可以"), ("能", "能", "不能"), ("需要", "需要", "不需要"), ("必须", "必须", "不必"),
    ("应该", "应该", "不应该"), ("要", "要", "不用"), ("允许", "允许", "不允许"),
)
_NEGATED_ASK = re.compile(r"(?<![是要])不(?![是对行了吗么呢？?。]|$)|没有|无需|不必|免")
_EXCEPTION = re.compile(r"但|除非|除[^，。；]{1,20}外|例外")
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")  # 能不能, 可不可以, 有没有: a question, not a negation


def _negated(question: str) -> bool:
    return bool(_NEGATED_ASK.search(_A_NOT_A.sub("", question)))


def conclude(question: str, qtype: str, sentence: str) -> str | None:
    """The conclusion line for this question from the sentence that answers it, or None to lead with the quote."""
    if qtype == "false_premise":
        return _premise(question, sentence)
    if qtype == "yes_no":
        return _yes_no(question, sentence)
    phrase = find_phrase(qtype, sentence)
    if phrase is None:
        return None
    return _sentence(clause_with(sentence, phrase))


_DUTY = re.compile(r"[（(]\s*(?:县级)?(责任单位|牵头部门)[:：](.+?)[)）]")


def responsible(sentences: list[str]) -> str | None:
    """For a "who" question quoted from plan paragraphs: "责任单位：…。" from the first (责任单位:…) clause."""
    for text in sentences:
        m = _DUTY.search(text)
        if m:
            units = re.sub(r"\s*[,，]\s*", "、", m.group(2).strip())
            return f"{m.group(1)}：{units}。"
    return None


def _sentence(text: str) -> str:
    text = text.strip().rstrip("，,；;：:")
    return text if text.endswith(("。", "！", "？")) else text + "。"


def _yes_no(question: str, sentence: str) -> str | None:
    modal = _a_not_a(question) or next((m for m in _MODALS if m[0] in question), None)
    if modal is None:
        return None
    if _EXCEPTION.search(sentence):  # "原则上不得…；但…应当…": no single yes or no, the quote says it
        return None
    asked = _governed(question, modal[0])
    if not _speaks_to(sentence, asked):  # a rule on the subject alone (政务微博 …), not on the thing asked
        return None
    clause = best_clause(sentence, question)
    if not _about(clause, question):  # the pairs-closest clause is off topic: the one holding what was asked
        clause = _clause_on(sentence, asked) or ""
    if not _about(clause, question):
        return None
    asked_not = bool(re.search(f"{re.escape(modal[1])}不|不用|不必|无需|免", _A_NOT_A.sub("", question)))  # 可以不公开吗
    negative = is_negative(clause) != asked_not
    return f"{modal[2] if negative else modal[1]}。"


def _a_not_a(question: str) -> tuple[str, str, str] | None:
    """The question's A不A form (要不要, 给不给, 收不收) as (the form, yes, no): the listed wording when there is
    one, else A / 不A. It is what is asked even when a bare modal (要) occurs elsewhere in the question."""
    m = _A_NOT_A.search(question)
    if m is None:
        return None
    listed = next((x for x in _MODALS if x[0] == m.group(0)), None)
    verb = m.group(1)
    return listed or (m.group(0), verb, ("没" if m.group(0)[1] == "没" else "不") + verb)


def _about(clause: str, question: str) -> bool:
    """The clause holds one of the question's content words (or a synonym of one)."""
    from knowledge.synonyms import expand
    from knowledge.tokenizer import default_tokenizer

    words = default_tokenizer().content_words(_A_NOT_A.sub("", question))
    return any(w in clause for w in [*words, *expand(words)] if len(w) >= 2)


def _governed(question: str, modal: str) -> list[str]:
    """What the modal word governs: the content words after it (能不能|让个人用单位名义注册视频号, 可以|开直播吗),
    the domain's core words (申请, 公开, 申请公开 …, in most rules) left out when others are there."""
    from knowledge.tokenizer import anchors, default_tokenizer

    tail = question[question.index(modal) + len(modal) :]
    words = [w for w in default_tokenizer().content_words(_A_NOT_A.sub("", tail)) if len(w) >= 2]
    core = re.compile("|".join(sorted(map(re.escape, anchors()), key=len, reverse=True)))
    return [w for w in words if core.sub("", w)] or words


def _mentions(text: str, word: str) -> bool:
    from knowledge.synonyms import expand

    return word in text or any(t in text for t in expand(word))


def _speaks_to(sentence: str, asked: list[str]) -> bool:
    """At least half of what the modal governs is in the sentence (or a synonym of it)."""
    return not asked or 2 * sum(_mentions(sentence, w) for w in asked) >= len(asked)


def _clause_on(sentence: str, asked: list[str]) -> str | None:
    """The comma-delimited clause that holds most of what was asked (its polarity is the answer), if any does."""
    parts = [p.strip() for p in re.split(r"[，,；;：:。！？]", sentence) if p.strip()]
    scored = [(sum(_mentions(p, w) for w in asked), -n, p) for n, p in enumerate(parts)]
    best = max(scored, default=(0, 0, ""))
    return best[2] if best[0] > 0 else None


def _premise(question: str, sentence: str) -> str | None:
    """对 / 不对 + the fact: the numbers asserted against the sentence's, else the polarity."""
    kind = quantity_kind(question)
    said = asserted_numbers(question)
    if kind and said:
        phrase = find_phrase(kind, sentence)
        if phrase is None:
            return None
        fact = _sentence(clause_with(sentence, phrase))
        stated = set(re.findall(r"\d+", phrase))
        return f"对，{fact}" if set(said) <= stated or set(said) & stated else f"不对，{fact}"
    clause = best_clause(sentence, question)
    negative = is_negative(clause) != _negated(question)
    return f"不对，{_sentence(clause)}" if negative else f"对，{_sentence(clause)}"
