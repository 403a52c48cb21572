"""Deadline table: every expectation below was counted by hand on a calendar (the reasoning for
each row is in the comment: WDn = n-th working day; "off" = holiday break; "mk" = 调休上班 weekend day).
Rows 1–7 are the table of regulations.md §6.2."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.errors import BadInput
from tools.deadlines import compute_deadline, parse_date, render
from tools.periods import (
    active_disclosure_due,
    annual_report_dues,
    consultation_reply_due,
    direct_lawsuit_due,
    fee_payment_due,
    lawsuit_after_review_due,
    review_application_due,
)

D = date.fromisoformat
DUE, EXT, CND = "due", "extended_due", "correction_notice_due"

# (received, channel, extra kwargs, field, expected)  -- reasoning in the comment
CASES: list[tuple[str, str, dict[str, object], str, str]] = [
    (
        "2026-02-13",
        "in_person",
        {},
        CND,
        "2026-03-02",
    ),  # §6.2: 2/14 mk WD1, 2/15-23 off, 2/28 mk WD6, 3/2 WD7
    ("2026-02-13", "in_person", {}, DUE, "2026-03-19"),  # §6.2
    ("2025-09-26", "in_person", {}, CND, "2025-10-13"),  # §6.2: 9/28 mk WD1, 10/1-8 off, 10/11 mk WD6
    ("2025-09-26", "in_person", {}, DUE, "2025-10-30"),  # §6.2
    ("2025-12-31", "in_person", {}, DUE, "2026-01-29"),  # §6.2: 1/1-3 off, 1/4 (Sun) mk WD1
    ("2026-09-18", "in_person", {}, DUE, "2026-10-22"),  # §6.2: 9/20 mk, 9/25-27 off, 10/1-7 off, 10/10 mk
    ("2026-02-13", "in_person", {}, EXT, "2026-04-17"),  # §6.2: 3/19 + 20 WD, 4/4-6 off
    (
        "2020-01-20",
        "in_person",
        {},
        DUE,
        "2020-02-25",
    ),  # 春节 1/24-2/2 off (extended break): WD3 1/23, WD4 2/3
    ("2020-01-20", "in_person", {}, CND, "2020-02-06"),  # 1/21-23 WD1-3, 2/3-6 WD4-7
    ("2020-01-20", "in_person", {}, EXT, "2020-03-24"),  # 2/25 + 20 plain WD
    ("2020-09-25", "in_person", {}, DUE, "2020-10-29"),  # 9/27 mk WD1, 10/1-8 off, 10/9 WD5, 10/10 mk WD6
    ("2020-09-25", "in_person", {}, CND, "2020-10-12"),  # ... 10/12 Mon WD7
    ("2020-04-30", "online", {}, DUE, "2020-06-01"),  # 5/1-5 off, 5/6-8 WD1-3, 5/9 mk WD4, 6/1 WD20
    ("2021-02-10", "mail", {}, DUE, "2021-03-16"),  # 2/11-17 off, 2/18 WD1, 2/20 mk WD3
    ("2021-02-10", "mail", {}, CND, "2021-02-25"),  # 2/18,19,20(mk),22,23,24,25
    ("2021-04-30", "in_person", {}, DUE, "2021-06-01"),  # 5/1-5 off, 5/6-7 WD1-2, 5/8 mk WD3
    ("2021-09-17", "in_person", {}, DUE, "2021-10-21"),  # 9/18 mk, 9/19-21 off, 9/26 mk, 10/1-7 off, 10/9 mk
    ("2021-09-17", "in_person", {}, CND, "2021-09-28"),  # 9/18,22,23,24,26(mk),27,28
    ("2022-12-30", "in_person", {}, DUE, "2023-02-02"),  # 12/31-1/2 off, 1/3 WD1, 1/21-27 off, 1/28-29 mk
    ("2022-01-28", "in_person", {}, DUE, "2022-03-02"),  # 1/29-30 mk WD1-2, 1/31-2/6 off, 2/7 WD3
    ("2022-01-28", "in_person", {}, CND, "2022-02-11"),  # 1/29,1/30,2/7..2/11
    ("2022-04-29", "fax", {}, DUE, "2022-05-31"),  # 4/30-5/4 off, 5/5-6 WD1-2, 5/7 mk WD3
    ("2023-09-28", "in_person", {}, DUE, "2023-11-01"),  # 9/29-10/6 off, 10/7-8 mk WD1-2
    ("2023-09-28", "in_person", {}, CND, "2023-10-13"),  # 10/7,10/8,10/9..10/13
    ("2023-12-29", "fax", {}, DUE, "2024-01-29"),  # 12/30-1/1 off, 1/2 WD1
    ("2024-02-08", "in_person", {}, DUE, "2024-03-13"),  # 2/9 WD1, 2/10-17 off, 2/18 (Sun) mk WD2
    ("2024-02-08", "in_person", {}, CND, "2024-02-23"),  # 2/9,2/18,2/19..2/23
    ("2024-09-13", "in_person", {}, DUE, "2024-10-17"),  # 9/14 mk, 9/15-17 off, 9/29 mk, 10/1-7 off, 10/12 mk
    ("2024-04-30", "in_person", {}, DUE, "2024-05-30"),  # 5/1-5 off, 5/6-10 WD1-5, 5/11 mk WD6
    ("2025-01-24", "in_person", {}, DUE, "2025-02-27"),  # 1/26 mk WD1, 1/27 WD2, 1/28-2/4 off, 2/8 mk WD6
    ("2025-01-24", "in_person", {}, CND, "2025-02-10"),  # 1/26,1/27,2/5,2/6,2/7,2/8,2/10
    ("2025-01-24", "in_person", {"extend": True}, EXT, "2025-03-27"),  # 2/27 + 20 plain WD
    ("2025-04-30", "in_person", {}, DUE, "2025-06-03"),  # 5/1-5 off, 5/6 WD1, 5/30 WD19, 5/31-6/2 off
    ("2026-03-07", "online", {}, DUE, "2026-04-03"),  # received Saturday: 3/9 WD1
    ("2026-03-07", "online", {}, CND, "2026-03-17"),  # 3/9..3/13, 3/16, 3/17
    ("2026-03-08", "in_person", {}, DUE, "2026-04-03"),  # received Sunday: same count
    ("2026-04-03", "in_person", {}, DUE, "2026-05-07"),  # 4/4-6 off, 4/7 WD1, 4/30 WD18, 5/1-5 off, 5/7 WD20
    ("2026-04-30", "in_person", {}, DUE, "2026-06-01"),  # 5/1-5 off, 5/6-8 WD1-3, 5/9 mk WD4
    ("2026-04-30", "in_person", {}, CND, "2026-05-13"),  # 5/6,7,8,9(mk),11,12,13
    ("2026-06-18", "in_person", {}, DUE, "2026-07-17"),  # 6/19-21 off, 6/22 WD1
    ("2026-09-30", "in_person", {}, DUE, "2026-11-03"),  # 10/1-7 off, 10/8 WD1, 10/10 mk WD3
    ("2026-09-18", "in_person", {"extend": True}, EXT, "2026-11-19"),  # 10/22 + 20 plain WD
    ("2025-12-31", "in_person", {}, EXT, "2026-03-04"),  # 1/29 + 20: 2/14 mk WD12, 2/15-23 off, 2/28 mk WD17
    ("2026-02-13", "in_person", {"corrected": "2026-03-05"}, DUE, "2026-04-02"),  # restart: 3/6 WD1
    ("2026-02-13", "in_person", {"corrected": "2026-03-05"}, EXT, "2026-05-06"),  # 4/4-6, 5/1-5 off
    ("2026-02-13", "in_person", {"corrected": "2026-03-05"}, CND, "2026-03-02"),  # counted from receipt
    ("2025-09-26", "mail", {"corrected": "2025-10-10"}, DUE, "2025-11-06"),  # 10/11 mk WD1, 11/6 WD20
    ("2026-02-13", "in_person", {"third_party_days": 5}, DUE, "2026-03-26"),  # 3/19 WD20 + 5 WD
    ("2026-02-13", "in_person", {"third_party_days": 5}, EXT, "2026-04-24"),  # 4/17 WD40 + 5 WD
    ("2025-09-26", "in_person", {"third_party_days": 10}, DUE, "2025-11-13"),  # 10/30 WD20 + 10 WD
    ("2024-09-13", "online", {"third_party_days": 15}, DUE, "2024-11-07"),  # 10/17 WD20 + 15 WD
    ("2019-05-15", "in_person", {}, DUE, "2019-06-13"),  # first day of the 2019 条例; 6/7 端午 off
    ("2019-12-31", "in_person", {}, DUE, "2020-02-05"),  # 1/1 off, 1/19 mk WD13, 1/24-2/2 off
    ("2019-09-30", "online", {}, DUE, "2019-11-01"),  # 10/1-7 off, 10/12 mk WD5
    ("2024-10-03", "online", {}, DUE, "2024-11-01"),  # received during 国庆: 10/8 WD1, 10/12 mk WD5
    ("2023-04-28", "in_person", {}, DUE, "2023-05-30"),  # 4/29-5/3 off, 5/6 mk WD3
    ("2023-04-28", "in_person", {}, CND, "2023-05-11"),  # 5/4,5,6(mk),8,9,10,11
    ("2021-12-31", "in_person", {}, DUE, "2022-01-29"),  # 1/1-3 off, 1/4 WD1 ... 1/29 (Sat, mk) WD20
    ("2020-12-31", "in_person", {}, DUE, "2021-01-29"),  # 1/1-3 off, 1/4-1/29 = 20 WD
    ("2024-12-31", "in_person", {}, DUE, "2025-02-05"),  # 1/1 off, 1/26 mk WD18, 1/27 WD19, 1/28-2/4 off
    ("2027-01-20", "in_person", {}, DUE, "2027-02-23"),  # provisional: 除夕2/5-初三2/8 + 2/9,2/10 补假
]


@pytest.mark.parametrize(("received", "channel", "extra", "field", "expected"), CASES)
def test_deadline_table(
    received: str, channel: str, extra: dict[str, object], field: str, expected: str
) -> None:
    kwargs = dict(extra)
    if "corrected" in kwargs:
        kwargs["corrected"] = D(str(kwargs["corrected"]))
    result = compute_deadline(D(received), channel=channel, **kwargs)  # type: ignore[arg-type]
    assert result.as_dict()[field] == expected


def test_table_has_at_least_40_cases() -> None:
    assert len(CASES) >= 40


def test_steps_show_receipt_makeup_days_breaks_and_due_day() -> None:
    steps = compute_deadline(D("2026-02-13")).as_dict()["steps"]
    assert steps[0] == "收到日 2026-02-13（周五），当天不计入"
    assert "第1个工作日 2026-02-14（周六）：调休上班" in steps
    assert any(s.startswith("2026-02-15（周日）至2026-02-23（周一）放假（春节）") for s in steps)
    assert "第20个工作日 2026-03-19（周四）：答复截止日" in steps
    assert "第40个工作日 2026-04-17（周五）：延期后截止日" in steps


def test_json_contract_keys_and_types() -> None:
    data = compute_deadline(D("2026-02-13"), channel="online").as_dict()
    for key in ("received", "due", "extended_due", "correction_notice_due", "provisional", "steps"):
        assert key in data
    assert data["provisional"] is False
    assert "确认" in data["t0_rule"]


def test_mail_channel_says_which_date_is_assumed() -> None:
    data = compute_deadline(D("2026-02-13"), channel="邮寄").as_dict()
    assert data["channel"] == "mail"
    assert "签收日或确认日" in data["t0_rule"]


def test_before_2019_05_15_names_the_old_rules() -> None:
    with pytest.raises(BadInput) as err:
        compute_deadline(D("2019-05-14"))
    assert "国务院令第492号" in err.value.user_message
    assert "15个工作日" in err.value.user_message


@pytest.mark.parametrize(
    ("text", "message"), [("2021-02-30", "日期不存在：2021-02-30"), ("2026/13/01", "格式不正确")]
)
def test_bad_dates(text: str, message: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_date(text)
    assert message in err.value.user_message


def test_bad_channel_and_corrected_before_received() -> None:
    with pytest.raises(BadInput, match="提交方式"):
        compute_deadline(D("2026-02-13"), channel="pigeon")
    with pytest.raises(BadInput, match="早于收到日"):
        compute_deadline(D("2026-02-13"), corrected=D("2026-02-01"))


def test_provisional_year_warns_and_far_future_is_refused() -> None:
    data = compute_deadline(D("2027-01-20")).as_dict()
    assert data["provisional"] is True
    assert any("2027年" in w and "推算" in w for w in data["warnings"])
    assert "⚠" in render(data)
    far = compute_deadline(D("2060-03-02")).as_dict()
    assert any("没有计入春节" in w for w in far["warnings"])
    with pytest.raises(BadInput, match="超出可计算范围"):
        compute_deadline(D("2100-03-01"))


def test_render_shows_bold_due_rule_and_basis() -> None:
    text = render(compute_deadline(D("2026-02-13"), third_party_days=2, extend=True).as_dict())
    assert "**答复截止日：2026-03-23（周一）**" in text  # 3/19 WD20, 3/20 WD21, 3/23 WD22
    assert "第三十一条" in text and "第三十三条" in text and "第三十条" in text
    assert "负责人同意" in text and "不计入答复期限" in text


def test_other_periods() -> None:
    assert active_disclosure_due(D("2026-02-13")) == D("2026-03-19")  # same 20-WD count as a reply
    assert consultation_reply_due(D("2025-09-26")) == D("2025-10-23")  # WD7 10/13, then 10/14-17, 10/20-23
    assert fee_payment_due(D("2026-09-18")) == D("2026-10-22")
    assert annual_report_dues(2025) == {"department": D("2026-01-31"), "county_government": D("2026-03-31")}
    # 60 natural days from 2026-08-03 is 2026-10-02 (国庆) -> rolls to 10/8
    assert review_application_due(D("2026-08-03")) == D("2026-10-08")
    assert lawsuit_after_review_due(D("2026-02-02")) == D("2026-02-24")  # 2/17 in 春节 break
    # no 2/31 -> month end 2/28, a Saturday but a 调休 working day, so no roll-over
    assert direct_lawsuit_due(D("2025-08-31")) == D("2026-02-28")


def test_eval_set_agrees_with_the_calculator() -> None:
    from pathlib import Path

    import yaml

    path = Path(__file__).resolve().parent.parent / "eval" / "sets" / "dev" / "deadline.yaml"
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    assert len(items) >= 20
    for item in items:
        inp = dict(item["input"])
        corrected = D(str(inp.pop("corrected"))) if "corrected" in inp else None
        data = compute_deadline(D(str(inp.pop("received"))), corrected=corrected, **inp).as_dict()
        for key, value in item["expected"].items():
            assert str(data[key]).lower() == str(value).lower(), (item["id"], key)


def test_langchain_tool_schema_and_errors() -> None:
    from assistant.factory import build_tool_context
    from tools.deadlines import make_tool

    tool = make_tool(build_tool_context())
    assert tool.name == "deadline"
    assert set(tool.args) == {"received", "channel", "extend", "third_party_days", "corrected"}
    assert "working days" in (tool.description or "")
    assert tool.invoke({"received": "2026-02-13", "channel": "fax"})["due"] == "2026-03-19"
    with pytest.raises(BadInput, match="日期不存在：2021-02-30"):
        tool.invoke({"received": "2021-02-30"})
