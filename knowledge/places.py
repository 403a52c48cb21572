"""Other jurisdictions named in a question: 某某市, 剑川县, 浙江省 … (not this county, not the national level).

Pure over data: this county's names (county.yaml of the county data set), its towns (the unit registry)
and the endings that make a word a place name. jieba words are read left to right; an ending glued to
a word (浙江省) or standing after one or two single characters jieba could not join (剑/川/县) makes a
place name, unless what precedes it is a pronoun or quantifier (我们县, 全县, 外县).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from knowledge.county import county_cache, load_county
from knowledge.tokenizer import Tokenizer, stopwords
from knowledge.yaml_data import safe_load


@dataclass(frozen=True)
class Jurisdiction:
    county: str
    own: frozenset[str]  # this county, its aliases and its towns (names and aliases)
    national: tuple[str, ...]
    suffixes: tuple[str, ...]
    not_names: frozenset[str]
    not_name_endings: frozenset[str] = frozenset()


@county_cache
def load_jurisdiction(extra_own: tuple[str, ...] = ()) -> Jurisdiction:
    text = resources.files("knowledge").joinpath("sources", "jurisdiction.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = safe_load(text)
    county = load_county()
    own = {county.name, *county.aliases, *extra_own}
    return Jurisdiction(
        county=county.name,
        own=frozenset(str(x) for x in own),
        national=tuple(str(x) for x in data.get("national", [])),
        suffixes=tuple(sorted((str(x) for x in data["suffixes"]), key=len, reverse=True)),
        not_names=frozenset(str(x) for x in data.get("not_names", [])),
        not_name_endings=frozenset(str(x) for x in data.get("not_name_endings", [])),
    )


def _suffix(word: str, suffixes: Iterable[str]) -> str | None:
    return next((s for s in suffixes if word.endswith(s)), None)


def _is_own(name: str, j: Jurisdiction) -> bool:
    stem = name[: -len(_suffix(name, j.suffixes) or "")] or name
    return name in j.own or stem in j.own or any(name.startswith(o) and len(o) >= 2 for o in j.own)


def foreign_places(text: str, tokenizer: Tokenizer, j: Jurisdiction) -> list[str]:
    """Place names in the text that are not this county (or its towns) and not the national level."""
    tokenizer.warm()
    words = [w for w in tokenizer._jieba.lcut(text, HMM=False) if w.strip()]
    stop = stopwords()
    found: list[str] = []
    for n, word in enumerate(words):
        end = _suffix(word, j.suffixes)
        lead = next((s for s in j.suffixes if len(s) == 1 and word.startswith(s) and len(word) > 1), None)
        if end is not None and len(word) > len(end):  # 浙江省, 北京市: the ending is part of the word
            stem = word[: -len(end)]
        elif end is not None or lead is not None:  # 剑/川/县, 昆明/市, 鹤/庆/县政府办: the stem comes before
            end = end or lead or ""
            stem = _stem_before(words, n, stop)
        else:
            continue
        if len(stem) < 2 or stem in j.not_names or stem[0] in j.not_names and len(stem) == 2 \
                or stem[-1] in j.not_name_endings:
            continue
        name = stem + end
        if not _is_own(name, j) and not any(name.startswith(x) for x in j.national):
            found.append(name)
    return list(dict.fromkeys(found))


def _stem_before(words: list[str], n: int, stop: frozenset[str]) -> str:
    """The name a bare ending belongs to: the word before it, or up to three single characters before it."""
    if n == 0:
        return ""
    previous = words[n - 1]
    if len(previous) >= 2:
        return "" if previous in stop else previous
    chars = []
    for word in reversed(words[max(0, n - 3) : n]):
        if len(word) != 1 or word in stop or not "\u4e00" <= word <= "\u9fff":
            break
        chars.append(word)
    return "".join(reversed(chars))
