"""A copy of the store's chunks in the data directory, keyed by the store's generation.

Reading 32k chunks through the database (a row each, two JSON columns per row) takes seconds; a JSON
lines file of the same chunks loads several times faster. The copy is used only when its generation is the
store's generation now (a new one is drawn at every write), so it is never stale; any problem reading
or writing it falls back to the database.

The file is a log, so that an ingest extends it instead of rewriting it: a format line, then chunk rows
(JSON lists), ``{"replace": [doc ids]}`` records (the rows of these documents before this point are
dropped) and ``{"generation": G}`` marks. What the file holds is the state at its last mark; lines after
it (an append that did not finish) are ignored. ``advance`` appends one write's documents to a copy
that is at the write's previous generation, under an exclusive lock, and leaves any other copy alone.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from knowledge.types import Chunk

log = logging.getLogger(__name__)
_FORMAT = '{"format": 2}'
_TAIL = 4096  # a mark is far shorter: the last mark is found in the file's tail


def snapshot_path(data_dir: Path) -> Path:
    return data_dir / "index" / "chunks.jsonl"


def load(path: Path, generation: str | None) -> list[Chunk] | None:
    """The chunks of this generation, or None when the copy is missing, of another generation or unreadable."""
    if generation is None or not path.exists():
        return None
    try:
        with path.open(encoding="utf-8") as handle:
            if handle.readline().strip() != _FORMAT:
                return None  # an older layout: read the store, the next save writes this one
            rows: list[list[Any]] = []
            committed: tuple[list[list[Any]], int] | None = None  # the rows at the last mark: (list, length)
            mark = None
            for line in handle:
                if line.startswith("["):
                    rows.append(json.loads(line))
                    continue
                record = json.loads(line)
                if "replace" in record:
                    gone = set(record["replace"])
                    rows = [r for r in rows if r[1] not in gone]  # a new list: a committed one stays as it was
                else:
                    mark, committed = record["generation"], (rows, len(rows))
        if mark != generation or committed is None:
            return None
        return [Chunk(id=r[0], doc_id=r[1], title=r[2], section=r[3], text=r[4], section_path=tuple(r[5]),
                      metadata=dict(r[6])) for r in committed[0][:committed[1]]]
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        log.warning("chunk snapshot unreadable (%s): reading the store", type(exc).__name__)
        return None


def _row(c: Chunk) -> str:
    return json.dumps([c.id, c.doc_id, c.title, c.section, c.text, list(c.section_path), c.metadata],
                      ensure_ascii=False) + "\n"


def _mark(generation: str) -> str:
    return json.dumps({"generation": generation}) + "\n"


def save(path: Path, generation: str | None, chunks: Sequence[Chunk]) -> None:
    if generation is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with partial.open("w", encoding="utf-8") as handle:
            # a line per chunk: a serving process writes this on its rebuild thread, and one json.dumps of the
            # whole corpus would hold the GIL (and the questions answered meanwhile) for a second at 32k chunks
            handle.write(_FORMAT + "\n")
            for c in chunks:
                handle.write(_row(c))
            handle.write(_mark(generation))
        partial.replace(path)
    except OSError as exc:  # the next start reads the store instead
        log.warning("chunk snapshot not saved: %s", type(exc).__name__)


def last_mark(path: Path) -> str | None:
    """The generation of the copy (its last line's mark), or None."""
    try:
        with path.open("rb") as handle:
            return _tail_mark(handle)
    except OSError:
        return None


def _tail_mark(handle: BinaryIO) -> str | None:
    size = handle.seek(0, os.SEEK_END)
    handle.seek(max(0, size - _TAIL))
    lines = handle.read().decode("utf-8", "replace").splitlines()
    if not lines or not lines[-1].startswith('{"generation"'):
        return None
    try:
        return str(json.loads(lines[-1])["generation"])
    except (ValueError, KeyError):
        return None


def advance(path: Path, before: str | None, after: str, replaced: Sequence[str], chunks: Sequence[Chunk]) -> bool:
    """Append one write to a copy that is at ``before``: the documents ``replaced`` (removed, or rewritten)
    lose their rows, ``chunks`` (the documents written, last in the store's order) are added, and the copy
    is at ``after``. Returns False (and writes nothing) when the copy is at another generation."""
    if before is None or not path.exists():
        return False
    try:
        with path.open("r+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # two ingests at once: one appends, the other finds a new mark
            if _tail_mark(handle) != before:
                return False
            handle.seek(0, os.SEEK_END)
            gone = sorted({*replaced, *(c.doc_id for c in chunks)})
            text = json.dumps({"replace": gone}, ensure_ascii=False) + "\n" + "".join(_row(c) for c in chunks)
            handle.write((text + _mark(after)).encode("utf-8"))
        return True
    except OSError as exc:
        log.warning("chunk snapshot not extended: %s", type(exc).__name__)
        return False
