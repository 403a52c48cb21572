"""``gongkai redact``: mask personal data in a .docx (formatting kept) or a text file."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import click

from assistant.cli.common import emit_json, load_settings
from knowledge.errors import BadInput, TooLarge
from tools.pii_finding import TYPE_NAMES

log = logging.getLogger(__name__)



def _read(path: Path, max_bytes: int) -> bytes:
    if not path.is_file():
        raise BadInput(f"找不到文件「{path}」，请检查路径。")
    if path.stat().st_size > max_bytes:
        raise TooLarge(f"文件「{path.name}」超过{max_bytes // (1024 * 1024)}MB，请拆分后再试。")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise BadInput(f"无法读取文件「{path}」，请检查权限。", detail=type(exc).__name__) from exc


def _summary(findings: list[dict[str, object]]) -> str:
    masked = Counter(TYPE_NAMES.get(str(f["type"]), str(f["type"])) for f in findings if f["private"])
    kept = sum(1 for f in findings if not f["private"])
    parts = "、".join(f"{name}{n}处" for name, n in masked.items()) or "未发现个人信息"
    flagged = sum(1 for f in findings if f["flags"])
    return parts + (f"；{flagged}处号码校验位不符（仍按个人信息遮盖，请核对原件）" if flagged else "") + \
        (f"；{kept}处单位信息（信用代码、办公电话等）保留" if kept else "")


@click.command(help="删去文件中的个人信息。文件为 .docx 时输出保留原格式的 .docx（-o 指定，默认「原名-删减.docx」）；"
               ".txt/.md 输出删减后文本。")
@click.argument("file")
@click.option("-o", "--output", default=None, help="输出文件路径")
@click.option("--keep", "keep", multiple=True, type=int, help="不遮盖的发现编号（见 --json 的 id），可重复")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出发现的个人信息（id、type、text、masked、private、flags）")
def redact(file: str, output: str | None, keep: tuple[int, ...], as_json: bool) -> None:
    from tools.attribute_input import decode_input
    from tools.docx_redact import read_docx, redact_docx
    from tools.pii import find_pii
    from tools.pii import redact as redact_text

    settings = load_settings()
    path = Path(file)
    data = _read(path, settings.max_file_bytes)
    if path.suffix.lower() == ".docx":
        doc = read_docx(path.name, data, max_bytes=settings.max_file_bytes)
        findings = doc.findings()
        out = Path(output) if output else path.with_name(f"{path.stem}-删减.docx")
        if out.resolve() == path.resolve():
            raise BadInput("输出文件不能与原文件相同，请用 -o 指定另一个文件名。")
        result = redact_docx(doc, findings, keep=keep)
        out.write_bytes(result)
        written = str(out)
    elif path.suffix.lower() in (".txt", ".md"):
        text = decode_input(data, max_bytes=settings.max_file_bytes, max_chars=settings.max_text_chars)
        findings = find_pii(text)
        kept = set(keep)
        redacted = redact_text(text, [f for i, f in enumerate(findings) if i not in kept])
        if output:
            Path(output).write_text(redacted + "\n", encoding="utf-8")
        written = output or ""
    else:
        raise BadInput(f"文件「{path.name}」的格式不支持，请提供 .docx、.txt 或 .md 文件。")
    rows = [{"id": i} | f.as_dict() for i, f in enumerate(findings)]
    log.info("redact: %d findings, %d masked", len(rows), sum(1 for r in rows if r["private"]))
    if as_json:
        emit_json({"output": written, "findings": rows} | ({} if written or path.suffix.lower() == ".docx"
                                                          else {"redacted": redacted}))
    elif written:
        click.echo(f"{_summary(rows)}。已写入：{written}")
    else:
        click.echo(redacted)


COMMANDS: list[click.Command] = [redact]
