"""The other statutory periods (regulations.md §7) as a hand-checked table, plus CLI, API and tool.

Every row was counted by hand on the State Council holiday arrangements (chinesecalendar, 2020–2026)
and the provisional 2027 calendar; the comment on each row is that count. Natural-day periods: the
start day is not counted, the n-th day is the last day, rolled to the next working day when it is a
weekend or holiday (调休 make-up Saturdays are working days).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from assistant.app import create_app
from assistant.cli.main import main
from assistant.settings import Settings
from knowledge.errors import BadInput
from tests.signin import sign_in
from tools.period_tool import period_data, period_deadline, render_period

D = date.fromisoformat

CASES: list[tuple[str, str, str, str]] = [
    # --- 复议 60 natural days (行政复议法第二十条) ---
    # 8/2 + 29 = 8/31, + 30 = 9/30, + 1 = 10/1 国庆 (10/1–10/7) -> first working day 10/8 (Thu)
    ("review", "2026-08-02", "2026-10-08", "国庆节"),
    # 3/5 + 26 = 3/31, + 30 = 4/30, + 4 = 5/4, inside 劳动节 5/1–5/5 -> 5/6 (Wed)
    ("review", "2026-03-05", "2026-05-06", "劳动节"),
    # 6/5 + 25 = 6/30, + 31 = 7/31, + 4 = 8/4, a Monday: no roll-over
    ("review", "2025-06-05", "2025-08-04", "工作日，即截止日"),
    # 1/14 + 17 = 1/31, + 28 = 2/28, + 15 = 3/15, a plain Saturday -> Monday 3/17
    ("review", "2025-01-14", "2025-03-17", "周末"),
    # year end: 11/1 + 29 = 11/30, + 31 = 12/31 (Sat, 元旦 12/31–1/2) -> 2023-01-03 (Tue)
    ("review", "2022-11-01", "2023-01-03", "元旦"),
    # --- 复议后起诉 15 natural days (行政诉讼法第四十五条) ---
    # 6/1 + 15 = 6/16 (Tue): no roll-over
    ("lawsuit", "2026-06-01", "2026-06-16", "第15日 2026-06-16"),
    # 2/5 + 15 = 2/20 (Fri), inside 春节 2/15–2/23 -> 2/24 (Tue)
    ("lawsuit", "2026-02-05", "2026-02-24", "春节"),
    # 9/22 + 15 = 10/7 (Thu), last day of 国庆 10/1–10/7 -> 10/8 (Fri)
    ("lawsuit", "2021-09-22", "2021-10-08", "国庆节"),
    # --- 直接起诉 6 months (第四十六条; 民法典第二百零二条 month end) ---
    # 8/31 -> 2026-02-31 does not exist -> 2/28, a 调休 make-up Saturday = working day: no roll-over
    ("direct_lawsuit", "2025-08-31", "2026-02-28", "没有对应日"),
    # 3/31 -> 9/31 does not exist -> 9/30 (Wed), a working day
    ("direct_lawsuit", "2026-03-31", "2026-09-30", "2026-09-30"),
    # 4/4 -> 10/4 (Sun, 国庆 10/1–10/7) -> 10/8
    ("direct_lawsuit", "2026-04-04", "2026-10-08", "国庆节"),
    # --- 主动公开 20 WD (条例第二十六条) ---
    # 9/29, 9/30 (1–2); 10/1–10/7 off; 10/8, 10/9 (3–4); Sat 10/10 make-up (5); 10/12–16 (6–10);
    # 10/19–23 (11–15); 10/26–30 (16–20)
    ("disclosure", "2026-09-28", "2026-10-30", "调休上班"),
    # Sat 2/14 make-up (1); 春节 2/15–2/23 off; 2/24–27 (2–5); Sat 2/28 make-up (6); 3/2–6 (7–11);
    # 3/9–13 (12–16); 3/16–19 (17–20)
    ("disclosure", "2026-02-13", "2026-03-19", "春节"),
    # 1/21–23 (1–3); 春节 1/24–2/2 (extended in 2020) off; 2/3–7 (4–8); 2/10–14 (9–13); 2/17–21 (14–18);
    # 2/24, 2/25 (19–20)
    ("disclosure", "2020-01-20", "2020-02-25", "春节"),
    # --- 第三方/其他机关答复 15 WD (第三十二条、第三十四条) ---
    # 11/3–6 (1–4); 11/9–13 (5–9); 11/16–20 (10–14); 11/23 (15)
    ("consultation", "2026-11-02", "2026-11-23", "第15个工作日 2026-11-23"),
    # Sun 9/28 make-up (1); 9/29, 9/30 (2–3); 10/1–10/8 off; 10/9, 10/10 (4–5); Sat 10/11 make-up (6);
    # 10/13–17 (7–11); 10/20–23 (12–15)
    ("consultation", "2025-09-26", "2025-10-23", "国庆节"),
    # --- 缴费 20 WD from the day after the notice (109号, [P]) ---
    # 5/7, 5/8 (1–2); Sat 5/9 make-up (3); 5/11–15 (4–8); 5/18–22 (9–13); 5/25–29 (14–18); 6/1, 6/2 (19–20)
    ("fee", "2026-05-06", "2026-06-02", "调休上班"),
    # 劳动节 4/30–5/4 off; 5/5, 5/6 (1–2); Sat 5/7 make-up (3); 5/9–13 (4–8); 5/16–20 (9–13);
    # 5/23–27 (14–18); 5/30, 5/31 (19–20)
    ("fee", "2022-04-29", "2022-05-31", "劳动节"),
    # --- 年报 (条例第四十九条): fixed dates of the following year ---
    # 2026-01-31 is a plain Saturday: finish by Friday 1/30
    ("annual_report", "2025", "2026-01-31", "2026-01-30"),
    # 2024-03-31 is a Sunday: the county report by Friday 3/29
    ("annual_report", "2023", "2024-01-31", "2024-03-29"),
    # 2020-01-31 fell in the extended 春节 break (1/24–2/2): finish by Thursday 1/23
    ("annual_report", "2019", "2020-01-31", "2020-01-23"),
]


@pytest.mark.parametrize(("kind", "start", "due", "shown"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_period_table(kind: str, start: str, due: str, shown: str) -> None:
    data = period_data(kind, start)
    assert data["due"] == due
    assert shown in "\n".join(data["steps"] + data["warnings"])


def test_table_is_big_enough_and_spans_every_kind() -> None:
    assert len(CASES) >= 15
    assert {c[0] for c in CASES} == {
        "disclosure", "consultation", "fee", "review", "lawsuit", "direct_lawsuit", "annual_report"
    }


def test_contract_keys_status_and_steps() -> None:
    data = period_deadline("review", D("2026-08-02"))
    assert data["kind"] == "review" and data["counting"] == "natural_days" and data["status"] == "V"
    assert data["basis"] == "《行政复议法》第二十条" and data["provisional"] is False
    assert data["steps"][0].startswith("起算日 2026-08-02（周日）") and "当天不计入" in data["steps"][0]
    assert "第60日 2026-10-01（周四）" in data["steps"]
    assert data["steps"][-1].startswith("截止日 2026-10-08（周四）")
    assert "先申请行政复议" in data["warnings"][0]
    disclosure = period_deadline("disclosure", D("2026-09-28"))
    assert disclosure["counting"] == "working_days" and disclosure["basis"] == "《政府信息公开条例》第二十六条"


def test_fee_is_marked_partial_and_says_so() -> None:
    data = period_data("fee", "2026-05-06")
    assert data["status"] == "P"
    assert any("该期限依据二手复述，未对照原文核实" in w for w in data["warnings"])
    assert "[P]" in render_period(data)


def test_annual_report_gives_both_dates_and_accepts_a_year() -> None:
    data = period_data("年报", "2026年")
    assert data["start"] == "2026" and data["counting"] == "fixed_date"
    assert data["dues"] == {"department": "2027-01-31", "county_government": "2027-03-31"}
    assert data["provisional"] is True  # 2027 is not yet published; the weekend note rests on it
    text = render_period(data)
    assert "**部门年报：2027-01-31（周日）前**" in text and "**县政府本级年报：2027-03-31（周三）前**" in text


@pytest.mark.parametrize(
    ("kind", "start", "message"),
    [
        ("disclosure", "2019-05-14", "2019-05-15"),
        ("consultation", "2018-12-03", "492号"),
        ("annual_report", "2018", "旧条例"),
        ("review", "2021-02-30", "日期不存在：2021-02-30"),
        ("lawsuit", "2026/13/01", "格式不正确"),
        ("appeal", "2026-01-05", "期限种类不正确"),
        ("review", "2026", "格式不正确"),
    ],
)
def test_bad_input_is_a_chinese_message(kind: str, start: str, message: str) -> None:
    with pytest.raises(BadInput) as err:
        period_data(kind, start)
    assert message in err.value.user_message


def test_review_before_the_2024_law_warns_and_today_is_compared() -> None:
    data = period_deadline("review", D("2023-09-01"), today=D("2026-11-27"))
    assert data["due"] == "2023-10-31"  # 9/1 + 29 = 9/30, + 31 = 10/31 (Tue)
    assert any("2024-01-01" in w for w in data["warnings"])
    assert any("已超过截止日2023-10-31" in w for w in data["warnings"])


def test_render_has_bold_due_basis_rule_and_steps() -> None:
    text = render_period(period_data("lawsuit", "2026-02-05"))
    assert "**截止日：2026-02-24（周二）**" in text
    assert "依据：《行政诉讼法》第四十五条" in text and "计算过程：" in text and "民法典第二百零三条" in text


def test_cli_json_text_and_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["period", "review", "--from", "2026-08-02", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["due"] == "2026-10-08"
    assert main(["period", "annual_report", "--year", "2025"]) == 0
    out = capsys.readouterr().out
    assert "部门年报：2026-01-31（周六）前" in out and "**" not in out
    for argv in (["period", "review", "--from", "2021-02-30"], ["period", "nope", "--from", "2026-01-05"],
                 ["period", "fee"], ["period", "disclosure", "--from", "2019-01-01"]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip()
        assert err and "\n" not in err and "Traceback" not in err


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield sign_in(c)


def test_http_api(client: TestClient) -> None:
    ok = client.get("/api/period", params={"kind": "consultation", "start": "2026-11-02"})
    assert ok.status_code == 200 and ok.json()["due"] == "2026-11-23"
    bad = client.get("/api/period", params={"kind": "review", "start": "2021-02-30"})
    assert bad.status_code == 400 and bad.json()["error"] == "日期不存在：2021-02-30"
