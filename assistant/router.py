"""Recognise, in free Chinese text, when to call a tool and with which arguments. (stub: filled in by the routing work)"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.turn import Turn
from knowledge.units import UnitRegistry


@dataclass(frozen=True)
class Intent:
    """``tool`` is classify | duties | deadline | help | quiz | feedback | clarify.

    ``notes`` are assumptions the answer states first (e.g. the year that was assumed);
    ``reply`` is set when the router answers by itself (help text, a clarifying question).
    """

    tool: str
    args: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    reply: str | None = None


def route(turn: Turn, *, units: UnitRegistry, today: date) -> Intent | None:
    """Return the tool to call for this turn, or None for a knowledge question."""
    return None
