"""Compose an extractive answer with citations from retrieval hits. (stub: filled in by the retrieval work)"""

from __future__ import annotations

from assistant.turn import Reply
from knowledge.types import Hit

NOT_FOUND = "在政务公开工作方案和《政府信息公开条例》中没有找到与此相关的规定。建议咨询县人民政府办公室（政务公开主管部门）。"


def compose_answer(question: str, hits: list[Hit]) -> Reply:
    if not hits:
        return Reply(text=NOT_FOUND)
    return Reply(text=hits[0].chunk.text)
