"""Hand-checked register table (tests/register_cases.py): due dates and the annual table 三/四."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.register import annual, record_event, register, show
from assistant.storage import Database, open_database
from tests.dbs import db_url, pg_url  # noqa: F401
from tests.register_cases import ANNUAL, CASES
from tools.register import Event, applicant_types, outcomes


def _load(db: Database) -> dict[str, int]:
    ids = {}
    for key, received, channel, kind, events, _ in CASES:
        app = register(db, received=date.fromisoformat(received), channel=channel, applicant_type=kind,
                       content=f"申请公开{key}相关信息", applicant_name="张三", handler=f"u{key}")
        ids[key] = app["id"]
        for ev_kind, day, extra in events:
            record_event(db, app["id"], Event(kind=ev_kind, day=date.fromisoformat(day), **extra))  # type: ignore[arg-type]
    return ids


@pytest.fixture
def loaded(db_url: str):  # type: ignore[no-untyped-def]  # noqa: F811
    db = open_database(db_url)
    ids = _load(db)
    yield db, ids
    db.dispose()


def test_register_covers_every_outcome_and_applicant_type() -> None:
    assert len(CASES) >= 30
    assert {c[3] for c in CASES} == set(applicant_types())
    used = {k for year in ANNUAL.values() for k in year["results"]}  # type: ignore[attr-defined]
    assert used == {o["key"] for o in outcomes()}
    years = {c[1][:4] for c in CASES}
    assert {"2025", "2026"} <= years


def test_due_dates_match_the_hand_count(loaded) -> None:  # type: ignore[no-untyped-def]
    db, ids = loaded
    wrong = []
    for key, *_rest, expected in CASES:
        got = show(db, ids[key])
        for field, want in expected.items():
            if got[field] != want:
                wrong.append(f"{key} {field}: {got[field]} != {want}")
    assert not wrong, wrong
    a19 = show(db, ids["A19"])
    assert a19["provisional"] is True and a19["status"] != "replied"
    assert show(db, ids["A1"])["provisional"] is False


@pytest.mark.parametrize("year", [2025, 2026])
def test_annual_table_matches_the_hand_count_and_balances(loaded, year: int) -> None:  # type: ignore[no-untyped-def]
    db, ids = loaded
    table = annual(db, year)
    want = ANNUAL[year]

    def row(counts: dict[str, int]) -> dict[str, int]:
        return {t: counts.get(t, 0) for t in applicant_types()}

    for name in ("new", "carried_over", "carried_forward"):
        assert table[name] == row(want[name]), name  # type: ignore[arg-type]
    for key, counts in table["results"].items():
        assert counts == row(want["results"].get(key, {})), key  # type: ignore[attr-defined]
    assert table["balanced"] is True
    for t in applicant_types():
        assert table["new"][t] + table["carried_over"][t] == table["results_total"][t] + table["carried_forward"][t]
    totals = table["totals"]
    assert totals["new"] + totals["carried_over"] == totals["results"] + totals["carried_forward"]
    assert totals == {2025: {"new": 18, "carried_over": 2, "results": 16, "carried_forward": 4},
                      2026: {"new": 14, "carried_over": 4, "results": 16, "carried_forward": 2}}[year]
    for group, cols in want["review"].items():  # type: ignore[attr-defined]
        got = table["review"][group]
        assert {c: v for c, v in got.items() if v and c != "总计"} == cols
    # every count links back to its applications
    by_id = {v: k for k, v in ids.items()}
    new_ids = {by_id[i] for i in table["ids"]["new"]["总计"]}
    assert new_ids == {c[0] for c in CASES if c[1].startswith(str(year))}


def test_balance_check_can_fail() -> None:
    from tools.register_report import Entry, annual_table

    entries = [Entry(id=1, received=date(2025, 3, 1), applicant_type="自然人", replied=date(2025, 4, 1),
                     outcome="未知类型")]
    table = annual_table(entries, 2025)
    assert table["balanced"] is False and table["unbalanced_columns"] == ["自然人", "总计"]


def test_the_hand_counts_calendar_is_the_published_one() -> None:
    import chinese_calendar

    from tests.register_cases import HOLIDAYS, MAKEUP

    for year in (2025, 2026):
        off: set[date] = set()
        for item in HOLIDAYS[year]:
            a, _, b = item.partition("..")
            d, end = date.fromisoformat(f"{year}-{a}"), date.fromisoformat(f"{year}-{b or a}")
            while d <= end:
                off.add(d)
                d = date.fromordinal(d.toordinal() + 1)
        on = {date.fromisoformat(f"{year}-{m}") for m in MAKEUP[year]}
        d = date(year, 1, 1)
        while d.year == year:
            assert chinese_calendar.is_workday(d) == (d in on or (d.weekday() < 5 and d not in off)), d
            d = date.fromordinal(d.toordinal() + 1)
