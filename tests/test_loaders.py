"""Loaders on real files the tests build: .txt in three encodings, .docx with a table, .pdf; every bad-file case."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from knowledge.errors import BadInput, TooLarge
from knowledge.loaders import extract_text

SAMPLE = "第一条 为了保障公民依法获取政府信息，制定本办法。\n第二条 本县各部门应当主动公开政府信息。"


def _cjk_font() -> str | None:
    """A font file with Chinese glyphs, if the machine has one (fonts-wqy-microhei / fonts-noto-cjk)."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        path = line.split(":")[0].strip()
        if path.endswith((".ttf", ".ttc", ".otf")) and Path(path).exists():
            return path
    return None


def _docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_bytes(lines: list[str], font: str | None = None, password: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if font:
        pdf.add_font("cjk", fname=font)
        pdf.set_font("cjk", size=12)
    else:
        pdf.set_font("helvetica", size=12)
    for line in lines:
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    if password:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    return bytes(pdf.output())


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_text_files_in_common_chinese_encodings(encoding: str) -> None:
    assert extract_text("规定.txt", SAMPLE.encode(encoding)) == SAMPLE


def test_markdown_is_read_as_text() -> None:
    assert "主动公开" in extract_text("说明.md", ("# 标题\n\n" + SAMPLE).encode())


def test_docx_paragraphs_and_table_cells() -> None:
    data = _docx_bytes(["关于做好政务公开工作的通知", SAMPLE], [["责任单位", "完成时限"], ["县政府办", "12月底前"]])
    text = extract_text("通知.docx", data)
    assert "关于做好政务公开工作的通知" in text
    assert "第二条 本县各部门应当主动公开政府信息。" in text
    assert "县政府办\t12月底前" in text


def test_pdf_ascii_text() -> None:
    text = extract_text("notice.pdf", _pdf_bytes(["Open government information notice", "Article 33"]))
    assert "Open government information notice" in text
    assert "Article 33" in text


def test_pdf_chinese_text() -> None:
    font = _cjk_font()
    if font is None:
        pytest.skip("no CJK font on this machine (apt-get install fonts-wqy-microhei to run this test)")
    text = extract_text("条例.pdf", _pdf_bytes(SAMPLE.splitlines(), font=font))
    assert "主动公开政府信息" in text.replace(" ", "")


def _bad_cases() -> list[tuple[str, bytes, str]]:
    return [
        ("空白.txt", b"", "空文件"),
        ("空白.docx", b"   \n", "空文件"),
        ("图片.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "不是文本文件"),
        ("乱码.txt", bytes(range(128, 256)) * 4, "编码"),
        ("坏.docx", b"PK\x03\x04 this is not really a zip", "不是有效的 Word"),
        ("坏.pdf", b"%PDF-1.4\n garbage garbage", "不是有效的 PDF"),
        ("表格.xls", SAMPLE.encode(), "格式不支持"),
        ("加密.pdf", _pdf_bytes(["secret minutes"], password="1234"), "加密"),
    ]


@pytest.mark.parametrize(("filename", "data", "message"), _bad_cases(), ids=lambda v: str(v)[:12])
def test_bad_files_get_a_chinese_message_naming_the_file(filename: str, data: bytes, message: str) -> None:
    with pytest.raises(BadInput) as caught:
        extract_text(filename, data)
    assert message in caught.value.user_message
    assert filename in caught.value.user_message


def test_file_over_the_size_limit_is_refused_before_parsing() -> None:
    with pytest.raises(TooLarge) as caught:
        extract_text("大文件.txt", b"a" * 2048, max_bytes=1024)
    assert "大文件.txt" in caught.value.user_message
    assert caught.value.exit_code == 2


def test_default_limit_is_20_megabytes() -> None:
    with pytest.raises(TooLarge):
        extract_text("大文件.pdf", b"%PDF" + b"0" * (20 * 1024 * 1024))
