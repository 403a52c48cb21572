"""Units named in a held plan that the county's unit registry does not know: proposed to the admin.

A proposed unit answers duties questions at once (its kind guessed from its name); the admin accepts
it (fixing the kind, adding aliases people type) or rejects it (a misread party, never a unit). The
decisions live in the chunk store next to the plans, so every process sees them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.county import County
from knowledge.plans import PlanCatalogue
from knowledge.units import KINDS, Unit, UnitRegistry

DECISIONS = ("accepted", "rejected")


@dataclass(frozen=True)
class Decision:
    name: str
    decision: str  # accepted | rejected
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Proposal:
    name: str
    kind: str
    status: str  # pending | accepted | rejected
    plans: tuple[str, ...]  # titles of the plans that name it
    aliases: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "kind": self.kind, "status": self.status, "plans": list(self.plans),
                "aliases": list(self.aliases)}


def guess_kind(name: str, county: County) -> str:
    """township for a 镇/乡 (or its 人民政府), else department."""
    stem = name.removesuffix("人民政府")
    return "township" if stem.endswith(county.township_endings) and county.township_endings else "department"


def proposals(
    registry: UnitRegistry, plans: PlanCatalogue, decisions: Iterable[Decision], county: County
) -> list[Proposal]:
    """Every unit named or leading in a held plan that the registry does not know, in plan order."""
    decided = {d.name: d for d in decisions}
    seen: dict[str, list[str]] = {}
    for entry in plans.entries:
        for clause in entry.plan.clauses:
            for name in clause.units:
                if registry.exact(name) is None and entry.title not in seen.setdefault(name, []):
                    seen[name].append(entry.title)
    found = []
    for name, titles in seen.items():
        d = decided.get(name)
        kind = d.kind if d and d.kind in KINDS else guess_kind(name, county)
        found.append(Proposal(name, kind, d.decision if d else "pending", tuple(titles), d.aliases if d else ()))
    return found


def registry_with(registry: UnitRegistry, found: Iterable[Proposal]) -> UnitRegistry:
    """The registry plus every proposed unit the admin has not rejected."""
    return registry.with_units([Unit(p.name, p.kind, p.aliases) for p in found if p.status != "rejected"])
