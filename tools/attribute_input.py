"""Turn what a user hands the classify tool (pasted text, piped bytes, an uploaded file) into checked text.

Pure functions over bytes/str; the CLI and the HTTP route do the reading. Every refusal is a
BadInput/TooLarge with a Chinese message (exit code 2 / HTTP 400 or 413).
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from knowledge.errors import BadInput, TooLarge
from knowledge.loaders import DEFAULT_MAX_BYTES, extract_text
from knowledge.textinput import binary_error, require_text
from tools.gongwen import Gongwen

_ENCODINGS = ("utf-8-sig", "gb18030")
BAD_JSON = "请求格式不正确：应为 JSON {\"text\": \"公文全文\", \"title\": \"标题（可选）\"}。"


class ClassifyRequest(BaseModel):
    text: str = Field(description="公文草稿全文")
    title: str | None = Field(default=None, description="公文标题（可选）")


def json_request(body: bytes, *, max_chars: int) -> tuple[str, str | None]:
    """``POST /api/classify``'s JSON body to (checked text, title). Parsed in the heavy pool, not on the
    server's event loop: a 199k-character body costs milliseconds of CPU that acks would wait behind."""
    try:
        payload = ClassifyRequest.model_validate(json.loads(body or b"null"))
    except (ValueError, TypeError, RecursionError, ValidationError) as exc:
        raise BadInput(BAD_JSON) from exc
    return check_text(payload.text, max_chars=max_chars), payload.title


def check_text(text: str, *, max_chars: int | None) -> str:
    """The text, stripped, or an error when it is empty, binary (``knowledge.textinput``) or too long (``max_chars``;
    None: no limit)."""
    text = require_text(text)
    if max_chars is not None and len(text) > max_chars:
        raise TooLarge(f"公文内容过长（{len(text)}字，上限{max_chars}字），请拆分后分段判断。")
    return text


def decode_input(data: bytes, *, max_bytes: int, max_chars: int) -> str:
    """Piped/pasted bytes (UTF-8 or GB18030) to checked text."""
    if len(data) > max_bytes:
        raise TooLarge(f"输入内容超过{max_bytes // (1024 * 1024)}MB，请拆分后再试。")
    if b"\x00" in data:
        raise binary_error()
    for encoding in _ENCODINGS:
        try:
            return check_text(data.decode(encoding), max_chars=max_chars)
        except UnicodeDecodeError:
            continue
    raise BadInput("无法识别输入内容的文字编码，请使用 UTF-8 文本。")


def file_text(filename: str, data: bytes, *, max_bytes: int, max_chars: int | None) -> str:
    """An uploaded .txt/.md/.docx (or .pdf) file to checked text."""
    return check_text(extract_text(filename, data, max_bytes=max_bytes), max_chars=max_chars)


def file_document(filename: str, data: bytes, *, max_bytes: int, max_chars: int | None) -> tuple[str, Gongwen | None]:
    """An uploaded file to (checked text, its 公文 elements when the layout tells more than the text).

    A .docx is read with its layout (red 发文机关标志, centred title; tools/gongwen_docx.py); other
    files return None and the classifier reads the text.
    """
    if PurePath(filename).suffix.lower() != ".docx":
        return file_text(filename, data, max_bytes=max_bytes, max_chars=max_chars), None
    from tools.gongwen import read_lines
    from tools.gongwen_docx import docx_lines, lines_text

    text = file_text(filename, data, max_bytes=max_bytes, max_chars=max_chars)  # size, emptiness, broken file
    lines = docx_lines(data)
    return check_text(lines_text(lines) or text, max_chars=max_chars), read_lines(lines)


def attachment_args(filename: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES,
                    max_chars: int | None = None) -> dict[str, Any]:
    """The classify tool's arguments for a file sent in chat (WeCom): read by ``file_document``, as the web
    upload and ``gongkai classify 草稿.docx`` read it, so one .docx gets one suggestion on every channel."""
    text, doc = file_document(filename, data, max_bytes=max_bytes, max_chars=max_chars)
    return {"text": text} | ({"layout": doc.as_dict()} if doc is not None else {})
