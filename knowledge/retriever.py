"""Hybrid retrieval: clauses by BM25 and dense vectors, plus question-bank matches, fused by reciprocal rank.

``HybridRetriever.retrieve(query, k) -> Retrieval`` is what the engine calls: the hits, the relevance
signals and the three-way verdict of ``knowledge.relevance`` (answer / weak / refuse). A question-bank
match (question to question) credits the clause its entry rests on and rides on the hit
(``Hit.question``), so the answer can lead with the entry's direct answer. ``search`` keeps the old
contract (no hits when refused); ``as_langchain()`` wraps it as a LangChain ``BaseRetriever``.
"""

from __future__ import annotations

import logging
import math
import operator
import re
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib import resources
from itertools import repeat
from typing import Any, Literal

import numpy as np

from knowledge.bank import is_question
from knowledge.bm25_index import Bm25Index
from knowledge.give_way import Questions
from knowledge.keyword_index import KeywordIndexer
from knowledge.precedence import WINDOW, Catalog, Scope, demote
from knowledge.relevance import Signals, Thresholds, Verdict, judge
from knowledge.store import Document
from knowledge.tokenizer import Tokenizer, anchors, domain_terms, expand_query
from knowledge.types import Chunk, Hit
from knowledge.vector_mirror import Rows
from knowledge.vector_store import VectorStore
from knowledge.yaml_data import safe_load


@cache
def function_words() -> frozenset[str]:
    """Words that never carry what is asked (knowledge/sources/function_words.txt)."""
    text = resources.files("knowledge").joinpath("sources/function_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


# A numeral or demonstrative with a measure word (一份, 几十, 好几段, 一个月, 那条, 每项) counts things or points
# at them; like a function word it never carries what is asked.
_COUNTED = re.compile(r"^(?:[好整]?[几一二两俩三四五六七八九十百千万半多\d]+|[这那哪每各某该此])"
                      r"[个份段条件次项天日月年周遍些位名家种类回趟页张本句]{0,2}$")


def is_function_word(word: str) -> bool:
    """A word that never carries what is asked: listed in function_words.txt, a number, or a counted amount."""
    return word in function_words() or word.isdigit() or bool(_COUNTED.match(word))


# Parts of speech (jieba's tags) of words that point, count, connect or colour a sentence but name no topic:
# adverbs (慢慢, 赶紧), pronouns, locatives (下面, 周边), numerals and measures, prepositions, conjunctions,
# particles, modal particles, interjections and onomatopoeia (哈哈).
_FUNCTION_TAGS = re.compile(r"^(?:d|r|f|m|mq|q|p|c|u[a-z]?|y|e|o)$")


@cache
def dictionary_tags() -> dict[str, str]:
    """The part of speech jieba's dictionary (knowledge/sources/jieba_dict.txt) gives each word."""
    text = resources.files("knowledge").joinpath("sources/jieba_dict.txt").read_text(encoding="utf-8")
    tags = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            tags[parts[0]] = parts[2]
    return tags


def has_grammatical_tag(word: str) -> bool:
    """jieba's dictionary tags the word as an adverb, pronoun, locative, numeral or another function class."""
    return bool(_FUNCTION_TAGS.match(dictionary_tags().get(word, "")))


_SLICE = 4096  # chunks a building loop handles between chances to give way to questions
_SCAN_ROWS = 2000  # more texts than this hold a term's bigrams: one scan of the joined text is quicker
EVIDENCE_HITS = 3  # the best clauses a question's key words must be found in (relevance key_coverage)

log = logging.getLogger(__name__)
Mode = Literal["hybrid", "bm25", "dense"]


@dataclass(frozen=True)
class RetrievalConfig:
    rrf_k: int
    candidates: int
    bm25_weight: float
    dense_weight: float
    bank_bm25_weight: float
    bank_dense_weight: float
    relevance: Thresholds
    # embedder name -> dense thresholds on that model's cosine scale (retrieval.yaml dense_scales)
    dense_scales: dict[str, dict[str, float]] = field(default_factory=dict)


@cache
def load_config() -> RetrievalConfig:
    text = resources.files("knowledge").joinpath("sources", "retrieval.yaml").read_text(encoding="utf-8")
    data = safe_load(text)
    return RetrievalConfig(
        rrf_k=int(data["rrf_k"]),
        candidates=int(data["candidates"]),
        bm25_weight=float(data["bm25_weight"]),
        dense_weight=float(data["dense_weight"]),
        bank_bm25_weight=float(data["bank_bm25_weight"]),
        bank_dense_weight=float(data["bank_dense_weight"]),
        relevance=Thresholds(**{k: float(v) for k, v in data["relevance"].items()}),
        dense_scales={str(name): {k: float(v) for k, v in values.items()}
                      for name, values in (data.get("dense_scales") or {}).items()},
    )


def for_embedder(cfg: RetrievalConfig, name: str) -> RetrievalConfig:
    """The config with the dense thresholds of embedder ``name`` (its cosines live on another scale)."""
    override = cfg.dense_scales.get(name)
    return replace(cfg, relevance=replace(cfg.relevance, **override)) if override else cfg


@dataclass(frozen=True)
class Retrieval:
    """One search: the fused hits (best first), the relevance signals and the three-way verdict."""

    hits: list[Hit]
    signals: Signals
    verdict: Verdict


class HybridRetriever:
    """Search over a fixed list of chunks (clauses and question-bank questions). Built by ``open_retriever``."""

    def __init__(
        self,
        chunks: Sequence[Chunk],
        tokenizer: Tokenizer,
        *,
        vectors: VectorStore | None = None,
        mode: Mode = "hybrid",
        config: RetrievalConfig | None = None,
        known_places: frozenset[str] = frozenset(),
        indexer: KeywordIndexer | None = None,
        generation: str | None = None,
        index_texts: IndexTexts | None = None,
        questions: Questions | None = None,
    ) -> None:
        # a rebuild on a background thread gives way to the questions the serving index answers meanwhile
        self._answering = questions
        pause = questions.give_way if questions is not None else _no_pause
        self.chunks = [c for c in chunks if not is_question(c)]
        self.questions = [c for c in chunks if is_question(c)]
        pause()
        self.tokenizer = tokenizer
        self.vectors = vectors
        self.mode: Mode = mode if vectors is not None else "bm25"
        self.config = for_embedder(config or load_config(), vectors.name if vectors is not None else "")
        texts, self._texts = (index_texts or IndexTexts()).of(self.chunks, pause)
        pause()
        self._df_texts = [*self._texts, *(q.text.lower() for q in self.questions)]
        self._n_texts = len(self._df_texts)
        # all texts in one string, clauses first: the clauses alone are its first _clause_end characters
        self._all_text = "\n".join(self._df_texts)
        self._clause_end = sum(map(len, self._texts)) + max(0, len(self._texts) - 1)
        pause()
        self._codes, self._starts = _code_units(self._all_text, self._df_texts)
        self._df_cache: dict[str, int] = {}  # word -> texts mentioning it or a synonym
        self._group_df: dict[frozenset[str], int] = {}  # the same, by the word's terms (synonyms share a count)
        self._vocab: list[str] | None = None
        self.known_places = known_places
        # with a persistent indexer, only chunks it has not seen before are tokenised
        self.bm25, self.bank_bm25 = keyword_indexes(indexer or KeywordIndexer(tokenizer), self.chunks, self.questions,
                                                    texts=texts, generation=generation, give_way=pause)
        self._question_tokens = self.bank_bm25.row_terms()
        pause()
        self._by_id = {c.id: i for i, c in enumerate(self.chunks)}
        self._question_by_id = {c.id: i for i, c in enumerate(self.questions)}
        self._question_ids = [c.id for c in self.questions]
        pause()
        self._clause_docs, self._question_docs = _positions_by_doc(self.chunks), _positions_by_doc(self.questions)
        self._visible_cache: dict[tuple[Catalog, bool, frozenset[int]], range | _Visible] = {}
        self._dense_map: tuple[Rows, np.ndarray, np.ndarray] | None = None
        self._rows: Rows | None = None  # the vectors this index searches, taken on first use and kept
        self.generation = generation  # the chunk store's generation this index was built from
        self.catalog: Catalog | None = None  # None: every chunk may answer (an index built without records)

    def set_documents(self, documents: Sequence[Document]) -> None:
        """The document records as they are now: a removed, withdrawn or superseded document stops answering
        at once, before (or without) rebuilding the index."""
        self.catalog = Catalog(documents)

    def doc_ids(self) -> frozenset[str]:
        return frozenset(c.doc_id for c in (*self.chunks, *self.questions))

    def search(self, query: str, k: int) -> list[Hit]:
        """The k best chunks for the question, or [] when the corpus does not cover it."""
        found = self.retrieve(query, k)
        return [] if found.verdict == "refuse" else found.hits

    def retrieve(self, query: str, k: int) -> Retrieval:
        """The k best clauses, the signals and the verdict (answer / weak / refuse)."""
        with self._answering.answering() if self._answering is not None else nullcontext():
            return self._retrieve(query, k)

    def _retrieve(self, query: str, k: int) -> Retrieval:
        if not query.strip() or not self.chunks:
            empty = Signals(0.0, 0.0, 0.0, 0.0, None, False)
            return Retrieval([], empty, "refuse")
        query = self.correct(query)
        scope = Scope.of(query)
        ranked = self._rank(query, scope)
        hits = self._fuse(ranked, scope)[:k]
        signals = self._signals(query, ranked, hits)
        verdict = judge(signals, self.config.relevance, dense_only=self.mode == "dense")
        if verdict == "refuse":
            log.info("no relevant chunk: coverage=%.2f bm25=%.2f bank=%.2f key=%.2f", signals.coverage,
                     signals.bm25_top, signals.bank_overlap, signals.key_coverage)
        return Retrieval(hits, signals, verdict)

    def correct(self, query: str) -> str:
        """The query with one-character typos of domain words fixed (年保 → 年报; knowledge/typos.py)."""
        from knowledge.typos import correct

        self.tokenizer.warm()
        pieces = self.tokenizer._jieba.lcut(query, HMM=False)
        if not any(len(p) == 1 for p in pieces):
            return query
        fixed = correct(pieces, self._vocabulary(), lambda w: self._in_corpus(w, bank=True))
        if fixed != query:
            log.info("typo corrected chars=%d", len(query))
        return fixed

    def _vocabulary(self) -> list[str]:
        """Domain words (anchors, domain terms, synonyms) of 2-3 characters that some source mentions."""
        if self._vocab is None:
            from knowledge.synonyms import load_synonyms

            words = dict.fromkeys([*anchors(), *domain_terms(), *load_synonyms().terms()])
            self._vocab = [w for w in words if 2 <= len(w) <= 3 and self._in_corpus(w, bank=True)]
        return self._vocab

    def signals(self, query: str) -> Signals:
        with self._answering.answering() if self._answering is not None else nullcontext():
            return self._signals_of(query)

    def _signals_of(self, query: str) -> Signals:
        query = self.correct(query)
        scope = Scope.of(query)
        ranked = self._rank(query, scope)
        return self._signals(query, ranked, self._fuse(ranked, scope)[:EVIDENCE_HITS])

    def _rank(self, query: str, scope: Scope) -> _Ranked:
        n = self.config.candidates
        out = _Ranked(asked=set(self.tokenizer.tokens(query)))
        tokens = self.tokenizer.tokens(expand_query(query))
        shown, shown_q = self._visible(self.chunks, scope), self._visible(self.questions, scope)
        out.shown = shown
        if self.mode in ("hybrid", "bm25"):
            out.bm25 = [x for x in self.bm25.top(tokens, n + len(self.chunks) - len(shown)) if x[0] in shown][:n]
            out.bank_bm25 = [x for x in self.bank_bm25.top(tokens, n + len(self.questions) - len(shown_q))
                             if x[0] in shown_q][:n]
        if self.mode in ("hybrid", "dense") and self.vectors is not None and query.strip():
            # one embedding, one pass over the vectors, two selections by mask: the nearest visible clauses and
            # the nearest visible bank questions (short questions sit closer to a question than any clause
            # does, so they get their own list)
            rows = self._vector_rows()
            sims = rows.similarities(self.vectors.embedder.embed_query(query))
            clause_at, question_at = self._dense_positions(rows)
            for at, seen, target in ((clause_at, shown, "dense"), (question_at, shown_q, "bank_dense")):
                allowed = at >= 0
                mask = _mask(seen)
                if mask is not None:
                    allowed &= mask[np.maximum(at, 0)]
                setattr(out, target, [(int(at[r]), float(sims[r])) for r in rows.best(sims, n, allowed).tolist()])
        return out

    def _vector_rows(self) -> Rows:
        """The vectors as they were when this index first searched them: a rebuild replaces the store's copy
        before its new index is swapped in, and this one's chunk positions are those of the copy it has."""
        assert self.vectors is not None
        if self._rows is None:
            self._rows = self.vectors.rows()
        return self._rows

    def inherit_counts(self, previous: HybridRetriever, added: Sequence[Chunk], removed: Sequence[Chunk]) -> None:
        """Start from the previous index's document frequencies, moved by the chunks that came and went: after a
        swap every question would otherwise count its words again over all texts (at 31k chunks 10-30 ms a
        common word, and all of them cold at once). Only the changed chunks' texts are read, and a word's
        terms are looked for in each of them only when one occurs in their joined text."""
        gone = [t for t in (previous._lowered(c) for c in removed) if t is not None]
        came = [t for t in (self._lowered(c) for c in added) if t is not None]
        gone_all, came_all = "\n".join(gone), "\n".join(came)
        pause = self._answering.give_way if self._answering is not None else _no_pause
        groups: dict[frozenset[str], int] = {}
        counts = {}
        for n, (word, count) in enumerate(list(previous._df_cache.items())):  # questions may add words meanwhile
            if n % 512 == 511:
                pause()
            terms = _terms(word)
            if terms not in groups:
                groups[terms] = count - _texts_holding(terms, gone, gone_all) + _texts_holding(terms, came, came_all)
            counts[word] = groups[terms]
        self._df_cache, self._group_df = counts, groups

    def _lowered(self, chunk: Chunk) -> str | None:
        """The chunk's text as ``_df`` searches it, if this index holds the chunk."""
        if is_question(chunk):
            at = self._question_by_id.get(chunk.id)
            return None if at is None else self._df_texts[len(self.chunks) + at]
        at = self._by_id.get(chunk.id)
        return None if at is None else self._texts[at]

    def warm(self) -> None:
        """Work the first question would do, done now (on the building thread): the typo vocabulary and where
        each vector row sits among the clauses and bank questions."""
        self._vocabulary()
        if self._answering is not None:
            self._answering.give_way()
        if self.vectors is not None and self.mode != "bm25":
            self._dense_positions(self._vector_rows())

    def _dense_positions(self, rows: Rows) -> tuple[np.ndarray, np.ndarray]:
        """For each row of the vector copy, its clause position and its bank question position (-1: not one)."""
        cached = self._dense_map
        if cached is not None and cached[0] is rows:
            return cached[1], cached[2]
        ids = rows.chunk_ids
        clause_at = np.fromiter((self._by_id.get(c, -1) for c in ids), dtype=np.int64, count=len(ids))
        question_at = np.fromiter((self._question_by_id.get(c, -1) for c in ids), dtype=np.int64, count=len(ids))
        self._dense_map = (rows, clause_at, question_at)
        return clause_at, question_at

    def _visible(self, chunks: Sequence[Chunk], scope: Scope) -> range | _Visible:
        """Positions of the chunks this question may see (removed, withdrawn and superseded documents hidden)."""
        catalog = self.catalog
        if catalog is None:
            return range(len(chunks))
        clauses = chunks is self.chunks
        key = (catalog, clauses, scope.years)  # visibility depends on the records and the years asked only
        if key not in self._visible_cache:
            by_doc = self._clause_docs if clauses else self._question_docs
            hidden = [positions for doc_id, positions in by_doc.items() if not catalog.visible(doc_id, scope)]
            self._visible_cache = {k: v for k, v in self._visible_cache.items() if k[0] is catalog
                                   and len(self._visible_cache) < 64}
            self._visible_cache[key] = (range(len(chunks)) if not hidden else
                                        _Visible(len(chunks), frozenset(i for p in hidden for i in p)))
        return self._visible_cache[key]

    def _signals(self, query: str, ranked: _Ranked, hits: Sequence[Hit]) -> Signals:
        words = self.tokenizer.content_words(query)
        # 一个月, 几十 say how much, not what; 慢慢, 下面 colour the sentence: neither counts against the match
        asked = [w for w in words if not self._no_topic(w)] or words
        coverage = sum(self._in_corpus(w) for w in asked) / len(asked) if asked else 0.0
        top = [i for i, _ in ranked.bm25[:3]] + [i for i, _ in ranked.dense[:3]]
        top_texts = [self._texts[i] for i in top]
        focus = max((sum(self._covered(w, t) for w in asked) / len(asked) for t in top_texts), default=0.0) if asked else 0.0
        return Signals(
            coverage=coverage,
            focus=focus,
            bm25_top=ranked.bm25[0][1] if ranked.bm25 else 0.0,
            dense_top=ranked.dense[0][1] if ranked.dense else 0.0,
            foreign_place=None,
            anchored=self._anchored(query),
            bank_overlap=self._bank_overlap(query, ranked),
            bank_dense=ranked.bank_dense[0][1] if ranked.bank_dense else 0.0,
            key_coverage=self._key_coverage(words, hits[:EVIDENCE_HITS]),
        )

    @staticmethod
    def _anchored(query: str) -> bool:
        """The question holds a core word of the domain, itself or as the rule's word for an everyday one
        (申了 → 申请, 回话 → 答复: synonyms.yaml ``everyday``)."""
        from knowledge.synonyms import rule_words

        core = (*anchors(), *domain_terms())
        return any(a in text for text in (query, *rule_words(query)) for a in core)

    def _no_topic(self, word: str) -> bool:
        """The word names no topic: a function word, or one the general dictionary tags as grammatical (an
        adverb, pronoun, locative, numeral …: 慢慢, 下面, 好久) that no clause or bank question uses. Staff
        wording brings such words in (叫他补正他一直不理, 文件发出去以后再慢慢补); they are not what is asked,
        so a source that lacks them has not missed the question. A grammatical word the sources do use stays:
        以内, 之前 and 以上 are how a rule states its limits."""
        return is_function_word(word) or (has_grammatical_tag(word) and not self._in_corpus(word, bank=True))

    def _key_coverage(self, words: list[str], hits: Sequence[Hit]) -> float:
        """For a question holding a word the sources never mention: the IDF-weighted share of its content words
        that the best clauses (with the bank question that credited them) mention; 1.0 otherwise.

        "政府信息公开申请可以用英文填写吗" shares 政府信息公开/申请 with many clauses, but 英文 is nowhere, and the
        rare words carry what is asked: the share is low, so the evidence does not answer it.
        """
        unique = [w for w in dict.fromkeys(words) if not self._no_topic(w)]
        if not unique or all(self._in_corpus(w, bank=True) for w in unique):
            return 1.0
        evidence = [self._texts[self._by_id[h.chunk.id]] + ("\n" + h.question.text.lower() if h.question else "")
                    for h in hits if h.chunk.id in self._by_id]
        idf = {w: self.term_idf(w) for w in unique}
        covered = sum(idf[w] for w in unique if any(self._covered(w, t) for t in evidence))
        return covered / sum(idf.values())

    def term_idf(self, term: str) -> float:
        """How rare the term (or a synonym of it) is among the clauses and bank questions: log((N+1)/(1+df))."""
        return math.log((self._n_texts + 1) / (1 + self._df(term.lower())))

    def _df(self, word: str) -> int:
        """How many clauses and bank questions mention the word (or a synonym of it)."""
        count = self._df_cache.get(word)
        if count is None:
            terms = _terms(word)
            count = self._group_df.get(terms)
            if count is None:
                count = self._group_df[terms] = int(self._holding(terms).sum())
            self._df_cache[word] = count
        return count

    def _holding(self, terms: frozenset[str]) -> np.ndarray:
        """Which texts (clauses, then bank questions) contain any of the terms, as a mask. A term that is one
        bigram is held by exactly the texts with that bigram among their tokens (its postings); a longer
        one only by texts having all its bigrams, which are checked one by one when few, else every place
        its first character occurs is extended one character at a time (array work over the joined text: at
        31k chunks scanning 20k texts in Python took 20-70 ms a word, and a new question has several)."""
        held = np.zeros(self._n_texts, dtype=bool)
        if "" in terms:
            held[:] = True
            return held
        for term in terms:
            rows = self._rows_with_bigrams(term)
            if self.tokenizer.bigrams(term) == [term]:
                held[rows] = True
                continue
            rows = rows[~held[rows]]
            if len(rows) <= _SCAN_ROWS:
                texts = [self._df_texts[i] for i in rows.tolist()]
                held[rows[np.fromiter(map(operator.contains, texts, repeat(term)), dtype=bool, count=len(texts))]] = True
            else:
                held |= self._occurs(term)
        return held

    def _occurs(self, term: str) -> np.ndarray:
        """The texts containing the term (which holds no newline), by one pass over the joined text's code units."""
        code = np.frombuffer(term.encode("utf-16-le"), dtype=np.uint16)
        held = np.zeros(self._n_texts, dtype=bool)
        if "\n" in term:  # the joined text's separator: read the texts themselves
            held[[i for i, text in enumerate(self._df_texts) if term in text]] = True
            return held
        at = np.flatnonzero(self._codes[: max(0, len(self._codes) - len(code) + 1)] == code[0])
        for k in range(1, len(code)):
            at = at[self._codes[at + k] == code[k]]
        held[np.searchsorted(self._starts, at, side="right") - 1] = True
        return held

    def _bank_overlap(self, query: str, ranked: _Ranked) -> float:
        """How closely the best bank question says what the user said (F1 of shared tokens, 0–1)."""
        asked = set(self.tokenizer.tokens(query))
        if not asked:
            return 0.0
        best = 0.0
        for i in [i for i, _ in ranked.bank_bm25[:5]] + [i for i, _ in ranked.bank_dense[:3]]:
            bank = self._question_tokens[i]
            shared = len(asked & bank)
            if shared:
                best = max(best, 2 * shared / (len(asked) + len(bank)))
        return best

    def _in_corpus(self, word: str, *, bank: bool = False) -> bool:
        """Some clause (or, with ``bank``, bank question) mentions the word or one of its synonyms. A term with
        a bigram that none has is ruled out from the indexes' vocabulary; for the others only the texts having
        all its bigrams are searched (a scan of all texts only when that is most of them)."""
        from knowledge.synonyms import expand

        indexes = (self.bm25, self.bank_bm25) if bank else (self.bm25,)
        return any(all(any(ix.has_term(b) for ix in indexes) for b in self.tokenizer.bigrams(term))
                   and self._mentioned(term, bank=bank) for term in (word, *(t.lower() for t in expand(word))))

    def _mentioned(self, term: str, *, bank: bool) -> bool:
        end = self._n_texts if bank else len(self.chunks)
        if self.tokenizer.bigrams(term):
            rows = self._rows_with_bigrams(term)
            if len(rows) <= _SCAN_ROWS:
                return any(term in self._df_texts[i] for i in rows.tolist() if i < end)
        return self._all_text.find(term, 0, len(self._all_text) if bank else self._clause_end) >= 0

    def _rows_with_bigrams(self, term: str) -> np.ndarray:
        """Positions in ``_df_texts`` (clauses, then bank questions) of the texts that have every bigram of
        the term among their tokens: a superset of those containing it (all of them for a term without)."""
        bigrams = self.tokenizer.bigrams(term)
        if not bigrams:
            return np.arange(self._n_texts)
        clauses = self.bm25.rows_with(bigrams)
        questions = self.bank_bm25.rows_with(bigrams) + len(self.chunks)
        return np.concatenate([clauses, questions])

    @staticmethod
    def _covered(word: str, text: str) -> bool:
        """The text mentions the word or one of its synonyms."""
        if word in text:
            return True
        from knowledge.synonyms import expand

        return any(term.lower() in text for term in expand(word))

    def _fuse(self, ranked: _Ranked, scope: Scope) -> list[Hit]:
        cfg = self.config
        fused: dict[int, float] = {}
        matched: dict[int, tuple[float, Chunk]] = {}  # clause -> its best-credited bank question

        def credit(i: int, rank: int, weight: float) -> float:
            gain = weight / (cfg.rrf_k + rank + 1)
            fused[i] = fused.get(i, 0.0) + gain
            return gain

        for ranked_list, weight in ((ranked.bm25, cfg.bm25_weight), (ranked.dense, cfg.dense_weight)):
            for rank, (i, _score) in enumerate(ranked_list):
                credit(i, rank, weight)
        for ranked_list, weight in ((ranked.bank_bm25, cfg.bank_bm25_weight), (ranked.bank_dense, cfg.bank_dense_weight)):
            for rank, (i, question) in enumerate(self._targets(ranked_list, ranked.asked, ranked.shown)):
                gain = credit(i, rank, weight)
                if gain > matched.get(i, (0.0, question))[0]:
                    matched[i] = (gain, question)
        bm25, dense = dict(ranked.bm25), dict(ranked.dense)
        order = sorted(fused, key=lambda i: (-fused[i], -bm25.get(i, 0.0)))
        order = self._precedence(order, bm25, scope)
        return [
            Hit(chunk=self.chunks[i], score=round(fused[i], 6), bm25_score=bm25.get(i, 0.0),
                dense_score=dense.get(i, 0.0), question=matched[i][1] if i in matched else None)
            for i in order
        ]

    def _precedence(self, order: list[int], bm25: dict[int, float], scope: Scope) -> list[int]:
        """Scope and precedence (knowledge.precedence): outranked clauses (a local rule the question does not
        name, another year's plan) step behind the clauses that outrank them; then an ingested document that
        matches the words as well as any top clause leads, since it has no question-bank entries to credit it."""
        catalog = self.catalog
        if catalog is None:
            return order
        low = {i for i in order[:WINDOW] if catalog.outranked(self.chunks[i].doc_id, scope)}
        order = demote(order, low, bm25) if low else order
        top = order[:3]
        best = max((bm25.get(i, 0.0) for i in top), default=0.0)
        local = next((i for i in top if catalog.may_lead(self.chunks[i].doc_id, scope)
                      and bm25.get(i, 0.0) >= 0.9 * best > 0), None)
        return order if local is None else [local, *(i for i in order if i != local)]

    def _targets(self, ranked: list[tuple[int, float]], asked: set[str],
                 shown: range | _Visible) -> list[tuple[int, Chunk]]:
        """Bank matches as (clause position, question chunk), one per clause, best first. Only a bank
        question that says much of what the user said credits its clause: a loose match would push the
        built-in clauses above an ingested document that has no bank entries."""
        out: list[tuple[int, Chunk]] = []
        seen: set[int] = set()
        floor = self.config.relevance.bank_credit
        for qi, _score in ranked:
            question = self.questions[qi]
            bank = self._question_tokens[qi]
            if not asked or 2 * len(asked & bank) / (len(asked) + len(bank)) < floor:
                continue
            i = self._by_id.get(question.metadata.get("target", ""))
            if i is not None and i not in seen and i in shown:
                seen.add(i)
                out.append((i, question))
        return out

    def as_langchain(self, k: int = 5) -> Any:
        """This retriever as a LangChain ``BaseRetriever`` (imported lazily: LangChain is slow to import)."""
        from knowledge.lc_retriever import GongkaiRetriever

        return GongkaiRetriever(engine=self, k=k)


@dataclass(frozen=True)
class _Visible:
    """All positions but the hidden ones (checked per document, not per chunk, on every question)."""

    size: int
    hidden: frozenset[int]
    mask: np.ndarray = field(init=False, repr=False, compare=False)  # True where visible, for array selections

    def __post_init__(self) -> None:
        mask = np.ones(self.size, dtype=bool)
        mask[np.fromiter(self.hidden, dtype=np.int64, count=len(self.hidden))] = False
        object.__setattr__(self, "mask", mask)

    def __contains__(self, position: object) -> bool:
        return position not in self.hidden

    def __len__(self) -> int:
        return self.size - len(self.hidden)


def _no_pause() -> None:
    return None


@lru_cache(maxsize=1 << 16)
def _terms(word: str) -> frozenset[str]:
    """The word and its synonyms, lowered: what a document frequency counts."""
    from knowledge.synonyms import expand

    return frozenset({word, *(term.lower() for term in expand(word))})


def _texts_holding(terms: frozenset[str], texts: Sequence[str], joined: str) -> int:
    """How many of the texts contain one of the terms (``joined``: the texts joined by newlines)."""
    if not any(t in joined for t in terms):
        return 0
    return sum(any(t in text for t in terms) for text in texts)


def _code_units(joined: str, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The joined texts as UTF-16 code units, and where each text starts among them."""
    codes = np.frombuffer(joined.encode("utf-16-le"), dtype=np.uint16)
    if len(codes) == len(joined):
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    else:  # a character beyond the BMP takes two code units
        lengths = np.fromiter((len(t.encode("utf-16-le")) // 2 for t in texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.int64)
    if len(texts) > 1:
        np.cumsum(lengths[:-1] + 1, out=starts[1:])
    return codes, starts


def _mask(shown: range | _Visible) -> np.ndarray | None:
    return shown.mask if isinstance(shown, _Visible) else None


def _positions_by_doc(chunks: Sequence[Chunk]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, c in enumerate(chunks):
        out.setdefault(c.doc_id, []).append(i)
    return out


@dataclass
class _Ranked:
    """(position, score) lists, best first: clauses by BM25 and dense, bank questions by BM25 and dense."""

    bm25: list[tuple[int, float]] = field(default_factory=list)
    dense: list[tuple[int, float]] = field(default_factory=list)
    bank_bm25: list[tuple[int, float]] = field(default_factory=list)
    bank_dense: list[tuple[int, float]] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)  # the query's tokens
    shown: range | _Visible = range(0)  # positions of the clauses this question may see


def keyword_indexes(indexer: KeywordIndexer, clauses: Sequence[Chunk], questions: Sequence[Chunk], *,
                    texts: Sequence[str] | None = None, generation: str | None = None,
                    give_way: Callable[[], None] | None = None) -> tuple[Bm25Index, Bm25Index]:
    """The BM25 indexes of the clauses (over ``_index_text``, or ``texts`` when computed already) and of the
    question bank's questions; the indexer tokenises only the chunks it has not seen."""
    texts = [_index_text(c) for c in clauses] if texts is None else texts
    return (indexer.index("clauses", clauses, texts, generation=generation, give_way=give_way),
            indexer.index("bank", questions, [q.text for q in questions], generation=generation, give_way=give_way))


class IndexTexts:
    """What BM25 and the relevance checks read of each chunk, kept between the builds of one process: a chunk
    carried over from the previous build (the same object) is not joined and lowered again (at 31k chunks
    that took 0.4 s of the rebuild, holding the GIL while questions waited)."""

    def __init__(self) -> None:
        self._by_id: dict[str, tuple[Chunk, str, str]] = {}

    def of(self, chunks: Sequence[Chunk], pause: Callable[[], None] = lambda: None) -> tuple[list[str], list[str]]:
        """(index texts, lowered) of these chunks, in order; only these are remembered for the next build."""
        known, fresh = self._by_id, {}
        texts, lowered = [], []
        for n, chunk in enumerate(chunks):
            if n % _SLICE == _SLICE - 1:
                pause()
            hit = known.get(chunk.id)
            if hit is None or hit[0] is not chunk:
                text = _index_text(chunk)
                hit = (chunk, text, text.lower())
            fresh[chunk.id] = hit
            texts.append(hit[1])
            lowered.append(hit[2])
        self._by_id = fresh
        return texts, lowered


def _index_text(chunk: Chunk) -> str:
    """What BM25 sees: the headings and keywords give a short paragraph its topic words."""
    heading = chunk.metadata.get("heading") or ""
    extra = [chunk.metadata.get(k) or "" for k in ("topic", "keywords")]
    return "\n".join(x for x in (chunk.title, heading, chunk.text, *extra) if x)
