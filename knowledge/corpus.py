"""The built-in corpus: the plan (one chunk per paragraph) and the regulations digest (one chunk per rule)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

from knowledge.chunking import chunk_document
from knowledge.county import COUNTY_FILE, UNITS_FILE, load_county
from knowledge.types import Chunk

log = logging.getLogger(__name__)

PLAN_DOC_ID = "builtin:plan"
DIGEST_DOC_ID = "builtin:digest"


def plan_text() -> str:
    """The county data set's built-in plan ("" when it has none: its plans are all ingested)."""
    return load_county().builtin_plan_text() or ""


def plan_title() -> str:
    from knowledge.plan import load_plan

    return load_plan().title if plan_text() else ""


def plan_chunks() -> list[Chunk]:
    """The plan's paragraphs; each keeps its 责任单位 clause in the text."""
    text = plan_text()
    return chunk_document(text, doc_id=PLAN_DOC_ID, title=plan_title(), kind="plan") if text else []


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
    county = load_county()
    digest = hashlib.sha256(str(county.directory.resolve()).encode())
    for path in (county.directory / COUNTY_FILE, county.directory / UNITS_FILE,
                 county.directory / (county.plan_file or COUNTY_FILE), here / "sources" / "regulations.yaml",
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
