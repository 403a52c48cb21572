"""(stub: filled in by the tools work)"""

from __future__ import annotations

from typing import Any

from langchain_core.tools import StructuredTool

from tools.context import ToolContext


def make_tool(ctx: ToolContext) -> StructuredTool:
    def _run(text: str = "") -> dict[str, Any]:
        return {}

    return StructuredTool.from_function(func=_run, name="deadlines", description="stub")


def render(data: dict[str, Any]) -> str:
    return str(data)
