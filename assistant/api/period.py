"""``GET /api/period``: the same JSON as ``gongkai period KIND --from … --json``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from tools.period_tool import period_data

router = APIRouter()


@router.get("/api/period", summary="计算主动公开、征求意见、缴费、复议、起诉、年报等法定期限")
def get_period(
    kind: str = Query(
        description="disclosure | consultation | fee | review | lawsuit | direct_lawsuit | annual_report"
    ),
    start: str = Query(description="起算日 YYYY-MM-DD；annual_report 写报告年度，如 2026"),
) -> dict[str, Any]:
    return period_data(kind, start)
