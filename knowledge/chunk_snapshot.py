"""A copy of the store's chunks in the data directory, keyed by the store's generation.

Reading 32k chunks through the database (a row each, two JSON columns per row) takes seconds; a JSON
lines file of the same chunks loads several times faster. The copy is used only when its generation is the
store's generation now (a new one is drawn at every write), so it is never stale; any problem reading
or writing it falls back to the database.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from knowledge.types import Chunk

log = logging.getLogger(__name__)


def snapshot_path(data_dir: Path) -> Path:
    return data_dir / "index" / "chunks.jsonl"


def load(path: Path, generation: str | None) -> list[Chunk] | None:
    """The chunks of this generation, or None when the copy is missing, of another generation or unreadable."""
    if generation is None or not path.exists():
        return None
    try:
        with path.open(encoding="utf-8") as handle:
            if json.loads(handle.readline()).get("generation") != generation:
                return None
            rows = [json.loads(line) for line in handle]
        return [Chunk(id=r[0], doc_id=r[1], title=r[2], section=r[3], text=r[4], section_path=tuple(r[5]),
                      metadata=dict(r[6])) for r in rows]
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        log.warning("chunk snapshot unreadable (%s): reading the store", type(exc).__name__)
        return None


def save(path: Path, generation: str | None, chunks: Sequence[Chunk]) -> None:
    if generation is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with partial.open("w", encoding="utf-8") as handle:
            # a line per chunk: a serving process writes this on its rebuild thread, and one json.dumps of the
            # whole corpus would hold the GIL (and the questions answered meanwhile) for a second at 32k chunks
            handle.write(json.dumps({"generation": generation}) + "\n")
            for c in chunks:
                row = [c.id, c.doc_id, c.title, c.section, c.text, list(c.section_path), c.metadata]
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        partial.replace(path)
    except OSError as exc:  # the next start reads the store instead
        log.warning("chunk snapshot not saved: %s", type(exc).__name__)
