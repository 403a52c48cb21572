"""Read a .docx draft into hinted lines for the 公文 reader (tools/gongwen.py).

The layout carries what plain text loses: the 发文机关标志 is red and large, the 标题 is centred
(and bold, or in a title style), the 署名 and 成文日期 stand right. Paragraphs and tables are read
in document order; table rows become tab-separated lines.
"""

from __future__ import annotations

import io
from typing import Any

from knowledge.errors import BadInput
from tools.gongwen import NUMBER, Gongwen, Line, read_lines

_TITLE_STYLES = ("title", "heading 1", "标题", "标题 1")
_SCAN = 12  # the masthead and the title sit in the first paragraphs


def _is_red(run: Any) -> bool:
    try:
        rgb = run.font.color.rgb if run.font.color is not None and run.font.color.type is not None else None
    except (AttributeError, ValueError):
        return False
    if rgb is None:
        return False
    r, g, b = rgb[0], rgb[1], rgb[2]
    return r >= 0xC0 and g <= 0x60 and b <= 0x60


def _size(paragraph: Any) -> float:
    sizes = [run.font.size.pt for run in paragraph.runs if run.font.size is not None]
    if not sizes and paragraph.style is not None and paragraph.style.font.size is not None:
        sizes = [paragraph.style.font.size.pt]
    return max(sizes, default=0.0)


def _alignment(paragraph: Any) -> str:
    value = paragraph.alignment
    if value is None and paragraph.style is not None:
        value = paragraph.style.paragraph_format.alignment
    return str(value).split(".")[-1].split(" ")[0].lower() if value is not None else ""


def _hint(paragraph: Any, index: int, seen_title: bool) -> str:
    text = paragraph.text.strip()
    runs = [r for r in paragraph.runs if r.text.strip()]
    align = _alignment(paragraph)
    if index < _SCAN and not seen_title and (runs and all(_is_red(r) for r in runs) or text.replace(" ", "").endswith("文件")):
        return "masthead"
    style = (paragraph.style.name if paragraph.style is not None else "").lower()
    bold = bool(runs) and all(r.bold or (r.bold is None and paragraph.style is not None and paragraph.style.font.bold)
                              for r in runs)
    if index < _SCAN and (style in _TITLE_STYLES or align == "center" and (bold or _size(paragraph) >= 16)) \
            and len(text) <= 80 and not NUMBER.search(text):
        return "title"
    return "right" if align == "right" else ""


def _body_items(document: Any) -> list[Any]:
    """Paragraphs and tables of the body in document order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    items: list[Any] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            items.append(Paragraph(child, document))
        elif tag == "tbl":
            items.append(Table(child, document))
    return items


def docx_lines(data: bytes) -> list[Line]:
    """The hinted lines of a .docx file.

    Raises:
        BadInput: the bytes are not a readable .docx.
    """
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zip, XML and package errors: the file's fault
        raise BadInput("文件不是有效的 Word（.docx）文件，可能已损坏。", detail=type(exc).__name__) from exc
    lines: list[Line] = []
    seen_title = False
    index = 0
    for item in _body_items(document):
        if hasattr(item, "rows"):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = cell.text.strip()
                    if value and (not cells or cells[-1] != value):
                        cells.append(value)
                if cells:
                    lines.append(Line("\t".join(cells)))
            continue
        if not item.text.strip():
            continue
        hint = _hint(item, index, seen_title)
        seen_title = seen_title or hint == "title"
        lines.append(Line(item.text, hint))
        index += 1
    return lines


def read_docx(data: bytes) -> Gongwen:
    """The GB/T 9704 elements of a .docx draft, using its layout."""
    return read_lines(docx_lines(data))


def lines_text(lines: list[Line]) -> str:
    """The plain text of hinted lines (what the personal-data finder reads)."""
    return "\n".join(line.text for line in lines if line.text.strip())
