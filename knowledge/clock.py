"""The one "today": the calendar date in China (UTC+8), whatever time zone the server runs in.

Deadlines, reminders, the register and ID-number checks all count in the county's days; a server
on UTC would otherwise be a day behind every morning before 08:00. Tests pass their own date where
a function takes ``today=``; nothing else reads the system clock's date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))


def today() -> date:
    return datetime.now(CHINA).date()
