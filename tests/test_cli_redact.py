"""``gongkai redact 草稿.docx -o 草稿-删减.docx``: a real .docx in, the same formatting out, no personal data left."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
from docx.shared import Pt
from fastapi.testclient import TestClient

from assistant.api.redact import DOCX_TYPE
from assistant.app import create_app
from assistant.settings import Settings
from tests.signin import sign_in

PERSONAL = ["张建华", "李国强", "13988726655", "532930196804123314", "6217008159083016618", "杨 梅",
            "532928195603306661", "6222020937865797545"]
PUBLIC = ["洱政办发〔2021〕35号", "0872-5123456", "2021年5月6日", "12.5万元"]


def _run(args: list[str], tmp_path: Path, **env_extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env |= {"ASSISTANT_DATA_DIR": str(tmp_path / "data")} | env_extra
    return subprocess.run([sys.executable, "-m", "assistant.cli.main", "redact", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def build_draft(path: Path) -> Path:
    """A draft with a page header, bold runs (a name split across runs), a table, and public look-alikes."""
    document = docx.Document()
    header = document.sections[0].header.paragraphs[0]
    header.add_run("经办人：李国强  手机：").bold = True
    header.add_run("13988726655")
    document.add_paragraph("洱政办发〔2021〕35号", style="Heading 1")
    body = document.add_paragraph()
    body.add_run("张").bold = True
    first = body.add_run("建华同志")
    first.italic = True
    body.add_run("在防汛工作中表现突出，2021年5月6日发放奖金12.5万元。监督电话：0872-5123456。")
    document.add_paragraph("补助对象身份证号：532930196804123314，银行卡号：6217008159083016618。")
    table = document.add_table(rows=3, cols=3)
    for cell, value in zip(table.rows[0].cells, ["姓名", "身份证号", "银行卡号"], strict=True):
        cell.paragraphs[0].add_run(value).bold = True
    for row, values in zip(table.rows[1:], [["杨 梅", "532928195603306661", "6222020937865797545"],
                                           ["赵秀英", "532930194709070892", "6228483186091390991"]], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.paragraphs[0].add_run(value).font.size = Pt(10.5)
    document.save(str(path))
    return path


def all_text(document: Any) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    parts += [p.text for s in document.sections for p in s.header.paragraphs]
    return "\n".join(parts)


def formatting(document: Any) -> list[Any]:
    """Per run: its bold/italic/size and text length; per table: its shape; the header's runs."""
    def runs(paragraphs: Any) -> list[Any]:
        return [[(r.bold, r.italic, r.font.size, len(r.text)) for r in p.runs] for p in paragraphs]
    shape = [[len(r.cells) for r in t.rows] for t in document.tables]
    cells = [runs(c.paragraphs) for t in document.tables for r in t.rows for c in r.cells]
    styles = [p.style.name for p in document.paragraphs]
    return [runs(document.paragraphs), shape, cells, styles, runs(document.sections[0].header.paragraphs)]


def test_redacted_docx_keeps_formatting_and_loses_personal_data(tmp_path: Path) -> None:
    source = build_draft(tmp_path / "草稿.docx")
    out = tmp_path / "草稿-删减.docx"
    done = _run([str(source), "-o", str(out)], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "已写入" in done.stdout and "姓名" in done.stdout
    before, after = docx.Document(str(source)), docx.Document(str(out))
    text = all_text(after)
    leaks = [p for p in PERSONAL + ["赵秀英", "建华", "6228483186091390991"] if p in text]
    assert leaks == []
    assert all(p in text for p in PUBLIC)
    assert "张***同志" not in text and "张**同志" in text  # the mask spans the bold and the italic run
    assert formatting(after) == formatting(before)


def test_json_lists_findings_and_keep_leaves_one_unmasked(tmp_path: Path) -> None:
    source = build_draft(tmp_path / "草稿.docx")
    listed = _run([str(source), "-o", str(tmp_path / "a.docx"), "--json"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)["findings"]
    (card,) = [r for r in rows if r["text"] == "6217008159083016618"]
    done = _run([str(source), "-o", str(tmp_path / "b.docx"), "--keep", str(card["id"])], tmp_path)
    assert done.returncode == 0, done.stderr
    text = all_text(docx.Document(str(tmp_path / "b.docx")))
    assert "6217008159083016618" in text and "532930196804123314" not in text


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/huge.bin", "w") as entry:
            chunk = b"\0" * (1 << 20)
            for _ in range(40):
                entry.write(chunk)
    return buffer.getvalue()


def test_bad_input_exits_2_with_one_chinese_line(tmp_path: Path) -> None:
    cases = {
        "not.docx": b"this is plain text, not a zip",
        "empty.docx": b"",
        "locked.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
        "bomb.docx": _zip_bomb(),
        "notes.pdf": b"%PDF-1.4",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        done = _run([str(tmp_path / name), "-o", str(tmp_path / "out.docx")], tmp_path,
                    ASSISTANT_MAX_FILE_BYTES=str(2 * 1024 * 1024))
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1, (name, done.stderr)
        assert "Traceback" not in done.stderr and any("\u4e00" <= ch <= "\u9fff" for ch in lines[0]), name
    assert not (tmp_path / "out.docx").exists()
    missing = _run([str(tmp_path / "nope.docx")], tmp_path)
    assert missing.returncode == 2 and "找不到文件" in missing.stderr


def test_api_redact_lists_findings_then_returns_the_docx_honouring_keep(settings: Settings, tmp_path: Path) -> None:
    data = build_draft(tmp_path / "草稿.docx").read_bytes()
    files = {"file": ("草稿.docx", data, DOCX_TYPE)}
    with TestClient(create_app(settings)) as client:
        sign_in(client)
        listed = client.post("/api/redact", files=files, data={"format": "json"})
        assert listed.status_code == 200, listed.text
        body = listed.json()
        assert "13988726655" not in body["redacted"] and "0872-5123456" in body["redacted"]
        (phone,) = [f for f in body["findings"] if f["text"] == "13988726655"]
        got = client.post("/api/redact", files=files, data={"keep": str(phone["id"])})
        assert got.status_code == 200 and got.headers["content-type"] == DOCX_TYPE
        assert "filename*=UTF-8''" in got.headers["content-disposition"]
        text = all_text(docx.Document(io.BytesIO(got.content)))
        assert "13988726655" in text and "532930196804123314" not in text and "张建华" not in text
        bad = client.post("/api/redact", files={"file": ("x.docx", b"not a zip", DOCX_TYPE)})
        assert bad.status_code == 400 and "不是有效的 Word" in bad.json()["error"]
        wrong = client.post("/api/redact", files={"file": ("x.txt", b"hello", "text/plain")})
        assert wrong.status_code == 400 and ".docx" in wrong.json()["error"]


_FOOTNOTES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:id="1"><w:p><w:r><w:t>资料提供人：段海涛，电话13887261234。</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def _with_footnotes(data: bytes) -> bytes:
    """Add word/footnotes.xml (python-docx cannot write one) with its relationship and content type."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for entry in src.infolist():
            body = src.read(entry.filename)
            if entry.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            if entry.filename == "word/_rels/document.xml.rels":
                body = body.replace(b"</Relationships>", b'<Relationship Id="rIdFn1" Type="http://schemas.openxml'
                                    b'formats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                                    b"</Relationships>")
            dst.writestr(entry, body)
        dst.writestr("word/footnotes.xml", _FOOTNOTES)
    return out.getvalue()


def test_comments_footnotes_and_author_metadata_are_redacted_too(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.author = "李国强"
    paragraph = document.add_paragraph("请审核附表。")
    document.add_comment(paragraph.runs, text="核对张建华同志的身份证号532930196804123314", author="王志强", initials="WZQ")
    buffer = io.BytesIO()
    document.save(buffer)
    source = tmp_path / "批注.docx"
    source.write_bytes(_with_footnotes(buffer.getvalue()))
    out = tmp_path / "批注-删减.docx"
    done = _run([str(source), "-o", str(out)], tmp_path)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as archive:
        parts = {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")}
    everything = "\n".join(parts.values())
    for secret in ("532930196804123314", "张建华", "段海涛", "13887261234", "李国强", "王志强", "WZQ"):
        assert secret not in everything, secret
    assert "资料提供人：段**" in parts["word/footnotes.xml"] and "请审核附表。" in parts["word/document.xml"]
