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


class LazyRetriever:
    """Opens the index on the first search, so commands that never search (deadline, duties) start fast."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._retriever: Retriever | None = None

    def open(self) -> Retriever:
        if self._retriever is None:
            from knowledge.index import IndexOptions, open_retriever

            self.settings.ensure_dirs()
            options = IndexOptions(
                data_dir=self.settings.data_dir,
                embedder=self.settings.embedder,
                embedding_model=self.settings.embedding_model,
                chroma_url=self.settings.chroma_url,
                mode=self.settings.retrieval_mode,
            )
            self._retriever = open_retriever(options)
        return self._retriever

    def search(self, query: str, k: int) -> list[Hit]:
        return self.open().search(query, k)


def build_tool_context() -> ToolContext:
    return ToolContext(plan=load_plan(), units=load_units(), today=date.today)


def build_retriever(settings: Settings) -> LazyRetriever:
    """The hybrid retriever over the chunk store under ``settings.data_dir`` (opened on first use)."""
    return LazyRetriever(settings)


def build_engine(settings: Settings) -> Engine:
    toolbox = Toolbox(build_tool_context())
    return Engine(
        retriever=build_retriever(settings),
        toolbox=toolbox,
        top_k=settings.top_k,
        max_chars=settings.max_text_chars,
        llm=LLMResponder(settings.llm, toolbox) if settings.llm.enabled else None,
    )
