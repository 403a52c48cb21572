"""Chinese date parsing table; today is pinned to Friday 2026-11-27 unless a row says otherwise."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.dates import cn_number, find_dates

TODAY = date(2026, 11, 27)

# (text, today, expected first date (None = impossible date), expected assumption fragment or "")
ROWS: list[tuple[str, date, date | None, str]] = [
    ("2026-09-28收到", TODAY, date(2026, 9, 28), ""),
    ("2026/9/28", TODAY, date(2026, 9, 28), ""),
    ("2026.10.30 收到", TODAY, date(2026, 10, 30), ""),
    ("2026年9月28日收到的", TODAY, date(2026, 9, 28), ""),
    ("二〇二六年十月八日", TODAY, date(2026, 10, 8), ""),
    ("9月28日收到的申请哪天到期", TODAY, date(2026, 9, 28), "未写年份，按2026年计算"),
    ("9月28号", TODAY, date(2026, 9, 28), "按2026年"),
    ("九月二十八日", TODAY, date(2026, 9, 28), "按2026年"),
    ("十月十二号收到", TODAY, date(2026, 10, 12), "按2026年"),
    ("廿八号", TODAY, date(2026, 10, 28), "按上个月"),
    ("今天收到", TODAY, TODAY, "2026-11-27"),
    ("昨天", TODAY, date(2026, 11, 26), ""),
    ("前天", TODAY, date(2026, 11, 25), ""),
    ("大前天", TODAY, date(2026, 11, 24), ""),
    ("明天", TODAY, date(2026, 11, 28), ""),
    ("上周五网上收到的", TODAY, date(2026, 11, 20), "（周五）"),
    ("下周一", TODAY, date(2026, 11, 30), ""),
    ("本周三", TODAY, date(2026, 11, 25), ""),
    ("这周二", TODAY, date(2026, 11, 24), ""),
    ("上星期天", TODAY, date(2026, 11, 22), ""),
    ("上上周一", TODAY, date(2026, 11, 9), ""),
    ("周五收到", date(2026, 11, 25), date(2026, 11, 20), ""),  # bare 周五 ahead of today: last week's
    ("20号收到", TODAY, date(2026, 11, 20), "按本月（11月）20日"),
    ("28号收到", TODAY, date(2026, 10, 28), "按上个月（10月）28日"),
    ("上个月28号收到", TODAY, date(2026, 10, 28), ""),
    ("10.8收到的", TODAY, date(2026, 10, 8), "按2026年"),
    ("12月28日收到", date(2027, 1, 5), date(2026, 12, 28), "按2026年计算（按今年算会晚于今天）"),
    ("12月20日收到", TODAY, date(2026, 12, 20), "按2026年计算"),  # less than a month ahead: this year
    ("2021-02-30", TODAY, None, ""),
    ("2月30日", TODAY, None, ""),
]


@pytest.mark.parametrize(("text", "today", "expected", "assumption"), ROWS)
def test_date_table(text: str, today: date, expected: date | None, assumption: str) -> None:
    found = find_dates(text, today)
    assert found, text
    assert found[0].day == expected
    if assumption:
        assert found[0].assumption and assumption in found[0].assumption


@pytest.mark.parametrize(
    "text",
    [
        "依申请公开多少天内答复",
        "收到复议决定书之日起15日内起诉",
        "20个工作日",
        "费用是1.5倍",
        "第十六条",
        "2020年方案",
    ],
)
def test_no_date_in_plain_questions(text: str) -> None:
    assert find_dates(text, TODAY) == []


def test_two_dates_in_order() -> None:
    found = find_dates("9月1日收到申请，9月10日补正", TODAY)
    assert [f.day for f in found] == [date(2026, 9, 1), date(2026, 9, 10)]


@pytest.mark.parametrize(
    ("text", "value"), [("八", 8), ("十", 10), ("十二", 12), ("二十八", 28), ("三十一", 31), ("廿一", 21)]
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert cn_number(text) == value
