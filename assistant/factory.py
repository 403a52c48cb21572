"""Build the collaborators from settings. The CLI, the app factory, the eval runner and the tests all use these."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from assistant.engine import Engine
from assistant.llm import LLMResponder
from assistant.quiz import QuizMaster
from assistant.settings import Settings
from knowledge.plan import load_plan
from knowledge.types import Hit
from knowledge.units import load_units
from tools.context import ToolContext
from tools.registry import Toolbox

if TYPE_CHECKING:
    from knowledge.retriever import HybridRetriever, Retrieval


class LazyRetriever:
    """Opens the index on the first search (commands that never search start fast) and reopens it when
    the chunk store changed underneath (``gongkai ingest`` while the server runs)."""

    def __init__(self, settings: Settings, on_first_build: Callable[[int], None] | None = None) -> None:
        self.settings = settings
        self.on_first_build = on_first_build
        self._retriever: HybridRetriever | None = None
        self._lock = threading.Lock()

    def open(self) -> HybridRetriever:
        from knowledge.index import IndexOptions, current_generation, open_retriever

        with self._lock:
            stale = self._retriever is not None and self._retriever.generation != current_generation(
                self.settings.data_dir
            )
            if self._retriever is None or stale:
                self.settings.ensure_dirs()
                options = IndexOptions(
                    data_dir=self.settings.data_dir,
                    embedder=self.settings.embedder,
                    embedding_model=self.settings.embedding_model,
                    chroma_url=self.settings.chroma_url,
                    mode=self.settings.retrieval_mode,
                    on_first_build=self.on_first_build,
                )
                self._retriever = open_retriever(options)
            return self._retriever

    def search(self, query: str, k: int) -> list[Hit]:
        return self.open().search(query, k)

    def retrieve(self, query: str, k: int) -> Retrieval:
        return self.open().retrieve(query, k)


def build_tool_context() -> ToolContext:
    return ToolContext(plan=load_plan(), units=load_units(), today=date.today)


def build_retriever(settings: Settings, on_first_build: Callable[[int], None] | None = None) -> LazyRetriever:
    """The hybrid retriever over the chunk store under ``settings.data_dir`` (opened on first use)."""
    return LazyRetriever(settings, on_first_build)


def build_quiz(db: Any = None) -> QuizMaster:
    """The /测验 quiz, graded by the eval runner's own key-fact check (one grader for both); with a
    database (``assistant.storage.Database``), finished quizzes are stored for ``gongkai quiz --report``."""
    from assistant.quiz import database_recorder
    from eval.grading import grade_facts  # the composition root is where eval's grader meets the engine

    return QuizMaster(grader=grade_facts, recorder=database_recorder(db) if db is not None else None)


def build_engine(settings: Settings, *, on_first_build: Callable[[int], None] | None = None, db: Any = None) -> Engine:
    """The engine; ``on_first_build`` hears the estimated seconds before the index is first built;
    with ``db``, quiz scores are stored and the 依申请公开 register answers in chat."""
    from assistant.register_chat import RegisterDesk

    toolbox = Toolbox(build_tool_context())
    return Engine(
        retriever=build_retriever(settings, on_first_build),
        toolbox=toolbox,
        top_k=settings.top_k,
        max_chars=settings.max_text_chars,
        llm=LLMResponder(settings.llm, toolbox) if settings.llm.enabled else None,
        quiz=build_quiz(db),
        register=RegisterDesk(db) if db is not None else None,
    )
