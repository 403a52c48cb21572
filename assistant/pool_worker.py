"""What runs inside a heavy-pool worker process (see ``assistant.pool``): a loop over one pipe.

Each message is ``(task, args)``; each answer ``("ok", value)``, ``("gongkai", cls, message,
detail, extra)`` for a domain error, ``("memory", "")`` or ``("error", type name)``. ``None`` stops.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

_engine: Any = None
_db: Any = None


def _data_bytes() -> int:
    """This process's data segment + private mappings now (what RLIMIT_DATA counts), 0 if unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _limit_memory(memory_mb: int) -> None:
    """The budget is on top of what the loaded libraries and the index already hold."""
    if memory_mb <= 0:
        return
    try:
        import resource
    except ImportError:  # not on Linux/macOS: the time budget still applies
        return
    limit = _data_bytes() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def _db_for(init: dict[str, Any]) -> Any:
    global _db
    if _db is None and init.get("database_url"):
        from assistant.storage import open_database

        _db = open_database(init["database_url"], migrate=False)
    return _db


def _engine_for(init: dict[str, Any]) -> Any:
    global _engine
    if _engine is None:
        from assistant.factory import build_engine

        _engine = build_engine(init["settings"], db=_db_for(init))
    return _engine


def _ingest(init: dict[str, Any], filename: str, data: bytes, max_bytes: int, info: Any) -> dict[str, Any]:
    """Read, chunk and store an uploaded document (extraction of a crafted file costs a worker, not the server)."""
    from knowledge.documents import summary
    from knowledge.index import ensure_builtin
    from knowledge.ingest import ingest_bytes
    from knowledge.store import ChunkStore

    store = ChunkStore(_db_for(init).engine)
    ensure_builtin(store)
    result = ingest_bytes(store, filename, data, max_bytes=max_bytes, info=info)
    return summary(result.document) | {"replaced": result.status == "replaced", "chunks": result.chunk_count}


def _classify(text: str, title: str | None, doc: Any = None) -> bytes:
    """Serialised here: a 199k-character result's JSON takes the event loop tens of milliseconds."""
    import json

    from tools.attribute import classify_document

    return json.dumps(classify_document(text, title=title, doc=doc).as_dict(), ensure_ascii=False).encode()


def _classify_json(body: bytes, max_chars: int) -> bytes:
    from tools.attribute_input import json_request

    return _classify(*json_request(body, max_chars=max_chars))


def _file_text(filename: str, data: bytes, max_bytes: int, max_chars: int) -> str:
    from tools.attribute_input import file_text

    return file_text(filename, data, max_bytes=max_bytes, max_chars=max_chars)


def _classify_file(filename: str, data: bytes, max_bytes: int, max_chars: int, title: str | None) -> bytes:
    """Read the upload (a .docx with its layout) and classify it, in one hop to the worker."""
    from tools.attribute_input import file_document

    text, doc = file_document(filename, data, max_bytes=max_bytes, max_chars=max_chars)
    return _classify(text, title, doc)


def _redact(*args: Any) -> Any:
    from assistant.api.redact import redact_file

    return redact_file(*args)


def _tasks(init: dict[str, Any]) -> dict[str, Callable[..., Any]]:
    return {
        "classify": _classify,
        "classify_json": _classify_json,
        "file_text": _file_text,
        "classify_file": _classify_file,
        "respond": lambda turn: _engine_for(init).respond(turn),
        "redact": _redact,
        "ingest": lambda *args: _ingest(init, *args),
        "ping": lambda: os.getpid(),
    }


def _answer(tasks: dict[str, Callable[..., Any]], task: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    from knowledge.errors import GongkaiError

    try:
        return ("ok", tasks[task](*args))
    except GongkaiError as exc:
        extra = {"candidates": exc.candidates} if hasattr(exc, "candidates") else {}
        return ("gongkai", type(exc), exc.user_message, exc.detail, extra)
    except MemoryError:
        return ("memory", "")
    except Exception as exc:  # reported by type only: the message may quote the user's text
        log.exception("heavy task %s failed", task)
        return ("error", type(exc).__name__)


def watch_parent(interval: float = 1.0) -> None:
    """Exit as soon as the process that started us is gone (a ``kill -9`` of the server).

    The pipe only tells an idle worker; a worker in the middle of a long task would otherwise go on
    for minutes as an orphan, holding a core that the next server needs.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(conn: Any, init: dict[str, Any], memory_mb: int, nice: int) -> None:
    watch_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which stops us
    if nice:
        os.nice(nice)  # the acks' process gets the CPU first
    from assistant.logs import configure_logging

    configure_logging(init.get("log_level", "WARNING"))
    tasks = _tasks(init)
    _classify("预热", None)  # imports and data files load before the memory budget starts
    from tools.attribute_input import file_document  # noqa: F401  # the .docx/.pdf reader, for the first upload
    from tools.pii import warm as warm_masker

    warm_masker()  # the name tagger too: a first draft with a name in it does not wait for it
    if init.get("settings") is not None:
        try:
            _engine_for(init).retriever.open()
        except Exception:  # e.g. a missing embedding model: each question reports it, the worker lives
            log.exception("heavy worker could not open the index at start")
    _limit_memory(memory_mb)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task, args = message
        conn.send(_answer(tasks, task, args))
