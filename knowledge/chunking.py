"""Split a document into chunks along its Chinese structure: 一、 (一) 1. and 第X条.

Each paragraph under a heading becomes one chunk (an article, which may run over several lines,
becomes one chunk). A chunk keeps the heading path it sits under (``section_path``) and a short label
(``section``): ``四(三)`` for part four, subsection three; ``四(三)2`` for a numbered item below it;
``第三十三条`` for an article. Pure functions: text in, chunks out.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

from knowledge.types import Chunk

_CN_NUM = "一二三四五六七八九十百零〇两"
_PART = re.compile(rf"^([{_CN_NUM}]+)、\s*(.*)$")
_SUB = re.compile(rf"^[（(]([{_CN_NUM}]+)[）)]\s*(.*)$")
_ITEM = re.compile(r"^(\d{1,2})[\.．、]\s*(?!\d)(.*)$")
_ARTICLE = re.compile(rf"^(第[{_CN_NUM}\d]+条)\s*(.*)$")
_CHAPTER = re.compile(rf"^(第[{_CN_NUM}\d]+[章节编])\s*(.*)$")
_HEADING_MAX = 40  # a numbered line longer than this, or with a full stop, is a paragraph, not a heading
_MERGE_BELOW = 20  # paragraphs shorter than this join the next one in the same section


@dataclass
class _State:
    """Where the parser is: the current heading at each level."""

    part: tuple[str, str] | None = None  # (numeral, heading line)
    sub: tuple[str, str] | None = None
    item: tuple[str, str] | None = None
    chapter: str | None = None
    article: str | None = None
    pending: list[str] = field(default_factory=list)

    def label(self) -> str:
        if self.article:
            return self.article
        label = self.part[0] if self.part else ""
        if self.sub:
            label += f"({self.sub[0]})"
        if self.item:
            label += self.item[0]
        return label

    def path(self) -> tuple[str, ...]:
        if self.article:
            return tuple(x for x in (self.chapter, self.article) if x)
        return tuple(h[1] for h in (self.part, self.sub, self.item) if h)


@dataclass(frozen=True)
class _Piece:
    section: str
    path: tuple[str, ...]
    text: str


def chunk_document(
    text: str, *, doc_id: str, title: str, kind: str = "ingested", extra: dict[str, str] | None = None
) -> list[Chunk]:
    """Chunk one document's text.

    Args:
        text: the whole text, one paragraph per line.
        doc_id: stable id of the document; chunk ids are ``{doc_id}#{n}``.
        title: the document title without 《》, cited in answers.
        kind: ``plan`` / ``regulation`` / ``ingested`` (stored in metadata).
        extra: more string metadata copied onto every chunk (file name, content hash …).

    Returns:
        The chunks in document order.
    """
    pieces = _merge_short(_pieces(text))
    base = {"kind": kind, **(extra or {})}
    chunks = []
    for n, piece in enumerate(pieces):
        metadata = {**base, "heading": " > ".join(piece.path)}
        chunks.append(
            Chunk(
                id=f"{doc_id}#{n}",
                doc_id=doc_id,
                title=title,
                section=piece.section,
                text=piece.text,
                section_path=piece.path,
                metadata=metadata,
            )
        )
    return chunks


def _pieces(text: str) -> list[_Piece]:
    state = _State()
    pieces: list[_Piece] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if _take_article(state, line, pieces) or _take_heading(state, line, pieces):
            continue
        if state.article:
            state.pending.append(line)
        else:
            pieces.append(_Piece(state.label(), state.path(), line))
    _flush_article(state, pieces)
    return pieces


def _take_article(state: _State, line: str, pieces: list[_Piece]) -> bool:
    chapter = _CHAPTER.match(line)
    if chapter and _is_heading(chapter.group(2)):
        _flush_article(state, pieces)
        state.chapter, state.article = f"{chapter.group(1)} {chapter.group(2)}".strip(), None
        return True
    article = _ARTICLE.match(line)
    if not article:
        return False
    _flush_article(state, pieces)
    state.article = article.group(1)
    state.pending = [line]
    return True


def _flush_article(state: _State, pieces: list[_Piece]) -> None:
    if state.article and state.pending:
        pieces.append(_Piece(state.label(), state.path(), "\n".join(state.pending)))
    state.pending = []


def _take_heading(state: _State, line: str, pieces: list[_Piece]) -> bool:
    """A numbered heading line: update the state; an inline 'heading + text' line is also a paragraph."""
    for pattern, level in ((_PART, "part"), (_SUB, "sub"), (_ITEM, "item")):
        match = pattern.match(line)
        if not match:
            continue
        _flush_article(state, pieces)
        state.article = None
        entry = (match.group(1), line)
        if level == "part":
            state.part, state.sub, state.item = entry, None, None
        elif level == "sub":
            state.sub, state.item = entry, None
        else:
            state.item = entry
        if not _is_heading(match.group(2)):
            pieces.append(_Piece(state.label(), state.path(), line))
        return True
    return False


def _is_heading(rest: str) -> bool:
    return len(rest) <= _HEADING_MAX and not re.search(r"[。；;！？]", rest)


def _merge_short(pieces: list[_Piece]) -> list[_Piece]:
    """Join a very short paragraph (a stray line) to the next paragraph of the same section."""
    merged: list[_Piece] = []
    carry: _Piece | None = None
    for piece in pieces:
        if carry is not None and carry.section == piece.section:
            piece = replace(piece, text=carry.text + "\n" + piece.text)
        elif carry is not None:
            merged.append(carry)
        carry = None
        if len(piece.text) < _MERGE_BELOW:
            carry = piece
        else:
            merged.append(piece)
    if carry is not None:
        merged.append(carry)
    return merged


def content_hash(data: bytes) -> str:
    """The key that makes re-ingesting the same file a replacement, not a duplicate."""
    return hashlib.sha256(data).hexdigest()
