"""Chinese tokenizer for BM25 and the relevance check: jieba words plus character bigrams.

jieba gets the unit names and domain terms (knowledge/sources/domain_terms.txt, units.yaml,
synonyms.yaml) as user words so that 县卫生健康局 or 依申请公开 stay whole. It uses its own
``jieba.Tokenizer`` instance (never the global one, which other code may configure) and is built
lazily, with jieba's start-up chatter on stderr silenced.

The dictionary is knowledge/sources/jieba_dict.txt: the 60,000 most frequent words of jieba 0.42.1's
own dict.txt (sorted by frequency, same format). It loads in ~0.07 s instead of ~0.9 s for the full
349,046 words, which matters for a cold ``gongkai ask``; words it lacks are still matched through the
character bigrams, and the retrieval numbers in the README were measured with it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from knowledge.county import county_cache

log = logging.getLogger(__name__)

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WORDLIKE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_TOKENS_VERSION = "words+bigrams/1"  # bump when tokens() changes what it returns
_QUANTITY = re.compile(r"[哪几多]?[一二三四五六七八九十百两几多\d]+[个项种类次条件天年月]")


def _read_list(name: str) -> list[str]:
    text = resources.files("knowledge").joinpath("sources", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def stopwords() -> frozenset[str]:
    return frozenset(_read_list("stopwords.txt"))


@cache
def anchors() -> tuple[str, ...]:
    """Core domain words (knowledge/sources/anchors.txt) used by the relevance gate."""
    return tuple(_read_list("anchors.txt"))


@cache
def domain_terms() -> tuple[str, ...]:
    """The domain's multi-character terms (knowledge/sources/domain_terms.txt)."""
    return tuple(_read_list("domain_terms.txt"))


def unit_terms() -> list[str]:
    """Unit names and aliases from the unit registry, if it offers them."""
    try:
        from knowledge.units import load_units

        registry: Any = load_units()
        return [str(t) for t in registry.all_terms()]
    except Exception as exc:  # the registry is another module's data: never fatal for search
        log.warning("unit terms unavailable for the tokenizer: %s", type(exc).__name__)
        return []


def _synonym_terms() -> list[str]:
    try:
        from knowledge.synonyms import load_synonyms

        return load_synonyms().terms()
    except Exception as exc:
        log.warning("synonyms unavailable for the tokenizer: %s", type(exc).__name__)
        return []


def import_jieba() -> Any:
    """jieba 0.42 imports pkg_resources (0.2–0.5 s: it scans every installed package) only to open its own
    bundled files, and opens them by path when that import fails; blocked for this one import, cold start
    saves the scan. Nothing changes when either module is already loaded."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


class Tokenizer:
    """Tokens for indexing and querying. Build once; thread-safe for reads after ``warm()``."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._user_words = [w for w in user_words if w and len(w) <= 30]
        self._jieba: Any = None

    def fingerprint(self) -> str:
        """Changes whenever the tokens of a text could: the dictionary, the user words, the stopwords."""
        from importlib.metadata import version

        digest = hashlib.sha256(f"{_TOKENS_VERSION} jieba {version('jieba')}".encode())
        digest.update(resources.files("knowledge").joinpath("sources", "jieba_dict.txt").read_bytes())
        for words in (self._user_words, sorted(stopwords())):
            digest.update("\x00".join(words).encode() + b"\x01")
        return digest.hexdigest()

    def warm(self) -> None:
        if self._jieba is not None:
            return
        jieba = import_jieba()
        jieba.setLogLevel(logging.WARNING)  # "Building prefix dict …" goes to stderr otherwise
        dictionary = resources.files("knowledge").joinpath("sources", "jieba_dict.txt")
        with resources.as_file(dictionary) as path:
            tokenizer = jieba.Tokenizer(str(path))
            tokenizer.initialize()
        for word in self._user_words:
            tokenizer.add_word(word, freq=max(2000, 400 * len(word)))
        self._jieba = tokenizer

    def words(self, text: str) -> list[str]:
        """jieba words, without stopwords and punctuation (used for the relevance check too)."""
        self.warm()
        stop = stopwords()
        out = []
        for word in self._jieba.lcut(text.lower(), HMM=False):
            word = word.strip()
            if word and word not in stop and _WORDLIKE.search(word):
                out.append(word)
        return out

    def content_words(self, text: str) -> list[str]:
        """Words that can carry a topic: two characters or more, or a number; not a bare quantity (六个, 几项)."""
        return [w for w in self.words(text) if (len(w) >= 2 or w.isdigit()) and not _QUANTITY.fullmatch(w)]

    def tokens(self, text: str) -> list[str]:
        """Index/query tokens: jieba words + CJK character bigrams (bigrams catch words jieba splits)."""
        return self.words(text) + self.bigrams(text)

    @staticmethod
    def bigrams(text: str) -> list[str]:
        """The CJK character bigrams of the text that index it (stopwords left out). Any text that contains
        this one has them all among its tokens."""
        stop = stopwords()
        return [run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)
                if run[i : i + 2] not in stop]


@county_cache
def default_tokenizer() -> Tokenizer:
    """The tokenizer with domain terms, unit names and synonyms in its dictionary (built once)."""
    words = _read_list("domain_terms.txt") + unit_terms() + _synonym_terms()
    return Tokenizer(dict.fromkeys(words))


def expand_query(query: str) -> str:
    """The query plus its synonyms (公众号 → 政务新媒体 …)."""
    from knowledge.synonyms import expand

    try:
        extra = expand(query)
    except Exception as exc:  # a broken synonym file must not break search
        log.warning("synonym expansion failed: %s", type(exc).__name__)
        return query
    return " ".join([query, *extra])
