"""The unit registry: canonical names, aliases, fuzzy lookup. (stub: filled in by the plan work)"""

from __future__ import annotations


class UnitRegistry:
    def __init__(self, names: list[str] | None = None) -> None:
        self.names = names or []


def load_units() -> UnitRegistry:
    return UnitRegistry()
