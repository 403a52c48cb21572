"""The statistical layer of the 公开属性 suggestion: character-bigram TF-IDF nearest neighbours.

Trained on tools/data/attribute_examples.yaml (labelled example drafts, disjoint from the eval set).
It only runs when no explicit rule decided, and it says so in its reason: it is a similarity
judgement, not a legal rule. Pure numpy; the index is built on first use and cached.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import yaml

K = 5
_KEEP = re.compile(r"[\u4e00-\u9fff]+")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Neighbour:
    label: str
    title: str
    similarity: float


@dataclass(frozen=True)
class Vote:
    label: str
    confidence: float
    neighbours: tuple[Neighbour, ...]
    share: float = 0.0  # the winning label's share of the neighbours' similarity
    best_similarity: float = 0.0
    runner_up: str = ""


@dataclass(frozen=True)
class _Index:
    vocab: dict[str, int]
    idf: np.ndarray
    matrix: np.ndarray  # one L2-normalised row per example
    labels: tuple[str, ...]
    titles: tuple[str, ...]


def _grams(text: str) -> Counter[str]:
    """Character unigrams and bigrams of the Chinese runs (digits and punctuation carry no genre)."""
    grams: Counter[str] = Counter()
    for run in _KEEP.findall(_DIGITS.sub(" ", text)):
        grams.update(run)
        grams.update(run[i: i + 2] for i in range(len(run) - 1))
    return grams


def _vector(grams: Counter[str], vocab: dict[str, int], idf: np.ndarray) -> np.ndarray:
    vec = np.zeros(len(vocab))
    for gram, count in grams.items():
        col = vocab.get(gram)
        if col is not None:
            vec[col] = (1 + math.log(count)) * idf[col]
    norm = np.linalg.norm(vec)
    return vec / norm if norm else vec


def _weighted(title: str, text: str) -> Counter[str]:
    grams = _grams(text)
    grams.update({g: 3 * c for g, c in _grams(title).items()})  # the title names the genre: weigh it
    return grams


@cache
def examples() -> tuple[tuple[str, str, str], ...]:
    """(label, title, text) of every training example."""
    raw = yaml.safe_load(resources.files("tools").joinpath("data/attribute_examples.yaml").read_text("utf-8"))
    return tuple((e["label"], e.get("title", ""), e["text"]) for e in raw["examples"])


@cache
def _index() -> _Index:
    data = examples()
    docs = [_weighted(title, text) for _, title, text in data]
    df: Counter[str] = Counter()
    for grams in docs:
        df.update(grams.keys())
    vocab = {g: i for i, g in enumerate(sorted(df))}
    n = len(docs)
    idf = np.array([math.log((1 + n) / (1 + df[g])) + 1 for g in sorted(df)])
    matrix = np.vstack([_vector(g, vocab, idf) for g in docs])
    return _Index(vocab, idf, matrix, tuple(d[0] for d in data), tuple(d[1] for d in data))


def vote(title: str, text: str, allowed: tuple[str, ...]) -> Vote:
    """The label (among ``allowed``) of the K most similar examples with such a label, weighted by cosine.

    Examples with a label outside ``allowed`` are not neighbours at all: a rule has excluded them.
    """
    index = _index()
    query = _vector(_weighted(title, text), index.vocab, index.idf)
    sims = index.matrix @ query
    order = [int(i) for i in np.argsort(-sims) if index.labels[int(i)] in allowed][:K]
    scores: dict[str, float] = {}
    for i in order:
        scores[index.labels[i]] = scores.get(index.labels[i], 0.0) + float(max(sims[i], 0.0))
    total = sum(scores.values())
    fallback = "此件依申请公开" if "此件依申请公开" in allowed else allowed[-1]
    if total <= 0:
        return Vote(fallback, 0.3, ())
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    label, best = ranked[0]
    neighbours = tuple(Neighbour(index.labels[i], index.titles[i], round(float(sims[i]), 3)) for i in order)
    # a similarity vote is never as sure as a rule: cap it below the rules' confidences
    return Vote(label, round(min(0.75, 0.35 + 0.4 * best / total), 2), neighbours, round(best / total, 3),
                round(float(sims[order[0]]), 3), ranked[1][0] if len(ranked) > 1 else "")
