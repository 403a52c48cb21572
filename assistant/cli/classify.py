"""``gongkai classify``: suggest the 公开属性 of a draft 公文 (file or stdin)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli.common import emit_json, load_settings, plain
from knowledge.errors import BadInput, TooLarge

if TYPE_CHECKING:
    from tools.gongwen import Gongwen

log = logging.getLogger(__name__)


def _read(file: str | None, *, max_bytes: int, max_chars: int) -> tuple[str, Gongwen | None]:
    from tools.attribute_input import decode_input, file_document

    if file is None or file == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        return decode_input(data, max_bytes=max_bytes, max_chars=max_chars), None
    path = Path(file)
    if not path.is_file():
        raise BadInput(f"找不到文件「{file}」，请检查路径。")
    if path.stat().st_size > max_bytes:
        raise TooLarge(f"文件「{path.name}」超过{max_bytes // (1024 * 1024)}MB，请拆分后再试。")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"无法读取文件「{file}」，请检查权限。", detail=type(exc).__name__) from exc
    return file_document(path.name, data, max_bytes=max_bytes, max_chars=max_chars)


@click.command(help="建议公文的公开属性（公开发布/删减后公开/依申请公开/不公开），列出理由、个人信息和删减后文本。"
               "文件可为 .txt/.md/.docx；不给文件时从标准输入读取。")
@click.argument("file", required=False)
@click.option("--title", default=None, help="公文标题（不给时从正文第一行推断）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（attribute、confidence、reasons、findings、redacted）")
def classify(file: str | None, title: str | None, as_json: bool) -> None:
    from tools.attribute import classify_document, render  # LangChain and numpy: only when classifying

    settings = load_settings()
    text, doc = _read(file, max_bytes=settings.max_file_bytes, max_chars=settings.max_text_chars)
    result = classify_document(text, title=title, doc=doc).as_dict()
    log.info("classify: %d chars -> %s (%s)", len(text), result["attribute"], result["rule"] or result["method"])
    if as_json:
        emit_json(result)
    else:
        click.echo(plain(render(result)))


COMMANDS: list[click.Command] = [classify]
