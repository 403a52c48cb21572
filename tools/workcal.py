"""The Chinese working-day calendar: Mon–Fri, minus statutory holidays, plus 调休 make-up days.

Sources, in order, per year:
1. the ``chinesecalendar`` package (the State Council's published arrangements it knows);
2. ``tools/data/holidays/<year>.yaml`` files a county can add or update;
3. a PROVISIONAL calendar computed from the rules of 《全国年节及纪念日放假办法》
   (``rules.yaml`` + the lunar table ``lunar.yaml``); anything computed this way is marked provisional.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

import chinese_calendar
import yaml

from knowledge.errors import BadInput

HOLIDAYS_DIR = Path(__file__).parent / "data" / "holidays"
MAX_YEAR = 2099  # chinesecalendar's solar-term formula is for the 21st century
Source = Literal["chinesecalendar", "county", "provisional"]
DayKind = Literal["workday", "makeup", "weekend", "holiday"]


@dataclass(frozen=True)
class YearCalendar:
    """One year's exceptions to the Mon–Fri rule and where they come from."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: Source
    names: Mapping[date, str]
    lunar_missing: bool = False  # provisional year beyond the lunar table: 春节/端午/中秋 unknown


@dataclass(frozen=True)
class Calendar:
    """All years this calendar can answer for; build it with ``load_calendar``."""

    years: Mapping[int, YearCalendar]

    def year(self, year: int) -> YearCalendar:
        found = self.years.get(year)
        if found is None:
            raise BadInput(f"日期超出可计算范围（{year}年），请核对日期。")
        return found

    def kind(self, d: date) -> DayKind:
        cal = self.year(d.year)
        if d in cal.workdays:
            return "makeup"
        if d in cal.holidays:
            return "holiday"
        return "weekend" if d.weekday() >= 5 else "workday"

    def is_provisional(self, d: date) -> bool:
        return self.year(d.year).source == "provisional"

    def holiday_name(self, d: date) -> str:
        return self.year(d.year).names.get(d, "法定节假日")


@dataclass(frozen=True)
class Step:
    """One calendar day walked while counting; ``ordinal`` is the working-day number, 0 if skipped."""

    day: date
    kind: DayKind
    ordinal: int


def is_workday(d: date, cal: Calendar | None = None) -> bool:
    """True when ``d`` is a working day of government offices."""
    return (cal or load_calendar()).kind(d) in ("workday", "makeup")


def add_workdays(start: date, n: int, cal: Calendar | None = None) -> tuple[date, tuple[Step, ...]]:
    """The n-th working day after ``start`` (``start`` itself not counted), with every day walked."""
    cal = cal or load_calendar()
    steps: list[Step] = []
    day, count = start, 0
    while count < n:
        day += timedelta(days=1)
        kind = cal.kind(day)
        if kind in ("workday", "makeup"):
            count += 1
            steps.append(Step(day, kind, count))
        else:
            steps.append(Step(day, kind, 0))
    return day, tuple(steps)


def next_workday_on_or_after(d: date, cal: Calendar | None = None) -> date:
    """``d`` if it is a working day, else the first working day after it (民法典第203条 roll-over)."""
    cal = cal or load_calendar()
    while not is_workday(d, cal):
        d += timedelta(days=1)
    return d


# ---- loading -------------------------------------------------------------------------------


@cache
def load_calendar(holidays_dir: Path = HOLIDAYS_DIR) -> Calendar:
    """Build the calendar from chinesecalendar, then the YAML years, then the provisional rules."""
    rules = _read_yaml(HOLIDAYS_DIR / "rules.yaml")
    names: dict[str, str] = rules.get("names", {})
    years: dict[int, YearCalendar] = dict(_from_chinesecalendar(names))
    for path in sorted(holidays_dir.glob("*.yaml")):
        if path.stem.isdigit() and int(path.stem) not in years:
            years[int(path.stem)] = year_from_yaml(_read_yaml(path), int(path.stem))
    lunar = {int(k): v for k, v in _read_yaml(HOLIDAYS_DIR / "lunar.yaml").items()}
    for year in range(min(years), MAX_YEAR + 1):
        if year not in years:
            years[year] = provisional_year(year, rules["festivals"], lunar.get(year))
    return Calendar(years)


def _read_yaml(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise BadInput(f"节假日数据文件格式不正确：{path.name}")
    return data


def _from_chinesecalendar(names: Mapping[str, str]) -> Iterable[tuple[int, YearCalendar]]:
    known = sorted({d.year for d in chinese_calendar.holidays})
    for year in known:
        hols = {d: v for d, v in chinese_calendar.holidays.items() if d.year == year}
        works = frozenset(d for d in chinese_calendar.workdays if d.year == year)
        label = {d: names.get(str(v), "法定节假日") for d, v in hols.items()}
        yield year, YearCalendar(year, frozenset(hols), works, "chinesecalendar", label)


def _expand(items: Iterable[Any]) -> set[date]:
    """Dates from YAML entries: a date, "YYYY-MM-DD" or a range "YYYY-MM-DD..YYYY-MM-DD"."""
    out: set[date] = set()
    for item in items:
        first, _, last = str(item).partition("..")
        try:
            a = date.fromisoformat(first.strip())
            b = date.fromisoformat(last.strip()) if last else a
        except ValueError as exc:
            raise BadInput(f"节假日数据里的日期不正确：{item}") from exc
        out.update(a + timedelta(days=i) for i in range((b - a).days + 1))
    return out


def year_from_yaml(data: Mapping[str, Any], year: int) -> YearCalendar:
    """One county-maintained year file (see tools/data/holidays/2026.yaml for the format)."""
    hols = _expand(data.get("holidays") or [])
    works = _expand(data.get("workdays") or [])
    if any(d.year != year for d in hols | works):
        raise BadInput(f"节假日数据文件 {year}.yaml 里有不属于{year}年的日期。")
    return YearCalendar(year, frozenset(hols), frozenset(works), "county", {})


def _qingming(year: int) -> date:
    terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    return next(d for d, name in terms if name == "清明")


def _festival_days(year: int, fest: Mapping[str, Any], lunar: Mapping[str, date] | None) -> list[date]:
    if "solar" in fest:
        return [date.fromisoformat(f"{year}-{md}") for md in fest["solar"]]
    if fest.get("qingming"):
        return [_qingming(year)]
    if lunar is None:
        return []
    base = lunar[fest["lunar"]]
    return [base + timedelta(days=o) for o in fest["offsets"]]


def provisional_year(
    year: int, festivals: Iterable[Mapping[str, Any]], lunar: Mapping[str, date] | None
) -> YearCalendar:
    """Holidays by the 放假办法 rules; a holiday on Sat/Sun gives the next free weekday off."""
    names: dict[date, str] = {}
    for fest in festivals:
        for d in _festival_days(year, fest, lunar):
            names[d] = fest["name"]
    for d in sorted(names):
        if d.weekday() >= 5:
            extra = d + timedelta(days=1)
            while extra.weekday() >= 5 or extra in names:
                extra += timedelta(days=1)
            names[extra] = f"{names[d]}（补假）"
    # keep the calendar inside its year; a make-up day spilling into January is dropped (rare)
    names = {d: n for d, n in names.items() if d.year == year}
    return YearCalendar(year, frozenset(names), frozenset(), "provisional", names, lunar is None)
