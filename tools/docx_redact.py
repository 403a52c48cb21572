"""Word in, Word out: mask personal data inside the runs of a .docx, keeping every run's formatting.

``read_docx`` flattens the body (paragraphs and table rows, in order), then every header and footer,
into one text — a table row is one line with its cells joined by tabs, so the column-header rules of
``tools.pii`` apply — and remembers which ``w:t`` element each character came from. ``find_pii``
runs on that text; ``redact_docx`` writes each private finding's mask back character by character
into the ``w:t`` elements it came from, so a finding that spans runs (a bold surname, a plain
given name) is masked in both runs and both keep their formatting. Masks have the same length as
the text they replace. Pure over bytes: the CLI and the HTTP route do the reading and writing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from knowledge.errors import BadInput, TooLarge
from tools.pii import Finding, find_pii

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .docx is an OLE container, not a zip
_MAX_UNZIPPED_RATIO = 100  # a .docx whose entries inflate beyond 100x the upload is refused (zip bomb)
_MAX_ENTRIES = 2000


@dataclass
class DocxText:
    """The flattened text of a .docx and, per character, the ``w:t`` element and offset it came from."""

    text: str
    origin: list[tuple[Any, int] | None]
    document: Any
    blob_parts: list[tuple[Any, Any]] = field(default_factory=list)  # (part, parsed root): footnotes, endnotes

    def findings(self) -> list[Finding]:
        return find_pii(self.text)


def _check_container(name: str, data: bytes, max_bytes: int) -> None:
    if not data:
        raise BadInput(f"文件「{name}」是空的，请提供 Word（.docx）文件。")
    if len(data) > max_bytes:
        raise TooLarge(f"文件「{name}」超过{max_bytes // (1024 * 1024)}MB，请拆分后再试。")
    if data.startswith(_OLE_MAGIC):
        raise BadInput(f"文件「{name}」是加密的或旧版 Word（.doc）文件，请解除密码保护并另存为 .docx 后再试。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise BadInput(f"文件「{name}」不是有效的 Word（.docx）文件，可能已损坏。", detail=type(exc).__name__) from exc
    unzipped = sum(e.file_size for e in entries)
    if len(entries) > _MAX_ENTRIES or unzipped > max(max_bytes, len(data) * _MAX_UNZIPPED_RATIO):
        raise BadInput(f"文件「{name}」解压后异常庞大，可能是恶意构造的文件，已拒绝处理。")
    if "word/document.xml" not in {e.filename for e in entries}:
        raise BadInput(f"文件「{name}」不是有效的 Word（.docx）文件，缺少正文。")


def _blocks(element: Any) -> Iterator[Any]:
    """Paragraphs and table rows directly under ``element``, in document order."""
    for child in element:
        if child.tag == _W + "p":
            yield child
        elif child.tag == _W + "tbl":
            yield from child.findall(_W + "tr")  # a nested table's text comes with its outer cell
        elif child.tag in (_W + "footnote", _W + "endnote", _W + "comment"):
            yield from _blocks(child)
        elif child.tag == _W + "sdt":  # content controls wrap paragraphs and tables
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _blocks(content)


def _line(block: Any, text: list[str], origin: list[tuple[Any, int] | None]) -> None:
    """Append one paragraph (or one table row, cells joined by tabs) to ``text``/``origin``."""
    cells = [block] if block.tag == _W + "p" else [tc for tc in block if tc.tag == _W + "tc"]
    for i, cell in enumerate(cells):
        paragraphs = [cell] if cell.tag == _W + "p" else _own_paragraphs(cell)
        for j, paragraph in enumerate(paragraphs):
            if i or j:  # the next cell (tab) or the next paragraph of a cell (space): separators, never masked
                text.append("\t" if j == 0 else " ")
                origin.append(None)
            for node in paragraph.iter(_W + "t", _W + "tab", _W + "br"):
                if node.tag == _W + "t":
                    for k, ch in enumerate(node.text or ""):
                        text.append(ch)
                        origin.append((node, k))
                else:
                    text.append("\t" if node.tag == _W + "tab" else " ")
                    origin.append(None)


def _own_paragraphs(cell: Any) -> list[Any]:
    """A cell's paragraphs, nested tables' included, but not those inside a text box (its paragraph reads them)."""
    out = []
    for p in cell.iter(_W + "p"):
        up = p.getparent()
        while up is not None and up is not cell and up.tag != _W + "p":
            up = up.getparent()
        if up is cell:
            out.append(p)
    return out


_STORIES = ("/header", "/footer", "/comments")
_BLOB_STORIES = ("/footnotes", "/endnotes")  # python-docx keeps these as plain parts: parsed and written back here


def _parts(document: Any, blob_parts: list[tuple[Any, Any]]) -> Iterable[Any]:
    """The body, then every header, footer, comments, footnotes and endnotes part (never creating one)."""
    from docx.oxml import parse_xml

    yield document.element.body
    for rel in document.part.rels.values():
        if rel.is_external:
            continue
        if rel.reltype.endswith(_STORIES):
            yield rel.target_part.element
        elif rel.reltype.endswith(_BLOB_STORIES):
            root = parse_xml(rel.target_part.blob)
            blob_parts.append((rel.target_part, root))
            yield root


def _scrub_metadata(document: Any) -> None:
    """Who wrote and who last saved the draft, and comment authors, are personal data too."""
    props = document.core_properties
    props.author, props.last_modified_by = "", ""
    for rel in document.part.rels.values():
        if not rel.is_external and rel.reltype.endswith("/comments"):
            for comment in rel.target_part.element.iter(_W + "comment"):
                for attr in (_W + "author", _W + "initials"):
                    if attr in comment.attrib:
                        comment.set(attr, "")


def read_docx(name: str, data: bytes, *, max_bytes: int) -> DocxText:
    """Open a .docx (checked: not empty, not encrypted, not a zip bomb) and flatten its text.

    Raises:
        BadInput: the file is empty, encrypted, not a .docx or suspiciously large when unzipped.
        TooLarge: the file is over ``max_bytes``.
    """
    _check_container(name, data, max_bytes)
    import docx  # python-docx; imported lazily to keep CLI start-up fast

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # lxml, zip and OPC errors: the file's fault
        raise BadInput(f"文件「{name}」不是有效的 Word（.docx）文件，可能已损坏。", detail=type(exc).__name__) from exc
    text: list[str] = []
    origin: list[tuple[Any, int] | None] = []
    blob_parts: list[tuple[Any, Any]] = []
    for part in _parts(document, blob_parts):
        for block in _blocks(part):
            _line(block, text, origin)
            text.append("\n")
            origin.append(None)
        text.append("\n")  # a blank line between body, headers and footers: separate tables
        origin.append(None)
    return DocxText("".join(text), origin, document, blob_parts)


def chosen(findings: list[Finding], keep: Iterable[int] = (), mask: Iterable[int] = ()) -> list[Finding]:
    """The findings to mask: the private ones not numbered in ``keep``, plus any numbered in ``mask``."""
    kept, forced = set(keep), set(mask)
    return [f for i, f in enumerate(findings) if f.private and i not in kept or i in forced]


def redact_docx(doc: DocxText, findings: list[Finding], *, keep: Iterable[int] = (), mask: Iterable[int] = ()) -> bytes:
    """The .docx with every private finding masked in place, as the reviewer chose.

    Args:
        doc: what ``read_docx`` returned (it is changed in place).
        findings: ``doc.findings()``, in order; a finding's number is its index in this list.
        keep: numbers of private findings the reviewer chose to leave unmasked.
        mask: numbers of unmasked findings (an office phone …) the reviewer chose to mask after all.
    """
    edits: dict[Any, dict[int, str]] = {}
    for f in chosen(findings, keep, mask):
        for offset, ch in enumerate(f.masked):
            where = doc.origin[f.start + offset]
            if where is not None and ch != doc.text[f.start + offset]:
                edits.setdefault(where[0], {})[where[1]] = ch
    for node, changes in edits.items():
        chars = list(node.text or "")
        for k, ch in changes.items():
            chars[k] = ch
        node.text = "".join(chars)
    from lxml import etree

    for part, root in doc.blob_parts:
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    _scrub_metadata(doc.document)
    out = io.BytesIO()
    doc.document.save(out)
    return out.getvalue()
