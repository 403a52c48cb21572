"""The plans and units the chunk store holds, re-read whenever the store's generation changes.

A plan ingested, removed or superseded by another process (``gongkai ingest``, ``gongkai docs remove``,
another replica) is seen at the next question, like the retriever's chunks: one cheap read of the
generation per question.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from knowledge.county import load_county
from knowledge.plans import BUILTIN_PLAN_ID, PLAN_KINDS, PlanCatalogue, PlanSource, builtin_source, catalogue
from knowledge.proposals import Decision, Proposal, proposals, registry_with
from knowledge.store import ChunkStore
from knowledge.units import UnitRegistry, load_units


@dataclass(frozen=True)
class Holdings:
    plans: PlanCatalogue
    units: UnitRegistry  # the county's registry plus the units proposed by held plans (not rejected)
    proposals: tuple[Proposal, ...]


def plan_sources(store: ChunkStore) -> list[PlanSource]:
    """The county data set's built-in plan (with the status its record has) and every ingested plan."""
    documents = {d.doc_id: d for d in store.documents()}
    sources = []
    builtin = builtin_source()
    if builtin is not None:
        record = documents.get(BUILTIN_PLAN_ID)
        sources.append(builtin if record is None else PlanSource(
            builtin.doc_id, builtin.title, builtin.year, record.status, builtin.text))
    for doc_id, text in store.plan_texts().items():
        doc = documents.get(doc_id)
        if doc is not None and doc.kind in PLAN_KINDS:
            sources.append(PlanSource(doc_id, doc.title, doc.year, doc.status, text))
    return sources


def read_holdings(store: ChunkStore) -> Holdings:
    plans = catalogue(plan_sources(store))
    base = load_units()
    found = proposals(base, plans, [Decision(*row) for row in store.unit_decisions()], load_county())
    return Holdings(plans, registry_with(base, found), tuple(found))


class Shelf:
    """Cached :class:`Holdings` of one chunk store (opened on first use)."""

    def __init__(self, store: Callable[[], ChunkStore]) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._holdings: Holdings | None = None

    def __call__(self) -> Holdings:
        store = self._store()
        generation = store.generation
        with self._lock:
            if self._holdings is None or generation != self._generation:
                self._holdings = read_holdings(store)
                self._generation = generation
            return self._holdings
