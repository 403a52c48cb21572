"""``POST /api/ask``: the same answer and JSON as ``gongkai ask --json``."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from assistant.api.deps import PoolDep
from assistant.api.limits import member_of
from assistant.turn import Message, Turn

router = APIRouter()


class HistoryMessage(BaseModel):
    role: Literal["user", "assistant"]
    text: str = Field(max_length=20_000)


class AskRequest(BaseModel):
    question: str = Field(description="问题，例如：依申请公开多少个工作日内答复？")
    history: list[HistoryMessage] = Field(default_factory=list, max_length=50, description="此前的对话，按时间先后")


@router.post("/api/ask", summary="提问，回答附出处（与 gongkai ask --json 相同）")
async def ask(body: AskRequest, pool: PoolDep, request: Request) -> dict[str, Any]:
    history = tuple(Message(m.role, m.text) for m in body.history)
    user = member_of(request) or "api"
    turn = Turn(text=body.question, user_id=user, history=history)
    reply = await pool.run("respond", turn)
    # /反馈, refused and weak answers are stored for the improvement loop as in WeCom and gongkai chat
    await asyncio.to_thread(request.app.state.process.record_turn, turn, reply, user_id=f"web:{user}", channel="web")
    return dict(reply.as_dict())
