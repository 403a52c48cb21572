"""Per-user rate limit (WeCom drops messages beyond 30 a minute to one member) and retry backoff."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

WINDOW = timedelta(seconds=60)


def next_slot(sent_times: list[datetime], *, now: datetime, limit: int) -> datetime | None:
    """None if one more message may go now; otherwise when the oldest counted message leaves the window."""
    recent = sorted(t for t in sent_times if t > now - WINDOW)
    if len(recent) < limit:
        return None
    return recent[len(recent) - limit] + WINDOW


def backoff(attempt: int, *, base: float, cap: float = 300.0, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: between half and all of base * 2**(attempt-1), at most ``cap``."""
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    return delay * (0.5 + 0.5 * (rng or random).random())
