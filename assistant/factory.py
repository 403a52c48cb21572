"""Build the collaborators from settings. The CLI, the app factory, the eval runner and the tests all use these."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.engine import Engine
from assistant.llm import LLMResponder
from assistant.quiz import QuizMaster
from assistant.settings import Settings
from knowledge.clock import today
from knowledge.county import use_county_dir
from knowledge.plan import load_plan
from knowledge.shelf import Shelf
from knowledge.types import Hit
from knowledge.units import load_units
from tools.context import ToolContext
from tools.registry import Toolbox

if TYPE_CHECKING:
    from assistant.storage import Database
    from knowledge.retriever import HybridRetriever, Retrieval
    from knowledge.store import ChunkStore


class LazyRetriever:
    """Opens the index on the first search (commands that never search start fast) and follows the chunk
    store: one cheap read of its generation per search; a document removed or superseded (in any process,
    any replica) stops answering at once; new documents are indexed in the background and swapped in,
    while questions keep their answers from the index as it was."""

    def __init__(self, settings: Settings, on_first_build: Callable[[int], None] | None = None,
                 db: Database | None = None) -> None:
        from knowledge.index import IndexOptions
        from knowledge.live_index import LiveIndex

        self.settings = settings
        self._db = db
        self._store: ChunkStore | None = None
        self.live = LiveIndex(IndexOptions(
            data_dir=settings.data_dir,
            embedder=settings.embedder,
            embedding_model=settings.embedding_model,
            embedding_threads=settings.embedding_threads,
            chroma_url=settings.chroma_url,
            mode=settings.retrieval_mode,
            on_first_build=on_first_build,
        ), lambda: self.store)

    @property
    def store(self) -> ChunkStore:
        if self._store is None:
            self._store = build_store(self.settings, self._db)
        return self._store

    def open(self) -> HybridRetriever:
        self.settings.ensure_dirs()
        return self.live.current()

    def search(self, query: str, k: int) -> list[Hit]:
        return self.open().search(query, k)

    def retrieve(self, query: str, k: int) -> Retrieval:
        return self.open().retrieve(query, k)

    def term_idf(self, term: str) -> float:
        return self.live.serving().term_idf(term)


def build_store(settings: Settings, db: Database | None = None) -> ChunkStore:
    """The chunk store in the configured database (opened and migrated here when no ``db`` is given)."""
    from assistant.storage import open_database
    from knowledge.legacy_store import import_legacy
    from knowledge.store import ChunkStore

    if db is None:
        settings.ensure_dirs()
        db = open_database(settings.resolved_database_url)
    store = ChunkStore(db.engine)
    import_legacy(store, settings.data_dir)  # once: documents ingested under 0.1 move into the database
    return store


def use_county(settings: Settings) -> None:
    """Point this process at the settings' county data folder (before anything reads units or plans)."""
    use_county_dir(settings.county_path)


def build_tool_context(
    settings: Settings | None = None, store: Callable[[], ChunkStore] | None = None
) -> ToolContext:
    """With settings: the plans and units the chunk store holds (ingested plans included, re-read when any
    process changes them; ``store`` shares an opened store, else one is opened on first use); without:
    the county data set's built-in plan alone."""
    if settings is None:
        return ToolContext(plan=load_plan(), units=load_units(), today=today)
    use_county(settings)
    opened: list[ChunkStore] = []

    def lazy_store() -> ChunkStore:
        if not opened:
            opened.append(build_store(settings))
        return opened[0]

    return ToolContext(shelf=Shelf(store or lazy_store), today=today)


def build_retriever(settings: Settings, on_first_build: Callable[[int], None] | None = None,
                    db: Database | None = None) -> LazyRetriever:
    """The hybrid retriever over the chunk store in the configured database (opened on first use)."""
    return LazyRetriever(settings, on_first_build, db)


def build_quiz(db: Any = None) -> QuizMaster:
    """The /测验 quiz, graded by the eval runner's own key-fact check (one grader for both); with a
    database (``assistant.storage.Database``), finished quizzes are stored for ``gongkai quiz --report``."""
    from assistant.quiz import database_recorder
    from eval.grading import grade_facts  # the composition root is where eval's grader meets the engine

    return QuizMaster(grader=grade_facts, recorder=database_recorder(db) if db is not None else None)


def build_engine(settings: Settings, *, on_first_build: Callable[[int], None] | None = None, db: Any = None) -> Engine:
    """The engine; ``on_first_build`` hears the estimated seconds before the index is first built;
    with ``db``, quiz scores are stored, the 依申请公开 register answers in chat and approved answers answer first."""
    from assistant.approved_layer import ApprovedLayer
    from assistant.register_chat import RegisterDesk

    retriever = build_retriever(settings, on_first_build, db)
    toolbox = Toolbox(build_tool_context(settings, lambda: retriever.store))
    return Engine(
        retriever=retriever,
        toolbox=toolbox,
        top_k=settings.top_k,
        max_chars=settings.max_text_chars,
        llm=LLMResponder(settings.llm, toolbox) if settings.llm.enabled else None,
        quiz=build_quiz(db),
        register=RegisterDesk(db) if db is not None else None,
        approved=ApprovedLayer(db, retriever.open) if db is not None else None,
    )
