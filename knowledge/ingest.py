"""Ingest user documents into the chunk store: read, chunk by structure, replace earlier copies."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from knowledge.chunking import chunk_document, content_hash
from knowledge.errors import BadInput, TooLarge
from knowledge.index import ChunkStore, Document
from knowledge.loaders import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, extract_text

log = logging.getLogger(__name__)
_TITLE_MAX = 60


@dataclass(frozen=True)
class IngestResult:
    name: str
    title: str
    status: str  # "added" or "replaced"
    chunk_count: int


def collect_files(paths: list[Path]) -> list[Path]:
    """Files to ingest: the paths given, with folders expanded to the supported files inside them."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            files.append(path)
    return files


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes; the size is checked before reading so a huge file is never loaded."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLarge(f"文件「{path.name}」超过{max_bytes // (1024 * 1024)}MB，无法导入，请拆分后再试。")
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise BadInput(f"文件「{path}」不存在。") from exc
    except IsADirectoryError as exc:
        raise BadInput(f"「{path}」是文件夹，不是文件。") from exc
    except PermissionError as exc:
        raise BadInput(f"没有权限读取文件「{path.name}」。") from exc
    except OSError as exc:
        raise BadInput(f"无法读取文件「{path.name}」。", detail=repr(exc)) from exc


def guess_title(name: str, text: str) -> str:
    """The first line when it reads like a title (short, no full stop), else the file name's stem."""
    first = text.strip().splitlines()[0].strip() if text.strip() else ""
    first = first.strip("《》 ")
    if first and len(first) <= _TITLE_MAX and not re.search(r"[。；;:：,，]$|[。；;]", first):
        return first
    return Path(name).stem.strip("《》 ") or name


def ingest_bytes(store: ChunkStore, name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> IngestResult:
    """Ingest one file's content; the same content or a new version of the same file replaces the old one."""
    text = extract_text(name, data, max_bytes=max_bytes)
    digest = content_hash(data)
    doc_id = "file:" + digest[:16]
    title = guess_title(name, text)
    chunks = chunk_document(text, doc_id=doc_id, title=title, extra={"file": name, "content_hash": digest})
    if not chunks:
        raise BadInput(f"文件「{name}」中没有可导入的段落。")
    earlier = [d.doc_id for d in store.find(content_hash=digest, name=name) if not d.doc_id.startswith("builtin:")]
    store.replace(Document(doc_id, name, digest, title, "ingested"), chunks, remove=earlier)
    log.info("ingested doc=%s chunks=%d replaced=%d", doc_id, len(chunks), len(earlier))
    return IngestResult(name=name, title=title, status="replaced" if earlier else "added", chunk_count=len(chunks))


def ingest_path(store: ChunkStore, path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> IngestResult:
    return ingest_bytes(store, path.name, read_file(path, max_bytes), max_bytes=max_bytes)
