"""Ingest user documents into the chunk store: read, chunk by structure, replace earlier copies."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path

from knowledge.chunking import chunk_document, content_hash
from knowledge.county import load_county
from knowledge.doc_kinds import guess, kinds
from knowledge.errors import BadInput, TooLarge
from knowledge.loaders import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, extract_text
from knowledge.plan import looks_like_plan, parse_plan
from knowledge.plans import PLAN_KINDS, is_county_plan, plan_year
from knowledge.store import Change, ChunkStore, Document

log = logging.getLogger(__name__)
_TITLE_MAX = 60


@dataclass(frozen=True)
class DocInfo:
    """What the person ingesting says about a document; anything left empty is guessed from its title and text."""

    title: str = ""
    kind: str = ""
    year: int | None = None
    issuer: str = ""
    doc_number: str = ""

    def check(self) -> None:
        """Raises BadInput for a kind or year no document can have."""
        if self.kind and self.kind not in kinds():
            choices = "、".join(f"{k}（{v}）" for k, v in kinds().items() if k != "question")
            raise BadInput(f"文档类型「{self.kind[:40]}」无效，可选：{choices}。")
        if self.year is not None and not 1949 <= self.year <= 2100:
            raise BadInput(f"年份「{self.year}」无效，请给四位年份，例如 2021。")


@dataclass(frozen=True)
class IngestResult:
    name: str
    title: str
    status: str  # "added" or "replaced"
    chunk_count: int
    document: Document
    change: Change | None = None  # what the write did, so the index can follow it without rereading the store


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


def describe(name: str, text: str, given: DocInfo, *, doc_id: str, digest: str) -> Document:
    """The document record: what was given, the rest guessed (kind from the title, year from title or 文号)."""
    given.check()
    title = given.title.strip()[:_TITLE_MAX * 2] or guess_title(name, text)
    guessed = guess(title, text)
    return Document(doc_id, name, digest, title, given.kind or guessed.kind,
                    issuer=given.issuer.strip() or guessed.issuer, year=given.year or guessed.year,
                    doc_number=given.doc_number.strip() or guessed.doc_number)


def ingest_bytes(store: ChunkStore, name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES,
                 info: DocInfo | None = None) -> IngestResult:
    """Ingest one file's content; the same content or a new version of the same file replaces the old one."""
    text = extract_text(name, data, max_bytes=max_bytes)
    digest = content_hash(data)
    doc_id = "file:" + digest[:16]
    given = info or DocInfo()
    document = describe(name, text, given, doc_id=doc_id, digest=digest)
    document, plan_text = as_plan(document, text, given)
    extra = {"file": name, "content_hash": digest, "doc_kind": document.kind}
    if document.year is not None:
        extra["year"] = str(document.year)
    chunks = chunk_document(text, doc_id=doc_id, title=document.title, extra=extra)
    if not chunks:
        raise BadInput(f"文件「{name}」中没有可导入的段落。")
    earlier = [d.doc_id for d in store.find(content_hash=digest, name=name) if not d.builtin]
    change = store.replace(document, chunks, remove=earlier, plan_text=plan_text)
    log.info("ingested doc=%s kind=%s chunks=%d replaced=%d", doc_id, document.kind, len(chunks), len(earlier))
    return IngestResult(name=name, title=document.title, status="replaced" if earlier else "added",
                        chunk_count=len(chunks), document=replace(document, chunk_count=len(chunks)), change=change)


def as_plan(document: Document, text: str, given: DocInfo) -> tuple[Document, str | None]:
    """A county document with a plan's structure (parts, 责任单位 clauses) is a plan: cited by its own title line,
    for the year that title names, kind 工作方案/工作要点 (unless the person ingesting said otherwise). Its
    text is kept (returned second) so every process can parse it; None for any other document."""
    if given.kind and given.kind not in PLAN_KINDS:
        return document, None
    parsed = parse_plan(text, title=document.title)
    title = given.title.strip() or parsed.title
    # a township's, a department's or another county's plan is a document of its own, not this county's plan
    if not looks_like_plan(parsed) or not is_county_plan(title, load_county()):
        return document, None
    kind = document.kind if document.kind in PLAN_KINDS else "points" if "要点" in title else "plan"
    year = given.year or plan_year(title, parsed.header) or document.year
    return replace(document, title=title, kind=kind, year=year), text


def ingest_path(store: ChunkStore, path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                info: DocInfo | None = None) -> IngestResult:
    return ingest_bytes(store, path.name, read_file(path, max_bytes), max_bytes=max_bytes, info=info)
