"""Compose an extractive answer with citations from retrieval hits.

The answer quotes one to three sentences from the best clauses (scored by overlap with the question's
words and their synonyms), each followed by its citation 〔《标题》章节〕, then a short 依据 list.
A rule of the digest that is not verified against the original text is flagged. No hits → NOT_FOUND,
never an unrelated clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.turn import Reply
from knowledge.types import Hit, Source

NOT_FOUND = "在政务公开工作方案和《政府信息公开条例》中没有找到与此相关的规定。建议咨询县人民政府办公室（政务公开主管部门）。"
MAX_SENTENCES = 3
MAX_CHUNKS = 3
_SENTENCE_END = re.compile(r"(?<=[。！？；])")
_CLAUSE = re.compile(r"[（(]\s*责任单位[:：].*?[)）]\s*$")
_NUMBER = re.compile(r"\d+")
_RANGE = re.compile(r"(\d+)\s*(?:至|到|~|～|-|—)\s*(\d+)")
RANGE_BONUS = 2.0  # a sentence whose range (第31至40件) holds the question's number (第35件) answers it
_WHO = ("谁", "哪个部门", "哪些部门", "哪个单位", "哪些单位", "责任", "负责", "牵头", "单位")
_STATUS_NOTES = {
    "P": "部分核对",
    "UNVERIFIED": "尚未对照原文核实",
    "推断": "属本助手的推断性解释",
}
_WARNING = "注意：以上{}的依据{}，仅供参考，对外答复前请对照官方原文。"


@dataclass(frozen=True)
class _Sentence:
    text: str
    hit_rank: int
    position: int
    score: float


def compose_answer(question: str, hits: list[Hit]) -> Reply:
    """Quote the sentences that best answer the question, each with its citation.

    Args:
        question: the user's question.
        hits: retrieval hits, best first (empty when nothing relevant was found).

    Returns:
        The reply; ``sources`` lists the cited chunks, ``data["retrieved"]`` every hit in rank order
        (the eval's hit@k reads it).
    """
    if not hits:
        return Reply(text=NOT_FOUND)
    terms = _query_terms(question)
    candidates = hits[:MAX_CHUNKS]
    sentences = [s for rank, hit in enumerate(candidates) for s in _sentences(hit, rank, terms, question)]
    chosen = _choose(sentences)
    if not chosen:
        return Reply(text=NOT_FOUND)
    cited = sorted({s.hit_rank for s in chosen})
    lines = [s.text + _citation(candidates[s.hit_rank]) for s in chosen]
    basis = [f"{n}. {_label(candidates[r])}{_status_suffix(candidates[r])}" for n, r in enumerate(cited, 1)]
    text = "\n".join(lines) + "\n\n依据：\n" + "\n".join(basis)
    warning = _warning([candidates[r] for r in cited])
    if warning:
        text += "\n" + warning
    sources = [_source(candidates[r]) for r in cited]
    retrieved = [{"title": h.chunk.title, "section": h.chunk.section, "score": round(h.score, 4)} for h in hits]
    return Reply(text=text, sources=sources, data={"retrieved": retrieved})


def _query_terms(question: str) -> dict[str, float]:
    """Question words (weight 2), their synonyms (1.5) and character bigrams (1)."""
    from knowledge.synonyms import expand
    from knowledge.tokenizer import default_tokenizer

    tokenizer = default_tokenizer()
    terms: dict[str, float] = {}
    for word in tokenizer.content_words(question):
        terms[word] = 2.0
    for word in expand(question):
        terms.setdefault(word, 1.5)
    for token in tokenizer.tokens(question):
        terms.setdefault(token, 1.0)
    return terms


def _sentences(hit: Hit, rank: int, terms: dict[str, float], question: str) -> list[_Sentence]:
    chunk = hit.chunk
    if chunk.metadata.get("kind") == "regulation":  # a digest rule is one or two sentences: quote it whole
        parts = [chunk.text]
    else:
        parts = [p.strip() for p in _split(chunk.text) if p.strip()]
    asks_who = any(w in question for w in _WHO)
    numbers = [int(n) for n in _NUMBER.findall(question)]
    out = []
    for position, part in enumerate(parts):
        score = sum(weight for term, weight in terms.items() if term in part)
        score += RANGE_BONUS * _ranges_holding(part, numbers)
        if _CLAUSE.search(part):  # the duty clause answers "who", and little else
            score = score + 6.0 if asks_who else score * 0.3
        score = score / (1.0 + len(part) / 400.0) - rank * 1.0  # prefer the best-ranked clause
        out.append(_Sentence(part, rank, position, score))
    return out


def _ranges_holding(part: str, numbers: list[int]) -> int:
    """How many of the question's numbers fall inside a range the sentence states (31至40 holds 35)."""
    if not numbers:
        return 0
    ranges = [(int(a), int(b)) for a, b in _RANGE.findall(part)]
    return sum(any(lo <= n <= hi for lo, hi in ranges) for n in numbers)


def _split(text: str) -> list[str]:
    """Sentences, with a trailing (责任单位:…) clause kept as its own piece."""
    pieces: list[str] = []
    for line in text.splitlines():
        for sentence in _SENTENCE_END.split(line):
            match = _CLAUSE.search(sentence)
            if match and match.start() > 0:
                pieces.extend([sentence[: match.start()], sentence[match.start() :]])
            else:
                pieces.append(sentence)
    return pieces


def _choose(sentences: list[_Sentence]) -> list[_Sentence]:
    """The best sentence of the best clause, plus up to two more scoring at least half as well; in reading order.

    The best-ranked clause always leads: retrieval ranked it first on the whole question, which is a
    better judge than the overlap of single sentences.
    """
    ranked = sorted(sentences, key=lambda s: -s.score)
    lead = next((s for s in ranked if s.hit_rank == 0), None)
    if lead is None:
        return ranked[:1]
    floor = max(lead.score, 0.0) * 0.5
    others = [s for s in ranked if s is not lead and s.score >= floor and s.score > 0]
    chosen = [lead, *others[: MAX_SENTENCES - 1]]
    return sorted(chosen, key=lambda s: (s.hit_rank, s.position))


def _label(hit: Hit) -> str:
    section = hit.chunk.section
    return f"《{hit.chunk.title}》{section}" if section else f"《{hit.chunk.title}》"


def _citation(hit: Hit) -> str:
    return f"〔{_label(hit)}〕"


def _status_suffix(hit: Hit) -> str:
    status = hit.chunk.metadata.get("status", "")
    return f"（{_STATUS_NOTES[status]}）" if status in _STATUS_NOTES else ""


def _warning(hits: list[Hit]) -> str:
    flagged = [h for h in hits if h.chunk.metadata.get("status", "") in _STATUS_NOTES]
    if not flagged:
        return ""
    labels = "、".join(_label(h) for h in flagged)
    notes = "、".join(dict.fromkeys(_STATUS_NOTES[h.chunk.metadata["status"]] for h in flagged))
    return _WARNING.format(labels, notes)


def _source(hit: Hit) -> Source:
    return Source(title=hit.chunk.title, section=hit.chunk.section, text=hit.chunk.text, score=round(hit.score, 4))
