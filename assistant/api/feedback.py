"""``POST /api/feedback``: 👍 / 👎 on an answer of the web page, stored like a 👍/👎 in WeCom."""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from assistant.api.limits import member_of

router = APIRouter()


class Rating(BaseModel):
    kind: Literal["up", "down"] = Field(description="up：有用；down：没答好")
    question: str = Field("", max_length=2000, description="被评价的回答所答的问题")


@router.post("/api/feedback", summary="对一条回答点 👍 / 👎（👎 的问题进入管理员的“改进回答”列表）")
async def feedback(body: Rating, request: Request) -> dict[str, bool]:
    from assistant.loop import note_for_thumb
    from assistant.turn import Message

    note = note_for_thumb(body.kind, (Message("user", body.question),) if body.question.strip() else ())
    user = member_of(request) or "api"
    await asyncio.to_thread(request.app.state.process.record, note, user_id=f"web:{user}", channel="web")
    return {"recorded": True}
