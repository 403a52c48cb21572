"""The one check that what a user sent is text: not empty, not binary, with one message for each.

Chat (WeCom, the bot, the web page, ``gongkai ask``), the classify tool, ``/api/classify`` and piped
input all call ``require_text``; it and the .txt/.md loader tell binary by ``loaders.looks_binary``.
"""

from __future__ import annotations

from knowledge.errors import BadInput
from knowledge.loaders import file_types_text, looks_binary


def empty_error() -> BadInput:
    return BadInput(f"内容为空：请输入问题或粘贴公文全文，也可以发送 {file_types_text()} 文件。")


def binary_error() -> BadInput:
    return BadInput(f"内容像是二进制文件，不是文字：请粘贴文字，或发送 {file_types_text()} 文件。")


def require_text(text: str) -> str:
    """The text, stripped; ``BadInput`` (``empty_error`` / ``binary_error``) when it is not text."""
    text = (text or "").strip()
    if not text:
        raise empty_error()
    if looks_binary(text):
        raise binary_error()
    return text
