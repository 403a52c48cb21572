"""The other periods of regulations.md §7: active disclosure, consultation replies, fees, annual
reports, and the 复议/诉讼 periods (natural days, rolled over to the next working day, 民法典第二百零三条).
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta

from tools.deadlines import rules
from tools.workcal import Calendar, add_workdays, next_workday_on_or_after


def active_disclosure_due(formed: date, cal: Calendar | None = None) -> date:
    """主动公开：信息形成或变更之日起20个工作日内（条例第二十六条）。"""
    return add_workdays(formed, rules()["periods"]["active_disclosure"], cal)[0]


def consultation_reply_due(sent_received: date, cal: Calendar | None = None) -> date:
    """第三方/其他机关收到征求意见书之日起15个工作日内答复（第三十二条、第三十四条）。"""
    return add_workdays(sent_received, rules()["periods"]["consultation"], cal)[0]


def fee_payment_due(notice_received: date, cal: Calendar | None = None) -> date:
    """收到收费通知的次日起20个工作日内缴费（109号，经二手复述，[P]）。"""
    return add_workdays(notice_received, rules()["periods"]["fee_payment"], cal)[0]


def annual_report_dues(report_year: int) -> dict[str, date]:
    """上一年度年报：部门1月31日前，县政府本级3月31日前（条例第四十九条）。"""
    return {"department": date(report_year + 1, 1, 31), "county_government": date(report_year + 1, 3, 31)}


def review_application_due(known: date, cal: Calendar | None = None) -> date:
    """申请行政复议：知道之日起60日（自然日），末日逢休假日顺延（复议法第二十条，民法典第二百零三条）。"""
    return next_workday_on_or_after(known + timedelta(days=rules()["periods"]["review_days"]), cal)


def lawsuit_after_review_due(decision_received: date, cal: Calendar | None = None) -> date:
    """收到复议决定书之日起15日内起诉（行政诉讼法第四十五条），末日逢休假日顺延。"""
    days = rules()["periods"]["lawsuit_after_review_days"]
    return next_workday_on_or_after(decision_received + timedelta(days=days), cal)


def direct_lawsuit_due(known: date, cal: Calendar | None = None) -> date:
    """直接起诉：6个月（行政诉讼法第四十六条）；无对应日取月末（民法典第二百零二条），末日逢休假日顺延。"""
    return next_workday_on_or_after(months_later(known, rules()["periods"]["direct_lawsuit_months"]), cal)


def months_later(d: date, n: int) -> date:
    """The corresponding day n months later; the month's last day if there is none (民法典第二百零二条)."""
    months = d.month - 1 + n
    year, month = d.year + months // 12, months % 12 + 1
    return date(year, month, min(d.day, _calendar.monthrange(year, month)[1]))
