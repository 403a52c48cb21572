"""Download an inbound file: size-capped, decrypted, and named by its content (bot file messages carry no name)."""

from __future__ import annotations

import io
import re
import urllib.parse
import zipfile

import httpx

from connectors.wecom.parse import sanitize_filename
from connectors.wecom_bot.crypto import decrypt_media
from knowledge.errors import BadInput, TooLarge, UpstreamError
from knowledge.loaders import SUPPORTED_SUFFIXES

_DISPOSITION = re.compile(r"filename\*=UTF-8''([^;]+)|filename=\"?([^\";]+)\"?", re.IGNORECASE)


def _too_large(max_bytes: int) -> TooLarge:
    return TooLarge(f"文件超过{max_bytes // (1024 * 1024)}MB，请压缩或分拆后再发。")


def download(url: str, key: bytes, *, max_bytes: int, timeout: float = 10.0) -> tuple[str, bytes]:
    """(filename, plaintext) of the file at ``url``; raises TooLarge, BadInput or UpstreamError."""
    if not url.startswith(("https://", "http://")):
        raise BadInput("文件链接无效，请重新发送。", detail="media url scheme")
    cipher_cap = max_bytes + 32  # padding
    try:
        with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as res:
            res.raise_for_status()
            if int(res.headers.get("Content-Length") or 0) > cipher_cap:
                raise _too_large(max_bytes)
            chunks, total = [], 0
            for chunk in res.iter_bytes(64 * 1024):
                total += len(chunk)
                if total > cipher_cap:
                    raise _too_large(max_bytes)
                chunks.append(chunk)
            disposition = res.headers.get("Content-Disposition", "")
    except httpx.HTTPError as exc:
        raise UpstreamError("获取文件失败（链接可能已过期），请重新发送。", detail=type(exc).__name__) from exc
    try:
        data = decrypt_media(b"".join(chunks), key)
    except ValueError as exc:
        raise BadInput("文件无法解密，请重新发送。", detail=str(exc)) from exc
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    return file_name(disposition, data), data


def file_name(disposition: str, data: bytes) -> str:
    """The name the server gave, else one from the content: %PDF -> .pdf, a Word zip -> .docx, UTF-8 -> .txt."""
    match = _DISPOSITION.search(disposition or "")
    if match:
        name = sanitize_filename(urllib.parse.unquote(match.group(1) or match.group(2) or ""))
        if name.lower().endswith(SUPPORTED_SUFFIXES):
            return name
    return "文件" + sniff_suffix(data)


def sniff_suffix(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                return ".docx" if "word/document.xml" in zf.namelist() else ""
        except zipfile.BadZipFile:
            return ""
    head = data[:4096]
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # a character cut at the 4 KB boundary is fine
                continue
        if b"\x00" not in head:
            return ".txt"
    return ""
