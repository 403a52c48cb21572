"""Compose an answer that answers: a direct conclusion, the quoted source sentence(s) with their citation, 依据.

The conclusion is the question-bank entry's answer when a bank question matched this question closely;
otherwise it is extracted by answer type (assistant/answer_type.py): the date, the period, the unit, the
amount, 可以/不可以, or "不对，…" when the question's premise disagrees with the source. The quote comes
from the lead clause only (plus a paragraph of the same section), never from an unrelated rule; a
heading, a bare (责任单位:…) clause or a list number never leads. A rule that is not [V] gets one line
of caution. ``weak`` evidence is quoted as "最相关的规定是……（仅供参考）". No hits → NOT_FOUND.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer_type import answer_type, cue, find_phrase
from assistant.conclusion import conclude, responsible
from assistant.tiers import tiered_amount
from assistant.turn import Reply
from knowledge.digest import caution
from knowledge.types import Chunk, Hit, Source

NOT_FOUND = "在政务公开工作方案和《政府信息公开条例》中没有找到与此相关的规定。建议咨询县人民政府办公室（政务公开主管部门）。"
WEAK_LEAD = "没有找到直接回答这个问题的规定。最相关的规定是："
WEAK_TAIL = "（仅供参考）"
MAX_QUOTES = 2
RERANK_DEPTH = 3  # how many top clauses compete on their best sentence
RERANK_PENALTY = 2.0  # per rank below the first (5-fold CV on dev: benchmarks/answer_cv.py)
BANK_BONUS = 2.0  # a clause whose bank question matches closely (same CV)
KIND_BONUS = 2.0  # a clause of the kind the question asks about (the plan, the 条例), close behind the best hit (same CV)
BANK_LEAD_OVERLAP = 0.45  # token F1 between the question and a bank question for the entry's answer to lead
_SENTENCE_END = re.compile(r"(?<=[。！？；])")
_CLAUSE = re.compile(r"[（(]\s*(?:县级)?(?:责任单位|牵头部门)[:：].*?[)）]\s*$")
_LIST_NUMBER = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]|[一二三四五六七八九十]+、)\s*")
_WHO = ("who",)
_ONE_CHAR_ALTERNATIVE = re.compile(r"(\w)[（(](\w)[)）]")  # 乡（镇）, 办公厅（室）


@dataclass(frozen=True)
class _Sentence:
    text: str
    hit_rank: int
    position: int
    score: float


def compose_answer(question: str, hits: list[Hit], *, verdict: str = "answer", ask: str | None = None,
                   idf: Callable[[str], float] | None = None) -> Reply:
    """Answer the question from the hits: conclusion, quoted sentence(s) with citation, 依据.

    Args:
        question: the user's question.
        hits: retrieval hits, best first (empty when nothing relevant was found).
        verdict: ``answer`` or ``weak`` (the relevance decision); ``weak`` quotes the closest rule 仅供参考.
        ask: the message itself when ``question`` carries an earlier question's topic (a follow-up); its
            answer type decides the conclusion.
        idf: how rare a word is in the index (the retriever's ``term_idf``); with it, a rare question word
            (口头, 施行) counts for more than a common one (申请, 公开) when choosing the clause and sentence.

    Returns:
        The reply; ``sources`` lists the cited chunks, ``data["retrieved"]`` every hit in rank order
        (the eval's hit@k reads it), ``data["answer_type"]`` and ``data["decision"]``.
    """
    if not hits:
        return Reply(text=NOT_FOUND, data={"decision": "refuse", "verdict": "refuse"})
    qtype = answer_type(ask or question)
    terms = _query_terms(question)
    for word, weight in _query_terms(ask).items() if ask else ():  # the follow-up's own words count double
        terms[word] = terms.get(word, 0.0) + weight
    terms = _weighted(terms, idf) if idf is not None else terms
    units = _units_named(ask or question)
    lead = _lead(question, hits, terms, qtype, units)
    bank = hits[lead].question if _bank_leads(ask or question, hits[lead]) else None
    quoted = _quotes(qtype, hits, lead, terms, bank.metadata.get("anchor", "") if bank is not None else "", units)
    if not quoted:
        return Reply(text=NOT_FOUND, data={"decision": "refuse", "verdict": "refuse"})
    cited = list(dict.fromkeys(s.hit_rank for s in quoted))
    quote_lines = [s.text + _citation(hits[s.hit_rank]) for s in quoted]
    bank = bank if verdict == "answer" else None
    if verdict == "weak":
        lines = [WEAK_LEAD, *quote_lines[:-1], quote_lines[-1] + WEAK_TAIL]
    else:
        # a count the question names is worked out even when a bank entry matched: its answer states the tiers only
        worked = tiered_amount(ask or question, quoted[0].text) if qtype == "how_much" else None
        conclusion = worked or (bank.metadata["answer"] if bank is not None else conclude(ask or question, qtype, quoted[0].text))
        if qtype in _WHO and not (conclusion and _names_unit(conclusion)):  # "谁负责" gets the unit first
            conclusion = responsible([s.text for s in quoted]) or conclusion
        lines = ([conclusion] if conclusion and _adds(conclusion, quoted[0].text) else []) + quote_lines
    cautions: list[str] = list(dict.fromkeys(c for r in cited if (c := caution(hits[r].chunk.metadata.get("status", "")))))
    text = "\n".join(lines + [f"注意：{c}" for c in cautions])
    # two passages of one article are quoted apart but listed once: 依据 names articles, not passages
    basis = dict.fromkeys(_label(hits[r]) for r in cited)
    text += "\n\n依据：\n" + "\n".join(f"{n}. {label}" for n, label in enumerate(basis, 1))
    retrieved = [{"title": h.chunk.title, "section": h.chunk.section, "score": round(h.score, 4)} for h in hits]
    data = {"retrieved": retrieved, "answer_type": qtype, "decision": verdict, "verdict": verdict,
            "bank": bank.metadata.get("entry_id") if bank is not None else None}
    return Reply(text=text, sources=[_source(hits[r]) for r in cited], data=data)


def _names_unit(text: str) -> bool:
    """The text names who: a unit of the registry, or a "由…负责" / "…局负责" phrase."""
    from knowledge.units import load_units

    return bool(find_phrase("who", text)) or bool(load_units().find_in_text(text))


def _adds(conclusion: str | None, quote: str) -> bool:
    """A conclusion leads unless it only repeats a quote of about the same length."""
    if not conclusion:
        return False
    return conclusion.rstrip("。") not in quote or len(quote) >= 1.5 * len(conclusion)


def _lead(question: str, hits: list[Hit], terms: dict[str, float], qtype: str, units: tuple[str, ...] = ()) -> int:
    """The clause to answer from: among the top clauses, the one whose best sentence says most of what was asked
    (a clause ranked lower pays RERANK_PENALTY per rank; a close question-bank match earns BANK_BONUS). When the
    question asks about the plan (or the 条例), a clause of that kind close behind the best hit earns KIND_BONUS:
    a preference, so that the plan's paragraph still has to say what was asked to lead."""
    wants = "plan" if cue("plan_cues", question) else "regulation" if cue("regulation_cues", question) else None
    best, best_score = 0, float("-inf")
    for rank, hit in enumerate(hits[:RERANK_DEPTH]):
        sentences = _sentences(hit, rank, terms, qtype, rank, units)
        if not sentences:
            continue
        score = max(x.score for x in sentences) - RERANK_PENALTY * rank
        score += BANK_BONUS if _bank_leads(question, hit) else 0.0
        if wants is not None and hit.chunk.metadata.get("kind") == wants and hit.score >= 0.8 * hits[0].score:
            score += KIND_BONUS
        if score > best_score:
            best, best_score = rank, score
    return best


def _bank_leads(question: str, hit: Hit) -> bool:
    from knowledge.tokenizer import default_tokenizer

    if hit.question is None or not hit.question.metadata.get("answer"):
        return False
    tokenizer = default_tokenizer()
    asked, bank = set(tokenizer.tokens(question)), set(tokenizer.tokens(hit.question.text))
    shared = len(asked & bank)
    return bool(asked and bank) and 2 * shared / (len(asked) + len(bank)) >= BANK_LEAD_OVERLAP


def _quotes(qtype: str, hits: list[Hit], lead: int, terms: dict[str, float], anchor: str,
            units: tuple[str, ...] = ()) -> list[_Sentence]:
    """The sentence(s) to quote: from the lead clause (the bank entry's anchor sentence when there is one),
    plus at most one more from a paragraph of the same section."""
    chunk = hits[lead].chunk
    same = [r for r, h in enumerate(hits[:3]) if r != lead and (h.chunk.title, h.chunk.section) == (chunk.title, chunk.section)]
    candidates = [s for r in [lead, *same] for s in _sentences(hits[r], r, terms, qtype, lead, units)]
    if not candidates:
        return []
    anchored = [s for s in candidates if anchor and s.hit_rank == lead and anchor in s.text]
    ranked = sorted(candidates, key=lambda s: -s.score)
    first = anchored[0] if anchored else next((s for s in ranked if s.hit_rank == lead), ranked[0])
    others = [s for s in ranked if s is not first and s.score > 0 and s.score >= 0.6 * max(first.score, 0.1)]
    chosen = [first, *others[: MAX_QUOTES - 1]]
    return sorted(chosen, key=lambda s: (s.hit_rank != lead, s.hit_rank, s.position))


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


def _weighted(terms: dict[str, float], idf: Callable[[str], float]) -> dict[str, float]:
    """Each term's weight times its rarity relative to the question's average, so the scale stays the same: a
    neighbouring clause that shares only the domain's common words (申请, 公开) no longer outscores the one
    holding the rare word that was asked about."""
    rarity = {term: idf(term) for term in terms}
    mean = sum(rarity.values()) / len(rarity) if rarity else 0.0
    if mean <= 0:
        return terms
    return {term: weight * rarity[term] / mean for term, weight in terms.items()}


def _units_named(question: str) -> tuple[str, ...]:
    """The registry's units the question names (扶贫办 → 县扶贫办): a question about one asks for its duty clause."""
    from knowledge.units import load_units

    return tuple(u.name for u in load_units().find_in_text(question))


def _sentences(hit: Hit, rank: int, terms: dict[str, float], qtype: str, lead: int,
               units: tuple[str, ...] = ()) -> list[_Sentence]:
    """The hit's sentences scored for the question; a (责任单位:…) clause only for a "who" question or one that
    names a unit the clause names (扶贫办有份没)."""
    chunk = hit.chunk
    if chunk.metadata.get("kind") == "regulation":  # a digest rule is one or two sentences: quote it whole
        parts = [chunk.text]
    else:
        parts = [p for p in (_LIST_NUMBER.sub("", x).strip() for x in _split(chunk.text)) if p]
    heading = (chunk.metadata.get("heading") or "").split(" > ")[-1]
    out = []
    for position, part in enumerate(parts):
        duty = bool(_CLAUSE.search(part))
        if _is_heading(part, heading, position, len(parts)) or (
                duty and qtype not in _WHO and not any(u in part for u in units)):
            continue
        said = _ONE_CHAR_ALTERNATIVE.sub(r"\1\2", part) + "\n" + part  # 乡（镇）政府 is what people call 乡镇政府
        score = sum(weight for term, weight in terms.items() if term in said)
        if duty:  # the duty clause answers "who", and little else
            score += 6.0
        if qtype in ("when", "how_long", "how_much", "how_many", "who") and find_phrase(qtype, part):
            score += 3.0
        score = score / (1.0 + len(part) / 400.0) - (0.0 if rank == lead else 1.0)
        out.append(_Sentence(_with_subject(part, parts, position, duty), rank, position, score))
    return out


def _with_subject(part: str, parts: list[str], position: int, duty: bool) -> str:
    """A bare (责任单位:…) clause is quoted after the sentence it belongs to, never alone."""
    if duty and position > 0:
        return parts[position - 1].rstrip() + part
    return part


def _is_heading(part: str, heading: str, position: int, count: int) -> bool:
    """A sentence that only names the topic: the section heading repeated (规范政府门户网站政府信息公开平台建设。),
    or a short comma-less first sentence with more to follow (规范政府信息公开目录系统建设。)."""
    bare = part.rstrip("。；; ")
    if bare and bare == _LIST_NUMBER.sub("", heading).strip():
        return True
    return position == 0 and count > 1 and len(bare) <= 25 and not re.search(r"[，,、：:]", bare)


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


def source_label(chunk: Chunk) -> str:
    """《title》section; an ingested document whose title does not say its year gets it: （2021年）."""
    title, section, year = chunk.title, chunk.section, chunk.metadata.get("year", "")
    dated = f"《{title}》（{year}年）" if year and year not in title else f"《{title}》"
    return dated + section


def _label(hit: Hit) -> str:
    return source_label(hit.chunk)


def _citation(hit: Hit) -> str:
    return f"〔{_label(hit)}〕"


def _source(hit: Hit) -> Source:
    return Source(title=hit.chunk.title, section=hit.chunk.section, text=hit.chunk.text, score=round(hit.score, 4))


