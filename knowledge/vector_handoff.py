"""How ``gongkai ingest`` hands a running server the vectors it embedded, so that the server neither opens
Chroma nor embeds the same chunks again.

- The claim: while an ingest process works, it holds a shared lock on a file beside the vector mark. A
  server whose store moved while the claim is held leaves the new chunks' vectors to that process (its
  rebuild serves them by keywords at once, and by vectors after the next swap) instead of embedding them a
  second time on the same two cores. The kernel drops the lock when the process ends, however it ends, so
  a crashed ingest never holds a server back: the server then embeds what is missing itself.
- The hand-over: the vectors an ingest added, by ``vector_key``, in a small file per ingest in the data
  directory. A server reads these before asking Chroma (opening the client and its collection of 31k
  vectors cost 100+ MB of memory in the serving process). A key names one chunk text under one embedder,
  so a file is never wrong, only possibly no longer needed; files older than ``_KEEP_S`` are deleted.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
_KEEP_S = 600.0  # every serving process of the data directory has long read a hand-over by then


@contextmanager
def claim(path: Path) -> Iterator[None]:
    """Hold the claim (shared: several ingests may run at once) for the duration of the block."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+b")
    except OSError as exc:  # without it the server embeds the new chunks itself: slower, still correct
        log.warning("vector claim not taken: %s", type(exc).__name__)
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield


def claimed(path: Path) -> bool:
    """Some process holds the claim now."""
    try:
        with path.open("rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    except OSError:
        return False


def hand_over(folder: Path, keys: Sequence[str], vectors: np.ndarray) -> None:
    """Leave these vectors for the serving processes of this data directory."""
    if not len(keys):
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}-{os.getpid()}"
        partial = folder / f".{name}.tmp.npz"
        np.savez(partial, keys=np.array(list(keys), dtype=str), vectors=np.asarray(vectors, dtype=np.float32))
        partial.replace(folder / f"{name}.npz")
    except OSError as exc:  # the server reads them from Chroma instead
        log.warning("vectors not handed over: %s", type(exc).__name__)


def take(folder: Path, keys: Sequence[str], into: dict[str, np.ndarray]) -> None:
    """Put the handed-over vectors of any of ``keys`` into ``into``."""
    wanted = set(keys) - set(into)
    if not wanted or not folder.is_dir():
        return
    for path in sorted(folder.glob("[0-9]*.npz")):
        try:
            with np.load(path, allow_pickle=False) as data:
                found = [(n, k) for n, k in enumerate(data["keys"].tolist()) if k in wanted]
                if found:
                    vectors = data["vectors"]
                    into.update((k, vectors[n]) for n, k in found)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("hand-over unreadable (%s): reading Chroma", type(exc).__name__)
            continue
        wanted -= {k for _, k in found}
        if not wanted:
            return


def prune(folder: Path) -> None:
    """Delete hand-overs every serving process has had time to read."""
    if not folder.is_dir():
        return
    now = time.time()
    for path in folder.glob("*.npz"):
        try:
            if now - path.stat().st_mtime > _KEEP_S:
                path.unlink()
        except OSError:
            continue
