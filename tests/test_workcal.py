"""The working-day calendar: known 调休 days 2020–2026, the provisional path, a county's YAML year."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.errors import BadInput
from tools.workcal import HOLIDAYS_DIR, _read_yaml, add_workdays, is_workday, load_calendar, year_from_yaml

D = date.fromisoformat

# (day, is it a working day?) -- from the State Council's yearly notices
KNOWN = [
    ("2020-01-19", True),  # Sunday, 调休上班
    ("2020-01-31", False),  # Friday inside the extended 2020 春节 break
    ("2020-10-10", True),  # Saturday, 调休上班
    ("2021-02-20", True),
    ("2021-09-18", True),
    ("2021-10-07", False),
    ("2022-01-29", True),
    ("2022-01-30", True),
    ("2022-05-04", False),  # Wednesday, 劳动节
    ("2023-01-02", False),  # Monday, 元旦补假
    ("2023-10-08", True),
    ("2024-02-18", True),
    ("2024-09-14", True),
    ("2024-10-12", True),
    ("2025-01-26", True),
    ("2025-10-08", False),  # Wednesday, 国庆+中秋
    ("2025-10-11", True),
    ("2026-01-02", False),  # Friday, 元旦
    ("2026-01-04", True),  # Sunday
    ("2026-02-23", False),  # Monday, 春节
    ("2026-02-28", True),  # Saturday
    ("2026-05-09", True),
    ("2026-09-20", True),
    ("2026-10-10", True),
    ("2026-03-18", True),  # ordinary Wednesday
    ("2026-03-21", False),  # ordinary Saturday
]


@pytest.mark.parametrize(("day", "expected"), KNOWN)
def test_known_workdays(day: str, expected: bool) -> None:
    assert is_workday(D(day)) is expected


@pytest.mark.parametrize("year", [2025, 2026])
def test_shipped_yaml_agrees_with_chinesecalendar(year: int) -> None:
    shipped = year_from_yaml(_read_yaml(HOLIDAYS_DIR / f"{year}.yaml"), year)
    known = load_calendar().year(year)
    assert known.source == "chinesecalendar"
    assert shipped.holidays == known.holidays
    assert shipped.workdays == known.workdays


def test_provisional_year_follows_the_holiday_rules() -> None:
    cal = load_calendar()
    y2027 = cal.year(2027)
    assert y2027.source == "provisional"
    # 除夕 2/5 (Fri) to 初三 2/8 (Mon); 2/6, 2/7 fall on the weekend -> 2/9, 2/10 off
    for day in ("2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-04-05", "2027-05-03"):
        assert not is_workday(D(day), cal), day
    assert is_workday(D("2027-02-11"), cal)
    assert not is_workday(D("2027-05-03"), cal)  # 劳动节 5/1-5/2 fall on Sat/Sun -> 5/3, 5/4 off
    assert not is_workday(D("2027-05-04"), cal)
    assert cal.is_provisional(D("2027-06-01"))


def test_county_yaml_adds_a_year(tmp_path: Path) -> None:
    (tmp_path / "2027.yaml").write_text(
        "year: 2027\nholidays:\n  - 2027-02-05..2027-02-11\nworkdays:\n  - 2027-02-20\n", encoding="utf-8"
    )
    cal = load_calendar(tmp_path)
    assert cal.year(2027).source == "county"
    assert not cal.is_provisional(D("2027-02-15"))
    assert not is_workday(D("2027-02-11"), cal)
    assert is_workday(D("2027-02-20"), cal)  # a Saturday the county file says is 调休上班
    assert cal.year(2028).source == "provisional"
    assert cal.year(2026).source == "chinesecalendar"  # the package wins for years it knows


def test_county_yaml_with_a_foreign_date_is_refused(tmp_path: Path) -> None:
    (tmp_path / "2028.yaml").write_text("holidays:\n  - 2027-02-05\n", encoding="utf-8")
    with pytest.raises(BadInput, match="2028"):
        load_calendar(tmp_path)


def test_add_workdays_returns_every_walked_day() -> None:
    end, steps = add_workdays(D("2026-02-13"), 2)
    assert end == D("2026-02-24")
    assert [s.ordinal for s in steps] == [1] + [0] * 9 + [2]
    assert steps[0].kind == "makeup"
