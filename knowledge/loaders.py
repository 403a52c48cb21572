"""Turn an uploaded file (.txt/.md/.docx/.pdf) into plain text, or say in Chinese why it can't be read.

``extract_text(filename, data)`` is the one entry point: ingest, the classify tool and the WeCom
media handler all read files through it. Size is checked before parsing so a huge upload is never
loaded into a parser.
"""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import PurePath

from knowledge.errors import BadInput, TooLarge

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")  # every channel accepts what this module reads
_TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
# A .docx is a zip. Python's zipfile never inflates an entry past the size its header declares (it
# stops and fails the CRC), so checking the declared sizes before parsing bounds the real work: a
# 97 KB zip bomb that would inflate to gigabytes is refused in microseconds.
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_BYTES = 100 * 1024 * 1024
MAX_ZIP_RATIO = 200  # Word's own XML compresses 5-30x; a bomb, 1000x and more
MAX_PDF_PAGES = 2000


def file_types_text() -> str:
    """The accepted types as users read them: ".txt、.md、.docx 或 .pdf"."""
    *first, last = SUPPORTED_SUFFIXES
    return "、".join(first) + " 或 " + last


def size_text(max_bytes: int) -> str:
    """A byte cap as users read it: "20MB"."""
    return f"{max(1, max_bytes // (1024 * 1024))}MB"


def extract_text(filename: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Extract the text of one file.

    Args:
        filename: the file's name; only its suffix decides the format.
        data: the file's bytes.
        max_bytes: size limit (``Settings.max_file_bytes``).

    Returns:
        The text, paragraphs separated by newlines, stripped.

    Raises:
        TooLarge: the file is over ``max_bytes``.
        BadInput: empty, binary or undecodable, encrypted PDF, broken file or unsupported type.
    """
    name = PurePath(filename).name or filename
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise BadInput(f"文件「{name}」的格式不支持，请提供 {file_types_text()} 文件。")
    if len(data) > max_bytes:
        raise TooLarge(f"文件「{name}」超过{size_text(max_bytes)}，无法导入，请拆分后再试。")
    if not data.strip():
        raise BadInput(f"文件「{name}」是空文件。")
    if suffix in (".txt", ".md"):
        text = _decode_text(name, data)
    elif suffix == ".docx":
        text = _docx_text(name, data)
    else:
        text = _pdf_text(name, data)
    text = text.strip()
    if not text:
        raise BadInput(f"文件「{name}」中没有可读取的文字（可能是扫描件或空白文档）。")
    return text


_SAMPLE = 10_000  # characters looked at: enough to tell text from binary, bounded for a 200k-character draft


def looks_binary(text: str) -> bool:
    """A NUL, or control characters other than whitespace beyond 1 in 100: the bytes were not text."""
    sample = text[:_SAMPLE]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return "\x00" in text or controls > max(2, len(sample) // 100)


def _decode_text(name: str, data: bytes) -> str:
    if b"\x00" in data:
        raise BadInput(f"文件「{name}」不是文本文件（含二进制内容），无法读取。")
    for encoding in _TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if looks_binary(text):
            break
        return text.replace("\r\n", "\n").replace("\r", "\n")
    raise BadInput(f"文件「{name}」无法识别文字编码（请另存为 UTF-8 文本），或不是文本文件。")


def check_zip(name: str, data: bytes) -> None:
    """Refuse a zip whose entry count, inflated size or compression ratio is beyond any real document."""
    broken = BadInput(f"文件「{name}」不是有效的 Word（.docx）文件，可能已损坏。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise broken from exc
    total = sum(e.file_size for e in entries)
    ratio = total / max(1, sum(e.compress_size for e in entries))
    if len(entries) > MAX_ZIP_ENTRIES or total > MAX_ZIP_BYTES or (total > 1024 * 1024 and ratio > MAX_ZIP_RATIO):
        log.info("zip refused: entries=%d inflated=%d ratio=%.0f", len(entries), total, ratio)
        raise BadInput(f"文件「{name}」解压后体积异常（疑似压缩炸弹），已拒绝读取。请另存为普通 .docx 后再试。")


def _docx_text(name: str, data: bytes) -> str:
    import docx  # python-docx; imported lazily to keep CLI start-up fast
    from docx.opc.exceptions import PackageNotFoundError

    check_zip(name, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise BadInput(f"文件「{name}」不是有效的 Word（.docx）文件，可能已损坏。", detail=repr(exc)) from exc
    except Exception as exc:  # zipfile.BadZipFile, lxml errors …: any parse failure is the file's fault
        raise BadInput(f"文件「{name}」不是有效的 Word（.docx）文件，可能已损坏。", detail=repr(exc)) from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                value = cell.text.strip()
                if value and (not cells or cells[-1] != value):  # merged cells repeat their text
                    cells.append(value)
            if cells:
                lines.append("\t".join(cells))
    return "\n".join(line for line in lines if line.strip())


def _pdf_text(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _try_empty_password(reader):
            raise BadInput(f"文件「{name}」是加密的 PDF，请先解除密码保护再导入。")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise BadInput(f"文件「{name}」超过{MAX_PDF_PAGES}页，请拆分后再试。")
        pages = [page.extract_text() or "" for page in reader.pages]
    except BadInput:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise BadInput(f"文件「{name}」不是有效的 PDF 文件，可能已损坏。", detail=repr(exc)) from exc
    except Exception as exc:  # pypdf raises many internal types on garbage input
        raise BadInput(f"文件「{name}」不是有效的 PDF 文件，可能已损坏。", detail=repr(exc)) from exc
    return "\n".join(page.strip() for page in pages if page.strip())


def _try_empty_password(reader: object) -> bool:
    """PDFs 'encrypted' with an empty user password open without one; real passwords do not."""
    try:
        result = reader.decrypt("")  # type: ignore[attr-defined]
    except Exception:  # missing crypto backend or unsupported algorithm: treat as locked
        return False
    return bool(result)
