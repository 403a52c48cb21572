"""Hold a generated answer to the clauses it was given: citations must name them, quotes must be verbatim.

Pure: the answer text and the given clauses in, a ``Grounding`` out. LLM mode (assistant/llm.py) sends
the model's answer only when it is grounded; otherwise the extractive answer goes out instead.

- A citation is the text inside 〔…〕: one or more ``《title》section`` references (a bare section, or a
  bare title, is accepted too). Each must name a given clause: the title equal to (or an abbreviation
  contained in) a given clause's title, and the section the same as, inside, or containing its section.
- A quote is text in “…” or 「…」 of at least ``MIN_QUOTE`` characters (shorter ones are terms, not
  sentences). It is attributed to the next citation on its line (else the previous one); it must appear
  verbatim in one of the clauses that citation names, or, with no citation on its line, in any given
  clause. Verbatim ignores whitespace, full/half-width brackets and colons, and trailing punctuation.
- An answer without any citation is not grounded: there is nothing to hold it to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from knowledge.types import Chunk

MIN_QUOTE = 6
Problem = Literal["no_citation", "invented_citation", "misquote"]

_CITATION = re.compile(r"〔([^〔〕]*)〕")
_QUOTE = re.compile(r"“([^“”]+)”|「([^「」]+)」")
_REF = re.compile(r"《([^《》]+)》([^《》、，,；;]*)|([^《》、，,；;]+)")
_WIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "；": ";"})
_TRAILING = "。；;，,、！？!? "


@dataclass(frozen=True)
class Grounding:
    """``cited``: indices of the given clauses the answer cites, in order of first citation."""

    problem: Problem | None
    cited: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return self.problem is None


def _flat(text: str) -> str:
    return "".join(text.translate(_WIDTH).split()).strip(_TRAILING)


def _section_nested(cited: str, given: str) -> bool:
    cited, given = _flat(cited), _flat(given)
    return bool(cited and given) and (cited.startswith(given) or given.startswith(cited))


def _refs(citation: str) -> list[tuple[str, str]]:
    """(title, section) pairs of one 〔…〕; either may be empty."""
    out = []
    for m in _REF.finditer(citation):
        title, section, bare = m.group(1), m.group(2), m.group(3)
        if title is not None:
            out.append((_flat(title), _flat(section or "")))
        elif bare and _flat(bare):
            out.append(("", _flat(bare)))
    return out


def _matches(ref: tuple[str, str], clause: Chunk) -> bool:
    title, section = ref
    given_title = _flat(clause.title)
    if title and not (title == given_title or (len(title) >= 2 and title in given_title)):
        return False
    if not section:
        return bool(title)
    return _section_nested(section, clause.section)


def _resolve(citation: str, clauses: Sequence[Chunk]) -> list[int] | None:
    """Indices of the clauses one 〔…〕 names; None when any reference in it names no given clause."""
    refs = _refs(citation)
    if not refs:
        return None
    found: list[int] = []
    for ref in refs:
        named = [i for i, c in enumerate(clauses) if _matches(ref, c)]
        if not named:
            return None
        found += [i for i in named if i not in found]
    return found


def check(text: str, clauses: Sequence[Chunk]) -> Grounding:
    """Whether ``text`` cites only the given clauses and quotes them verbatim."""
    citations = list(_CITATION.finditer(text))
    if not citations:
        return Grounding("no_citation")
    resolved: list[tuple[int, int, int, list[int]]] = []  # (start, end, line, clause indices)
    pinned: dict[int, list[int]] = {}  # id(resolved entry) -> the named clauses its quote is in
    for m in citations:
        named = _resolve(m.group(1), clauses)
        if named is None:
            return Grounding("invented_citation")
        resolved.append((m.start(), m.end(), text.count("\n", 0, m.start()), named))
    for q in _QUOTE.finditer(text):
        quote = _flat(q.group(1) or q.group(2) or "")
        if len(quote) < MIN_QUOTE:
            continue
        line = text.count("\n", 0, q.start())
        after = [r for r in resolved if r[2] == line and r[0] >= q.end()]
        before = [r for r in resolved if r[2] == line and r[1] <= q.start()]
        owner = after[0] if after else before[-1] if before else None
        pool = owner[3] if owner else list(range(len(clauses)))
        holding = [i for i in pool if quote in _flat(clauses[i].text)]
        if not holding:
            return Grounding("misquote")
        if owner is not None:  # several rules share one label (第三十三条): the quote says which one is meant
            pinned.setdefault(id(owner), []).extend(i for i in holding if i not in pinned.get(id(owner), []))
    order: list[int] = []
    for entry in resolved:
        named = pinned.get(id(entry)) or entry[3]
        order += [i for i in named if i not in order]
    return Grounding(None, tuple(order))
