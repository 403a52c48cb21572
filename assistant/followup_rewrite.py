"""Rewriting an elliptic follow-up to a knowledge question into a whole question. Pure.

Three kinds of ellipsis after a knowledge question (word lists in ``router.yaml``, ``followup``):

- ``swap``: "那网站呢？" after "政务新媒体多久要更新一次" → the earlier question with its topic replaced:
  "网站多久要更新一次". The topic is the part before the first ask word (多久, 什么时候, 标准 …); its head is
  the longest domain term in it (knowledge/sources/domain_terms.txt, synonyms), else its last word. A new
  topic that is itself a domain term replaces the head ("主动公开的信息…" + "依申请公开" → "依申请公开的信息…");
  one that is not replaces the modifier and keeps the head ("部门年报…" + "县政府本级的" → "县政府本级年报…").
- ``condition``: "要是延期呢？" → the earlier question plus the condition; the answer leads with the clause
  that speaks of the condition.
- ``ask``: "那要多长时间？" after "申请人材料不全怎么办" → the earlier question plus the new ask; the answer
  comes from the clause the last answer cited when it holds what is asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.router import words
from knowledge.types import Chunk, Hit

_END = "?？。!！ "
_TOPIC_CHARS = 6  # a new topic put in place of a term: a name ("网站", "依申请公开"), never a clause
_AMOUNT = re.compile(r"(?<![\d-])\d+\s*(?:个工作日|个?自然日|日|天|个月|年内|元|页|件|次|小时)")
_AGENT = re.compile(r"(?:部门|政府|局|镇|乡|单位|办|机关|委|中心|本级)$")  # who does it: a qualifier of the topic
_DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
_DATE_DETAIL = re.compile(r"(?:[\d〇零一二三四五六七八九十两]+\s*(?:年度?|月份?|日|号)\s*)+|今年|去年|明年|上一?年|本年")


@dataclass(frozen=True)
class Rewrite:
    mode: Literal["swap", "condition", "ask"]
    text: str  # the whole question to search and answer
    focus: str  # the follow-up's own detail (the new topic, the condition, the new ask)


def _terms() -> list[str]:
    from knowledge.tokenizer import _read_list

    return _read_list("domain_terms.txt")


def _longest_term(text: str, terms: list[str]) -> str | None:
    found = [t for t in terms if t in text]
    return max(found, key=len) if found else None


def split_topic(question: str) -> tuple[str, str]:
    """("政务新媒体", "多久要更新一次") from "政务新媒体多久要更新一次"; ("", question) without an ask word."""
    q = question.strip().rstrip(_END)
    hits = [i for m in words()["followup"]["ask_words"] if (i := q.find(m)) > 0]
    if not hits:
        return "", q
    topic = q[: min(hits)].rstrip("的，, ")
    return topic, q[len(topic):]


def swap_topic(question: str, new: str) -> str | None:
    """The earlier question about ``new`` instead of its own topic, or None when no topic can be found."""
    topic, ask = split_topic(question)
    new = new.strip().removesuffix("的").strip()
    if not topic and new and new not in question:  # "政务新媒体两周不更新会怎样" has no ask word: its term is the topic
        head = _longest_term(question.strip().rstrip(_END), _terms())
        return question.strip().rstrip(_END).replace(head, new, 1) if head and len(new) <= _TOPIC_CHARS else None
    if not topic or not new or new in topic:
        return None
    if _DATE_DETAIL.fullmatch(new):  # "那2026年的呢": a year or date qualifies the topic, never replaces it
        return f"{new}的{topic}{ask}"
    terms = _terms()
    head = _longest_term(topic, terms)
    if head is None:
        from knowledge.tokenizer import default_tokenizer

        content = default_tokenizer().content_words(topic)
        head = content[-1] if content and topic.endswith(content[-1]) else None
    if head == topic and _AGENT.search(new) and not _longest_term(new, terms):
        return f"{new}的{topic}{ask}"  # "年报什么时候发布" + "县政府部门": whose 年报, not 县政府部门 instead of it
    if head is None or head == topic or _longest_term(new, terms):
        replaced = topic.replace(head, new, 1) if head and head != topic else new
    else:
        modifier = topic.replace(head, "", 1).strip("的")
        replaced = topic.replace(modifier, new, 1) if modifier and modifier in topic else new
    return _DOUBLED.sub(r"\1", replaced + ask)  # "其他领域" for "试点领域": never "其他领域领域"


def rewrite(question: str, message: str) -> Rewrite | None:
    """The whole question an elliptic ``message`` asks after the knowledge ``question``, or None."""
    w = words()["followup"]
    t = message.strip().rstrip(_END).removesuffix("呢").strip("，, ")
    for opener in sorted(w["topic_openers"], key=len, reverse=True):
        t = t.removeprefix(opener)
    t = t.strip("，, ")
    if not t:
        return None
    base = question.strip().rstrip(_END)
    conditional = t.startswith(tuple(w["conditions"]))
    core = t
    for opener in sorted(w["conditions"], key=len, reverse=True):
        core = core.removeprefix(opener)
    core = core.strip("，, ") or t
    # a situation ("对方一直不回", "复议完还不服") is a condition on the earlier question, never a new topic
    if conditional or any(m in core for m in w["situation_markers"]):
        return Rewrite("condition", f"{base}，{t}", core)
    if any(a in t for a in w["quantity_words"]) or t.startswith(tuple(w["ask_words"])):
        return Rewrite("ask", f"{base}，{t}", t)
    swapped = swap_topic(base, t)
    return Rewrite("swap", swapped, t) if swapped else Rewrite("condition", f"{base}，{t}", t)


def _bigrams(text: str) -> set[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    return {r[i : i + 2] for r in runs for i in range(len(r) - 1)}


def focus_overlap(focus: str, text: str) -> int:
    """How many character pairs of the follow-up's detail the clause shares (synonyms count too)."""
    from knowledge.tokenizer import expand_query

    return len(_bigrams(expand_query(focus)) & _bigrams(text))


def holding_clause(focus: str, cited: list[Chunk]) -> Chunk | None:
    """The clause the last answer cited that holds most of the follow-up's detail (at least two thirds of
    its character pairs, two at least), or None."""
    pairs = _bigrams(focus)
    if len(pairs) < 2:
        return None
    best = max(cited, key=lambda c: len(pairs & _bigrams(c.text)), default=None)
    return best if best is not None and 3 * len(pairs & _bigrams(best.text)) >= 2 * len(pairs) else None


def asks_consequence(message: str) -> bool:
    """"超过了会怎么样" / "有什么后果": the message asks what follows from breaking the rule just quoted."""
    return any(a in message for a in words()["followup"]["consequence_asks"])


def carried_order(message: str, hits: list[Hit], cited: set[tuple[str, str]]) -> list[Hit]:
    """The hits of a short follow-up searched with the last question's topic, the clause about the follow-up's
    own words first ("谁来汇总审核" after "标准目录什么时候要编完": the clause that says who 汇总审核, not the
    deadline clause again). A consequence ask ("超过了会怎么样") leads with a clause of the section just cited
    that holds a consequence word (否决, 问责 …), else any clause found that holds one; stable otherwise, and
    one shared pair is noise."""
    consequences = words()["followup"]["consequence_words"] if asks_consequence(message) else []

    def key(h: Hit) -> tuple[int, int, int]:
        held = sum(w in h.chunk.text for w in consequences)
        own = n if (n := focus_overlap(message, h.chunk.text)) >= 2 else 0
        # the section just cited first; when it says nothing of a consequence, a clause found that does
        return (-held * ((h.chunk.title, h.chunk.section) in cited), -held, -own)

    return sorted(hits, key=key)


def arrange(mode: str, focus: str, original: str, hits: list[Hit], cited: list[Chunk]) -> list[Hit]:
    """The hits of a rewritten follow-up in the order the answer should quote them: ``order_hits``, then for a
    consequence ask ("那超过了会咋样") the clause of the section just cited that holds a consequence."""
    hits = order_hits(mode, focus, hits, cited)
    return carried_order(original, hits, {(c.title, c.section) for c in cited}) if asks_consequence(original) else hits


def amounts(text: str) -> set[str]:
    """The periods and amounts a text states, spaces dropped ("20个工作日", "15日")."""
    return {re.sub(r"\s", "", m) for m in _AMOUNT.findall(text)}


def holds_amount(text: str) -> bool:
    """A period or an amount (15个工作日, 60日, 6个月, 100元, 30页), not a date (2024-01-01)."""
    return bool(_AMOUNT.search(text))


def order_hits(mode: str, focus: str, hits: list[Hit], cited: list[Chunk]) -> list[Hit]:
    """The hits with the clause the answer should lead with first.

    ``condition`` / ``swap``: clauses sharing most of the condition's (the new topic's) words first (stable otherwise). ``ask``: a clause
    the last answer cited that holds a number (a period, an amount) first, added when the search missed it.
    """
    holder = holding_clause(focus, cited)
    if holder is not None:  # "那收集的个人信息呢": the clause just quoted speaks of it
        top = hits[0].score if hits else 1.0
        return [Hit(chunk=holder, score=top), *(h for h in hits if h.chunk.id != holder.id)]
    if mode in ("condition", "swap"):  # one shared pair is noise: it must not overturn the search's order,
        # unless the detail is one pair ("那网站呢"): a clause that holds it names the new topic itself
        least = 1 if mode == "swap" and len(_bigrams(focus)) == 1 else 2
        return sorted(hits, key=lambda h: -(n if (n := focus_overlap(focus, h.chunk.text)) >= least else 0))
    if mode == "ask" and cited:
        keys = {(c.title, c.section) for c in cited}
        counted = [c for c in cited if holds_amount(c.text)]
        best = max(counted, key=lambda c: focus_overlap(focus, c.text), default=None) if counted else None
        if best is None:
            return hits
        top = hits[0].score if hits else 1.0
        lead = next((h for h in hits if h.chunk.id == best.id), None) or Hit(chunk=best, score=top)
        rest = [h for h in hits if h is not lead]
        rest.sort(key=lambda h: (h.chunk.title, h.chunk.section) not in keys)
        return [lead, *rest]
    return hits
