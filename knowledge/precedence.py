"""Which documents may answer a question, and in what order: scope and precedence over document records.

Pure over the document catalogue and the question's text:

- a withdrawn (or removed) document never answers; a superseded one only when the question names its
  year ("2020年的方案里……");
- the current county plan and the 条例 outrank a township's or a department's own rule (kind
  ``local_rule``, or its own 工作方案) unless the question names that township or unit ("茈碧湖镇的公开栏……");
- a question that names a year of the county's plans (and 要点) is answered from that year's only; without
  a year, the newest current one leads;
- a document the office ingested that the question is about (its issuer named, or any ingested
  document that is not a local rule) may lead when it matches as well as the top clause: it has no
  question-bank entries to credit it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from knowledge.doc_kinds import CURRENT, SUPERSEDED
from knowledge.store import Document

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_LOCAL = "local_rule"
_YEARLY = ("plan", "points")  # a county writes one of these every year
WINDOW = 5  # how deep in the ranking precedence reorders
SAME_TOPIC = 0.6  # a clause with this share of a local rule's keyword score covers the same topic
_GENERIC_ENDINGS = ("人民政府办公室", "人民政府", "街道办事处")


@dataclass(frozen=True)
class Scope:
    """What the question narrows the answer to: the years it names and the bodies it names."""

    text: str
    years: frozenset[int]

    @classmethod
    def of(cls, question: str) -> Scope:
        return cls(text=question, years=frozenset(int(y) for y in _YEAR.findall(question)))


def issuer_names(issuer: str) -> list[str]:
    """The ways a question may name a body: 茈碧湖镇人民政府 → 茈碧湖镇人民政府, 茈碧湖镇, 茈碧湖; 县档案馆 → 档案馆."""
    if not issuer:
        return []
    names = {issuer}
    for ending in _GENERIC_ENDINGS:
        if issuer.endswith(ending) and len(issuer) - len(ending) >= 2:
            names.add(issuer[: -len(ending)])
    for name in list(names):
        if name.startswith("县") and len(name) >= 4:
            names.add(name[1:])
        if name[-1] in "镇乡" and len(name) >= 3:
            names.add(name[:-1])
    return sorted(names, key=len, reverse=True)


def _names_of(issuer: str) -> tuple[str, ...]:
    """The issuer's own names, and the names and aliases the unit registry knows it by (县卫生健康局 → 卫健局)."""
    from knowledge.units import load_units

    names = set(issuer_names(issuer))
    for unit in load_units().find_in_text(issuer)[:1] if issuer else []:
        names |= {unit.name, *unit.aliases, *issuer_names(unit.name)}
    return tuple(sorted((n for n in names if len(n) >= 2), key=len, reverse=True))


class Catalog:
    """The documents an index was built from, by id, with the rules above."""

    def __init__(self, docs: Iterable[Document]) -> None:
        from knowledge.county import load_county
        from knowledge.plans import is_county_plan

        self.docs = {d.doc_id: d for d in docs}
        county = load_county()
        # a township's, a department's or another county's 工作方案 ranks like a local rule, not as this county's plan
        self._local = {d.doc_id for d in self.docs.values() if d.kind == _LOCAL or (
            d.kind in _YEARLY and not d.builtin and not is_county_plan(d.title, county))}
        self._names = {doc_id: _names_of(self.docs[doc_id].issuer) for doc_id in self._local}
        yearly = [d for d in self.docs.values() if d.kind in _YEARLY and d.year is not None and d.doc_id not in self._local]
        newest: dict[str, int] = {}
        for d in yearly:
            if d.status == CURRENT and d.year is not None:
                newest[d.kind] = max(newest.get(d.kind, d.year), d.year)
        self._newest = newest
        self._years = {(d.kind, d.year) for d in yearly}

    def get(self, doc_id: str) -> Document | None:
        return self.docs.get(doc_id)

    def visible(self, doc_id: str, scope: Scope) -> bool:
        """Whether a document may be quoted for this question (unknown: removed since the index was built).
        A question that names the year of one of the county's plans (2020年方案里……) asks about that year's
        plan: the plans of other years do not answer it, current or not."""
        doc = self.docs.get(doc_id)
        if doc is None:
            return False
        if self._other_year(doc, scope):
            return False
        if doc.status == CURRENT:
            return True
        return doc.status == SUPERSEDED and doc.year is not None and doc.year in scope.years

    def _asked_years(self, doc: Document, scope: Scope) -> set[int]:
        """The years the question names for which the catalogue holds a county document of this one's kind."""
        if doc.kind not in _YEARLY or doc.year is None or doc.doc_id in self._local:
            return set()
        return {y for y in scope.years if (doc.kind, y) in self._years}

    def _other_year(self, doc: Document, scope: Scope) -> bool:
        asked = self._asked_years(doc, scope)
        return bool(asked) and doc.year not in asked

    def outranked(self, doc_id: str, scope: Scope) -> bool:
        """A local rule the question does not name, or a plan of another year than the one asked about
        (the newest current one when no year is named): other clauses come before it."""
        doc = self.docs.get(doc_id)
        if doc is None:
            return False
        if doc.doc_id in self._local:
            return not any(name in scope.text for name in self._names[doc.doc_id])
        if doc.kind in _YEARLY and doc.year is not None:
            asked = self._asked_years(doc, scope)
            if asked:
                return doc.year not in asked
            return doc.year < self._newest.get(doc.kind, doc.year)
        return False

    def may_lead(self, doc_id: str, scope: Scope) -> bool:
        """An ingested document that may take the lead from a built-in clause it matches as well as."""
        doc = self.docs.get(doc_id)
        return doc is not None and not doc.builtin and doc.kind != "question" and not self.outranked(doc_id, scope)


def demote(positions: list[int], low: set[int], strength: Mapping[int, float], *, window: int = WINDOW,
           ratio: float = SAME_TOPIC) -> list[int]:
    """Move each outranked hit of the top ``window`` behind the last hit there that outranks it and covers
    the same topic (keyword strength at least ``ratio`` of its own); nothing is dropped."""
    out = list(positions)
    for item in [i for i in positions[:window] if i in low]:
        floor = ratio * strength.get(item, 0.0)
        above = [n for n, j in enumerate(out[:window]) if j not in low and strength.get(j, 0.0) >= floor]
        at = out.index(item)
        if above and above[-1] > at:
            out.insert(above[-1], out.pop(at))
    return out
