"""A copy of the store's chunks in the data directory, keyed by the store's generation.

Reading 32k chunks through the database (a row each, two JSON columns per row) takes seconds; one JSON
file of the same chunks loads several times faster. The copy is used only when its generation is the
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
    return data_dir / "index" / "chunks.json"


def load(path: Path, generation: str | None) -> list[Chunk] | None:
    """The chunks of this generation, or None when the copy is missing, of another generation or unreadable."""
    if generation is None or not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("generation") != generation:
            return None
        return [Chunk(id=r[0], doc_id=r[1], title=r[2], section=r[3], text=r[4], section_path=tuple(r[5]),
                      metadata=dict(r[6])) for r in data["chunks"]]
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        log.warning("chunk snapshot unreadable (%s): reading the store", type(exc).__name__)
        return None


def save(path: Path, generation: str | None, chunks: Sequence[Chunk]) -> None:
    if generation is None:
        return
    rows = [[c.id, c.doc_id, c.title, c.section, c.text, list(c.section_path), c.metadata] for c in chunks]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps({"generation": generation, "chunks": rows}, ensure_ascii=False),
                           encoding="utf-8")
        partial.replace(path)
    except OSError as exc:  # the next start reads the store instead
        log.warning("chunk snapshot not saved: %s", type(exc).__name__)
