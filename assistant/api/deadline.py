"""``GET|POST /api/deadline``: the same JSON as ``gongkai deadline --json``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from tools.deadlines import deadline_data

router = APIRouter()


class DeadlineRequest(BaseModel):
    received: str = Field(description="收到申请之日，YYYY-MM-DD")
    channel: str = Field("in_person", description="in_person | mail | online | fax")
    extend: bool = Field(False, description="是否延期答复")
    third_party_days: int = Field(0, description="征求第三方/其他机关意见所用工作日数（不计入期限）")
    corrected: str | None = Field(None, description="收到补正后申请之日，YYYY-MM-DD")


def _compute(req: DeadlineRequest) -> dict[str, Any]:
    return deadline_data(
        req.received,
        channel=req.channel,
        extend=req.extend,
        third_party_days=req.third_party_days,
        corrected=req.corrected,
    )


@router.get("/api/deadline", summary="计算依申请公开答复期限")
def get_deadline(
    received: str = Query(description="收到申请之日，YYYY-MM-DD"),
    channel: str = Query("in_person", description="in_person | mail | online | fax"),
    extend: bool = Query(False),
    third_party_days: int = Query(0),
    corrected: str | None = Query(None),
) -> dict[str, Any]:
    return _compute(
        DeadlineRequest(
            received=received,
            channel=channel,
            extend=extend,
            third_party_days=third_party_days,
            corrected=corrected,
        )
    )


@router.post("/api/deadline", summary="计算依申请公开答复期限")
def post_deadline(req: DeadlineRequest) -> dict[str, Any]:
    return _compute(req)
