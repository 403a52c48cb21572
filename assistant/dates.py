"""Dates written in free Chinese: 2026-09-28, 2026年9月28日, 9月28号, 九月二十八日, 今天/昨天/前天,
上周五/下周一/本周三, 28号, 10.8.

Missing parts are filled from ``today`` and the assumption is returned, so the answer can state it:
- no year: the current year, unless that date would be more than 31 days in the future, in which case
  the previous year (people ask about applications already received: in January "12月28日" means
  last December);
- no month (28号): the current month, unless the day is still ahead, then the previous month;
- a bare 周五: the most recent Friday on or before today; 本周/这周 is the current Mon–Sun week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUM = r"(?:\d{1,2}|[一二三四五六七八九十廿]{1,3})"
_YEAR = r"(?:\d{4}|[〇零一二三四五六七八九]{4})"
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_RELATIVE = {
    "大前天": -3,
    "前天": -2,
    "昨天": -1,
    "昨日": -1,
    "今天": 0,
    "今日": 0,
    "明天": 1,
    "明日": 1,
    "后天": 2,
}
_FUTURE_SLACK = timedelta(days=31)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<!\d)(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)")),
    ("ymd", re.compile(rf"({_YEAR})\s*年\s*({_NUM})\s*月\s*({_NUM})\s*[日号]?")),
    ("month_rel", re.compile(rf"(上个?月|本月|这个?月)\s*({_NUM})\s*[日号]")),
    ("md", re.compile(rf"(?<![\d年])({_NUM})\s*月\s*({_NUM})\s*[日号]")),
    ("md", re.compile(rf"(?<![\d年])({_NUM})\s*月\s*(\d{{1,2}})(?![\d月])")),
    ("md_dot", re.compile(r"(?<![\d.])(\d{1,2})[./](\d{1,2})(?![\d./]|\s*[%倍万元个])")),
    ("rel", re.compile("|".join(sorted(_RELATIVE, key=len, reverse=True)))),
    ("week", re.compile(r"(上上|上|下下|下|本|这)?\s*(?:个)?\s*(?:周|星期|礼拜)([一二三四五六日天1-7])")),
    ("day", re.compile(rf"(?<![\d月.\-/年个第])({_NUM})\s*[号日](?![内元]|以内|之内|起算)")),
]


@dataclass(frozen=True)
class FoundDate:
    """A date found in the text; ``day`` is None when the written date does not exist (2月30日)."""

    day: date | None
    text: str
    start: int
    end: int
    assumption: str | None = None


def cn_number(text: str) -> int:
    """'28', '二十八', '廿八', '十', '三十一' -> int."""
    if text.isdigit():
        return int(text)
    text = text.replace("廿", "二十")
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


def _cn_year(text: str) -> int:
    return int(text) if text.isdigit() else int("".join(str(_CN_DIGITS[c]) for c in text))


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_day(m: int, d: int, today: date) -> tuple[date | None, str]:
    this_year = _safe(today.year, m, d)
    if this_year is not None and this_year - today > _FUTURE_SLACK:
        return _safe(
            today.year - 1, m, d
        ), f"未写年份，{m}月{d}日按{today.year - 1}年计算（按今年算会晚于今天）。"
    if this_year is None:
        return None, ""
    return this_year, f"未写年份，按{today.year}年计算。"


def _day_only(d: int, today: date) -> tuple[date | None, str]:
    if d <= today.day:
        return _safe(today.year, today.month, d), f"未写月份，按本月（{today.month}月）{d}日计算。"
    prev = today.replace(day=1) - timedelta(days=1)
    return _safe(prev.year, prev.month, d), f"未写月份，{d}号还没到，按上个月（{prev.month}月）{d}日计算。"


def _week(prefix: str | None, wd_text: str, today: date) -> date:
    wd = int(wd_text) - 1 if wd_text.isdigit() else _WEEKDAY[wd_text]
    monday = today - timedelta(days=today.weekday())
    shift = {"上上": -2, "上": -1, "下": 1, "下下": 2, "本": 0, "这": 0}.get(prefix or "", 0)
    day = monday + timedelta(weeks=shift, days=wd)
    if prefix is None and day > today:  # bare 周五 in a question about a receipt: the last one
        day -= timedelta(weeks=1)
    return day


def _resolve(kind: str, m: re.Match[str], today: date) -> tuple[date | None, str | None]:
    g = m.groups()
    if kind == "iso":
        return _safe(int(g[0]), int(g[1]), int(g[2])), None
    if kind == "ymd":
        return _safe(_cn_year(g[0]), cn_number(g[1]), cn_number(g[2])), None
    if kind in ("md", "md_dot"):
        return _month_day(cn_number(g[0]), cn_number(g[1]), today)
    if kind == "month_rel":
        first = today.replace(day=1)
        month = (first - timedelta(days=1)).replace(day=1) if g[0].startswith("上") else first
        return _safe(month.year, month.month, cn_number(g[1])), None
    if kind in ("rel", "week"):
        day = today + timedelta(days=_RELATIVE[m[0]]) if kind == "rel" else _week(g[0], g[1], today)
        return day, f"“{m[0].strip()}”按{day.isoformat()}（周{'一二三四五六日'[day.weekday()]}）计算。"
    return _day_only(cn_number(g[0]), today)


def find_dates(text: str, today: date) -> list[FoundDate]:
    """Every date in ``text``, in order of position; earlier patterns win overlapping spans."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if kind == "md_dot" and not (1 <= int(m[1]) <= 12):
                continue
            if kind == "day" and not 1 <= cn_number(m[1]) <= 31:
                continue
            try:
                day, note = _resolve(kind, m, today)
            except (KeyError, ValueError):
                continue
            taken.append((m.start(), m.end()))
            found.append(FoundDate(day, m.group(0).strip(), m.start(), m.end(), note or None))
    return sorted(found, key=lambda f: f.start)
