"""What the tools need from the outside world, loaded once at start and passed in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from knowledge import clock
from knowledge.plan import Plan
from knowledge.plans import BUILTIN_PLAN_ID, PlanCatalogue, PlanEntry, plan_year
from knowledge.units import UnitRegistry

if TYPE_CHECKING:
    from knowledge.shelf import Holdings


class ToolContext:
    """Either a fixed plan and registry (tests, one-off tools) or a ``shelf`` that yields the plans and
    units the knowledge base holds right now (ingested plans, their proposed units)."""

    def __init__(
        self,
        plan: Plan | None = None,
        units: UnitRegistry | None = None,
        today: Callable[[], date] = clock.today,
        shelf: Callable[[], Holdings] | None = None,
    ) -> None:
        if shelf is None and (plan is None or units is None):
            raise ValueError("ToolContext needs a shelf, or a plan and a unit registry")
        self._plan, self._units, self.today, self._shelf = plan, units, today, shelf

    def plans(self) -> PlanCatalogue:
        if self._shelf is not None:
            return self._shelf().plans
        assert self._plan is not None
        year = plan_year(self._plan.title, self._plan.header)
        return PlanCatalogue([PlanEntry(BUILTIN_PLAN_ID, self._plan.title, year, "current", self._plan)])

    @property
    def plan(self) -> Plan:
        """The plan that answers by default (the newest current one)."""
        return self.plans().current().plan

    @property
    def units(self) -> UnitRegistry:
        if self._shelf is not None:
            return self._shelf().units
        assert self._units is not None
        return self._units
