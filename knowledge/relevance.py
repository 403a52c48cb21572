"""The three-way relevance verdict over one search's signals: answer, weak (仅供参考) or refuse.

Pure: signals and thresholds in, a verdict out. The thresholds live in knowledge/sources/retrieval.yaml
and are chosen by cross-validation on the dev sets (``python -m benchmarks.relevance_cv``), not by
the loosest setting that refuses a given list of questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Verdict = Literal["answer", "weak", "refuse"]


@dataclass(frozen=True)
class Signals:
    """What the verdict looks at for one question (also reported by the calibration benchmark).

    coverage: share of the question's content words the corpus mentions (directly or by a synonym);
    focus: the same share within the best single clause; bm25_top / dense_top: the best clause scores;
    anchored: the question holds a core word of the domain (anchors.txt); bank_overlap: token F1 with the
    closest question-bank question; bank_dense: cosine similarity with the closest bank question;
    key_coverage: for a question holding a word the sources never mention, the IDF-weighted share of its
    content words the best clauses mention (1.0 when every word occurs somewhere).
    """

    coverage: float
    focus: float
    bm25_top: float
    dense_top: float
    foreign_place: str | None
    anchored: bool
    bank_overlap: float = 0.0
    bank_dense: float = 0.0
    key_coverage: float = 1.0


@dataclass(frozen=True)
class Thresholds:
    min_coverage: float
    min_bm25: float
    min_dense: float
    focus_without_anchor: float
    bm25_without_anchor: float
    dense_without_anchor: float
    bank_answer: float
    bank_credit: float
    bank_dense_answer: float
    weak_bm25: float
    weak_dense: float
    min_key_coverage: float = 0.0


def judge(s: Signals, t: Thresholds, *, dense_only: bool = False) -> Verdict:
    """answer: a clause (or a bank question) matches closely; weak: something related, quoted 仅供参考; refuse."""
    if s.key_coverage < t.min_key_coverage:  # what is asked is nowhere in the best clauses: a near miss
        return "refuse"
    bank_close = s.bank_overlap >= t.bank_answer or (s.bank_dense > 0 and s.bank_dense >= t.bank_dense_answer)
    if bank_close and s.coverage >= t.min_coverage:
        return "answer"
    strength, floor, strict, weak = (
        (s.dense_top, t.min_dense, t.dense_without_anchor, t.weak_dense) if dense_only
        else (s.bm25_top, t.min_bm25, t.bm25_without_anchor, t.weak_bm25)
    )
    if s.coverage < t.min_coverage:
        return "refuse"
    if strength >= floor and (s.anchored or (s.focus >= t.focus_without_anchor and strength >= strict)):
        return "answer"
    if strength >= weak and s.anchored:
        return "weak"
    return "refuse"
