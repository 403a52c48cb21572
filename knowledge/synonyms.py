"""Domain synonyms for query expansion, loaded from knowledge/sources/synonyms.yaml."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Any

from knowledge.errors import ConfigError
from knowledge.yaml_data import safe_load


@dataclass(frozen=True)
class Synonyms:
    """``mapping`` sends a term to the extra terms a query containing it should also search for; ``everyday``
    holds the rules for staff's everyday words (回话 → 答复), which also stand for the rule's word when the
    relevance check asks whether a question holds a core word of the domain."""

    mapping: dict[str, tuple[str, ...]]
    everyday: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def terms(self) -> list[str]:
        """Every term that triggers an expansion or is added by one (for the tokenizer dictionary)."""
        return list(self._terms)

    @cached_property
    def _terms(self) -> tuple[str, ...]:
        # built once: every expansion of a question string asks for it (~20 times a question, 0.6 ms each)
        return tuple(dict.fromkeys([*self.mapping, *(t for ts in self.mapping.values() for t in ts)]))

    def expand(self, tokens_or_query: str | Iterable[str]) -> list[str]:
        """Extra terms for a query string (terms found as substrings) or a token list (exact tokens).

        Terms already present in the query are not returned; order is stable.
        """
        if isinstance(tokens_or_query, str):
            text = tokens_or_query
            present = [t for t in self.mapping if t in text]
            seen = {t for t in self._terms if t in text}
        else:
            tokens = list(tokens_or_query)
            present = [t for t in tokens if t in self.mapping]
            seen = set(tokens)
        extra = (t for term in present for t in self.mapping[term] if t not in seen)
        return list(dict.fromkeys(extra))

    def rule_words(self, query: str) -> list[str]:
        """The rules' words for the everyday words in the query (申了 → 申请), in order."""
        return list(dict.fromkeys(t for word, ts in self.everyday.items() if word in query for t in ts))


def synonyms_from_data(data: Any) -> Synonyms:
    """Build the mapping from the parsed synonyms.yaml (two-way ``groups``, ``one_way`` and ``everyday`` rules)."""
    mapping: dict[str, list[str]] = {}
    everyday: dict[str, list[str]] = {}

    def add(source: str, targets: Iterable[str], into: dict[str, list[str]] = mapping) -> None:
        bucket = into.setdefault(source, [])
        bucket.extend(t for t in targets if t != source and t not in bucket)

    try:
        for group in data.get("groups") or ():
            for term in group:
                add(str(term), (str(t) for t in group))
        for rule in data.get("one_way") or ():
            for term in rule["from"]:
                add(str(term), (str(t) for t in rule["to"]))
        for rule in data.get("everyday") or ():
            for term in rule["from"]:
                add(str(term), [str(t) for t in rule["to"]])
                add(str(term), [str(t) for t in rule["to"]], everyday)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ConfigError("同义词文件格式有误。", detail=f"synonyms.yaml: {exc!r}") from exc
    return Synonyms({k: tuple(v) for k, v in mapping.items()}, {k: tuple(v) for k, v in everyday.items()})


@cache
def load_synonyms() -> Synonyms:
    """The packaged synonym table, loaded once per process."""
    text = resources.files("knowledge").joinpath("sources", "synonyms.yaml").read_text(encoding="utf-8")
    return synonyms_from_data(safe_load(text))


def expand(tokens_or_query: str | Iterable[str]) -> list[str]:
    """Extra search terms for a query string or token list, from the packaged table."""
    return load_synonyms().expand(tokens_or_query)


def rule_words(query: str) -> list[str]:
    """The rules' words for the everyday words in a query, from the packaged table."""
    return load_synonyms().rule_words(query)
