"""What the tools need from the outside world, loaded once at start and passed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from knowledge.plan import Plan
from knowledge.units import UnitRegistry


@dataclass(frozen=True)
class ToolContext:
    plan: Plan
    units: UnitRegistry
    today: Callable[[], date] = field(default=date.today)
