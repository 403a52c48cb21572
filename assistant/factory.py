"""Build the collaborators from settings. The CLI, the app factory, the eval runner and the tests all use these."""

from __future__ import annotations

from datetime import date

from assistant.engine import Engine, Retriever
from assistant.llm import LLMResponder
from assistant.settings import Settings
from knowledge.plan import load_plan
from knowledge.types import Hit
from knowledge.units import load_units
from tools.context import ToolContext
from tools.registry import Toolbox


class _NoRetriever:
    """Placeholder until the index exists (stub: replaced by the retrieval work)."""

    def search(self, query: str, k: int) -> list[Hit]:
        return []


def build_tool_context() -> ToolContext:
    return ToolContext(plan=load_plan(), units=load_units(), today=date.today)


def build_retriever(settings: Settings) -> Retriever:
    return _NoRetriever()


def build_engine(settings: Settings) -> Engine:
    toolbox = Toolbox(build_tool_context())
    return Engine(
        retriever=build_retriever(settings),
        toolbox=toolbox,
        top_k=settings.top_k,
        max_chars=settings.max_text_chars,
        llm=LLMResponder(settings.llm, toolbox) if settings.llm.enabled else None,
    )
