"""The LangChain tools the engine's router and the optional LLM agent both call.

Each tool module provides ``make_tool(ctx) -> StructuredTool`` (whose function returns the JSON
contract of DESIGN.md as a dict) and ``render(data) -> str`` (the Chinese reply text).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from knowledge.errors import BadInput, NotFound
from tools.context import ToolContext

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

# imported on first use: tools.attribute alone (rules, statistics, the personal-data reader) is ~0.3 s of a
# cold `gongkai ask` that calls no tool
_MODULES = {"classify": "tools.attribute", "duties": "tools.duties", "deadline": "tools.deadlines",
            "period": "tools.period_tool"}


def _module(name: str) -> ModuleType:
    return import_module(_MODULES[name])


@dataclass(frozen=True)
class ToolResult:
    tool: str
    text: str
    data: dict[str, Any]


class Toolbox:
    """Builds every tool once, on first use; ``run`` calls one by name and renders its reply.

    The tools are LangChain ``StructuredTool``s, slow to import (about 0.3 s): a process that only answers
    knowledge questions (``gongkai ask``) never builds them.
    """

    def __init__(self, ctx: ToolContext) -> None:
        self.ctx = ctx

    @cached_property
    def tools(self) -> dict[str, StructuredTool]:
        return {name: _module(name).make_tool(self.ctx) for name in _MODULES}

    def run(self, name: str, args: dict[str, Any]) -> ToolResult:
        tool = self.tools.get(name)
        if tool is None:
            raise NotFound(f"没有名为“{name}”的工具。")
        try:
            data = tool.invoke(args)
        except ValidationError as exc:
            raise BadInput("参数不正确，请检查后重试。", detail=f"{name}: {exc.error_count()} errors") from exc
        return ToolResult(tool=name, text=_module(name).render(data), data=data)

    def as_list(self) -> list[StructuredTool]:
        return list(self.tools.values())
