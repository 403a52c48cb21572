"""The built-in corpus: the plan (one chunk per paragraph) and the regulations digest (one chunk per rule)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from knowledge.chunking import chunk_document
from knowledge.types import PLAN_TITLE, Chunk

log = logging.getLogger(__name__)

PLAN_DOC_ID = "builtin:plan"
DIGEST_DOC_ID = "builtin:digest"


def plan_text() -> str:
    return resources.files("knowledge").joinpath("sources", "plan.txt").read_text(encoding="utf-8")


def plan_chunks() -> list[Chunk]:
    """The plan's paragraphs; each keeps its 责任单位 clause in the text."""
    return chunk_document(plan_text(), doc_id=PLAN_DOC_ID, title=PLAN_TITLE, kind="plan")


def digest_chunks() -> list[Chunk]:
    """The regulations digest's rules (with their verification status in metadata)."""
    try:
        from knowledge.digest import digest_chunks as load
    except ImportError:  # digest not installed yet: the plan alone still answers
        log.warning("regulations digest unavailable")
        return []
    return list(load())


def builtin_clauses() -> list[Chunk]:
    """The plan's paragraphs and the digest's rules: what answers quote."""
    return plan_chunks() + digest_chunks()


def bank_chunks() -> list[Chunk]:
    """The question bank's questions (kind ``question``), each pointing at a clause."""
    from knowledge.bank import bank_chunks as load

    return load()


def builtin_chunks() -> list[Chunk]:
    return builtin_clauses() + bank_chunks()


def source_fingerprint() -> str:
    """Hash of the files the built-in chunks come from: cheap to compute (no parsing) at every start."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in (here / "sources" / "plan.txt", here / "sources" / "regulations.yaml",
                 here / "sources" / "question_bank.yaml", here / "digest.py", here / "bank.py",
                 here / "chunking.py", here / "corpus.py"):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def fingerprint(chunks: Sequence[Chunk]) -> str:
    """Changes whenever a built-in chunk changes, so an upgraded package re-indexes itself."""
    digest = hashlib.sha256()
    for chunk in chunks:
        for part in (chunk.id, chunk.title, chunk.section, chunk.text, repr(sorted(chunk.metadata.items()))):
            digest.update(part.encode())
            digest.update(b"\x00")
    return digest.hexdigest()
