"""The BM25 index's segments on disk, so that a start loads term counts instead of re-tokenising.

Every row is keyed by its chunk id and the hash of the text it was tokenised from; a sync tokenises
only the chunks whose key no segment holds yet (an ingest: its own chunks), writes them as one new
immutable segment and a manifest naming the segments and the store generation they cover. When the
segments grow many or hold many removed rows they are merged (array work, no tokenising).

The files live under ``data_dir/index/bm25/<tokenizer fingerprint>/``, per process, not in the shared
database: the term counts are a pure function of the chunk text and the tokenizer, so each replica's
copy is correct without coordination; reading ~40 MB of local arrays at 32k chunks is faster than
pulling them from PostgreSQL at every start, and a changed dictionary gets a fresh folder. A new
replica tokenises its corpus once (or starts from a copy of another replica's folder: the keys are
content hashes, valid anywhere).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.bm25_index import Bm25Index, Segment
from knowledge.tokenizer import Tokenizer
from knowledge.types import Chunk

log = logging.getLogger(__name__)
_SEP = "\x00"  # joins keys and vocabularies in a segment file (tokens never hold it)
_MAX_SEGMENTS = 8
_SLICE = 4096  # rows hashed between chances to give way to questions
_MAX_DEAD = 0.25
_ORPHAN_AGE_S = 3600.0  # an unreferenced segment this old is no process's work in progress


def row_key(chunk: Chunk, text: str) -> str:
    return chunk.id + "#" + hashlib.sha1(text.encode()).hexdigest()[:16]


class KeywordIndexer:
    """Builds the BM25 indexes of one process, keeping their segments in memory and (with ``root``) on disk."""

    def __init__(self, tokenizer: Tokenizer, root: Path | None = None) -> None:
        self.tokenizer = tokenizer
        self.root = None if root is None else root / tokenizer.fingerprint()[:16]
        self._segments: dict[str, list[Segment]] = {}
        self._generation: dict[str, str | None] = {}
        self._known: set[str] = set()  # segment files this indexer loaded, wrote or merged away
        self._row_keys: dict[str, dict[str, tuple[str, str]]] = {}  # kind -> chunk id -> (text, its row key)
        self._lock = threading.Lock()
        self.tokenised = 0  # chunks this indexer tokenised (tests and benchmarks)

    def index(self, kind: str, chunks: Sequence[Chunk], texts: Sequence[str], *,
              generation: str | None = None, give_way: Callable[[], None] | None = None) -> Bm25Index:
        """The index of ``kind`` over ``chunks`` (rows in this order, tokenised from ``texts``); tokenises only
        the chunks it lacks. ``give_way`` is called between the steps (a background build's pauses)."""
        pause = give_way or (lambda: None)
        with self._lock:
            keys = self._keys(kind, chunks, texts, pause)
            pause()
            segments = self._segments[kind] if kind in self._segments else self._load(kind)
            have = {k for s in segments for k in s.keys}
            missing = [n for n, k in enumerate(keys) if k not in have]
            if missing:  # another process (an ingest) may have written their segment already
                segments = [*segments, *self._unseen(kind)]
                have = {k for s in segments for k in s.keys}
                missing = [n for n, k in enumerate(keys) if k not in have]
            changed = bool(missing)
            if missing:
                started = time.perf_counter()
                segments = [*segments, self._tokenise([keys[n] for n in missing], [texts[n] for n in missing])]
                self._save_segment(segments[-1])
                log.info("bm25 %s: tokenised %d chunks in %.2fs", kind, len(missing), time.perf_counter() - started)
            pause()
            index = Bm25Index.assemble(segments, keys)
            pause()
            if _needs_merge(index):
                self._known.update(_segment_name(s) for s in segments)
                segments = [index.merged()]
                self._save_segment(segments[0])
                index = Bm25Index.assemble(segments, keys)
                changed = True
            self._segments[kind] = segments
            if changed or self._generation.get(kind) != generation:
                self._save_manifest(kind, segments, generation)
            index.prepare(pause)  # here, on the building thread, not on the first question
            return index

    def _keys(self, kind: str, chunks: Sequence[Chunk], texts: Sequence[str],
              pause: Callable[[], None] = lambda: None) -> list[str]:
        """The row keys, hashing only texts this indexer has not keyed before (a rebuild after an ingest hashes
        the new file's chunks, not the 31k it had: the hashing held the GIL for 0.1 s while questions waited)."""
        known = self._row_keys.get(kind, {})
        fresh: dict[str, tuple[str, str]] = {}
        keys = []
        for n, (chunk, text) in enumerate(zip(chunks, texts, strict=True)):
            if n % _SLICE == _SLICE - 1:
                pause()
            hit = known.get(chunk.id)
            if hit is None or hit[0] != text:
                hit = (text, row_key(chunk, text))
            fresh[chunk.id] = hit
            keys.append(hit[1])
        self._row_keys[kind] = fresh
        return keys

    def append(self, kind: str, chunks: Sequence[Chunk], texts: Sequence[str]) -> None:
        """Tokenise these chunks (an ingest's) into one new segment and add it to the persisted index of
        ``kind``, reading neither the other segments nor the other chunks: the next ``index`` in any process
        finds their rows there instead of tokenising them."""
        if self.root is None or not chunks:
            return
        segment = self._tokenise([row_key(c, t) for c, t in zip(chunks, texts, strict=True)], texts)
        self._save_segment(segment)
        name = _segment_name(segment)
        with self._manifest_lock():
            data = self._read_manifest(kind) or {"generation": None, "segments": []}
            if name not in data["segments"]:
                data["segments"].append(name)
            self._write_manifest(kind, data)
        self._known.add(name)

    def _tokenise(self, keys: Sequence[str], texts: Sequence[str]) -> Segment:
        self.tokenised += len(texts)
        return Segment.build(keys, [self.tokenizer.tokens(t) for t in texts])

    def _unseen(self, kind: str) -> list[Segment]:
        """Segments the persisted manifest names that this indexer has not seen (another process's ingest)."""
        data = self._read_manifest(kind) if self.root is not None else None
        if data is None:
            return []
        assert self.root is not None
        out = []
        for name in data["segments"]:
            if name not in self._known:
                try:
                    out.append(_read_segment(self.root / name))
                except (OSError, ValueError, KeyError, TypeError):
                    continue  # merged away meanwhile: its rows are tokenised instead
                self._known.add(name)
        return out

    def _read_manifest(self, kind: str) -> dict[str, Any] | None:
        assert self.root is not None
        try:
            data = json.loads((self.root / f"{kind}.json").read_text(encoding="utf-8"))
            return data if isinstance(data, dict) and isinstance(data.get("segments"), list) else None
        except (OSError, ValueError):
            return None

    def _write_manifest(self, kind: str, data: dict[str, Any]) -> None:
        assert self.root is not None
        partial = self.root / f".{kind}.{os.getpid()}.{threading.get_ident()}.tmp"
        partial.write_text(json.dumps(data), encoding="utf-8")
        partial.replace(self.root / f"{kind}.json")

    @contextmanager
    def _manifest_lock(self) -> Iterator[None]:
        """Manifests are read, changed and written under this lock by every process of the data directory."""
        assert self.root is not None
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".manifest.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def _load(self, kind: str) -> list[Segment]:
        if self.root is None:
            return []
        manifest = self.root / f"{kind}.json"
        try:
            if not manifest.exists():
                return []
            data = json.loads(manifest.read_text(encoding="utf-8"))
            segments = [_read_segment(self.root / name) for name in data["segments"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:  # a damaged cache is rebuilt, never fatal
            log.warning("bm25 %s: cached index unreadable (%s), rebuilding", kind, type(exc).__name__)
            return []
        self._generation[kind] = data.get("generation")
        self._known.update(data["segments"])
        return segments

    def _save_segment(self, segment: Segment) -> None:
        if self.root is None:
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            path = self.root / _segment_name(segment)
            if not path.exists():
                partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                with partial.open("wb") as handle:
                    np.savez(handle, keys=_pack(segment.keys), vocab=_pack(segment.vocab), indptr=segment.indptr,
                             docs=segment.docs, tfs=segment.tfs, lengths=segment.lengths)
                partial.replace(path)
        except OSError as exc:  # a full disk costs the next start its speed, not this answer
            log.warning("bm25 segment not saved: %s", type(exc).__name__)

    def _save_manifest(self, kind: str, segments: list[Segment], generation: str | None) -> None:
        self._generation[kind] = generation
        if self.root is None:
            return
        names = [_segment_name(s) for s in segments]
        self._known.update(names)
        try:
            with self._manifest_lock():
                # a segment another process added since (an ingest's) stays named: its rows are live
                current = self._read_manifest(kind) or {"segments": []}
                names += [n for n in current["segments"] if n not in self._known and n not in names]
                self._write_manifest(kind, {"generation": generation, "segments": names})
            self._collect_orphans()
        except OSError as exc:
            log.warning("bm25 manifest not saved: %s", type(exc).__name__)

    def _collect_orphans(self) -> None:
        """Delete old segment files that no manifest names (merged away, or a removed document's)."""
        assert self.root is not None
        named: set[str] = set()
        for manifest in self.root.glob("*.json"):
            try:
                named.update(json.loads(manifest.read_text(encoding="utf-8"))["segments"])
            except (OSError, ValueError, KeyError):
                return  # another process is writing it: collect next time
        now = time.time()
        for path in self.root.glob("seg-*.npz"):
            if path.name not in named and now - path.stat().st_mtime > _ORPHAN_AGE_S:
                path.unlink(missing_ok=True)


def _needs_merge(index: Bm25Index) -> bool:
    rows = sum(len(s.keys) for s in index.segments)
    return len(index.segments) > _MAX_SEGMENTS or (rows > 0 and 1 - index.live_rows / rows > _MAX_DEAD)


def _segment_name(segment: Segment) -> str:
    """Named by its rows' keys: two processes writing the same rows write the same file."""
    return "seg-" + hashlib.sha1(_SEP.join(segment.keys).encode()).hexdigest()[:20] + ".npz"


def _pack(strings: Sequence[str]) -> np.ndarray:
    # a leading marker keeps an empty list apart from a list of one empty string
    return np.frombuffer(_SEP.join(["-", *strings]).encode(), dtype=np.uint8)


def _unpack(data: np.ndarray) -> tuple[str, ...]:
    return tuple(data.tobytes().decode().split(_SEP)[1:])


def _read_segment(path: Path) -> Segment:
    with np.load(path, allow_pickle=False) as data:
        keys, vocab = _unpack(data["keys"]), _unpack(data["vocab"])
        if len(vocab) + 1 != data["indptr"].size or len(keys) != data["lengths"].size:
            raise ValueError("segment arrays disagree")
        return Segment(keys, vocab, data["indptr"], data["docs"], data["tfs"], data["lengths"])
