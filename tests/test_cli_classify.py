"""``gongkai classify`` and ``POST /api/classify``: the JSON contract on a real .docx, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from fastapi.testclient import TestClient

from assistant.app import create_app
from assistant.settings import Settings
from tests.signin import sign_in

LABELS = {"此件公开发布", "此件删减后公开", "此件依申请公开", "此件不公开"}
ROSTER_LINES = [
    "关于2021年第一批城乡低保新增对象的公示",
    "经个人申请、村委会评议、镇人民政府审核，拟将以下对象纳入低保：",
    "杨春花，身份证号532924198511131558，凤羽镇凤翔村委会下登村5组21号；",
    "公示期7天。",
]


def _run(args: list[str], tmp_path: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["ASSISTANT_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run([sys.executable, "-m", "assistant.cli.main", "classify", *args], input=stdin,
                          capture_output=True, env=env, timeout=120, check=False)


def _docx(path: Path, lines: list[str]) -> Path:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def test_json_contract_on_a_real_docx(tmp_path: Path) -> None:
    result = _run(["--json", str(_docx(tmp_path / "公示.docx", ROSTER_LINES))], tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["attribute"] == "此件删减后公开"
    assert 0 < data["confidence"] <= 1
    assert data["reasons"] and all(set(r) >= {"text", "basis"} for r in data["reasons"])
    ids = [f for f in data["findings"] if f["type"] == "id_card"]
    assert ids[0]["masked"] == "5329************58"
    assert {"type", "text", "start", "end", "masked"} <= set(ids[0])
    assert "532924198511131558" not in data["redacted"] and "凤羽镇凤翔村委会" in data["redacted"]


def test_stdin_and_plain_reply(tmp_path: Path) -> None:
    draft = "秘密★1年\n关于做好春节期间值班工作的通知\n各镇乡人民政府：\n请做好值班。".encode()
    result = _run([], tmp_path, stdin=draft)
    assert result.returncode == 0
    out = result.stdout.decode()
    assert out.startswith("建议公开属性：此件不公开（") and "第十四条" in out and "审核、签发" in out
    assert "**" not in out  # plain in the terminal: no Markdown markers


def _big_text(tmp_path: Path) -> Path:
    path = tmp_path / "big.txt"
    path.write_text("洱源县政务公开工作。" * (10 * 1024 * 1024 // 30), encoding="utf-8")  # ≈ 10 MB
    return path


BAD_INPUTS = [
    ("empty stdin", lambda p: ([], b"")),
    ("blank stdin", lambda p: ([], b"  \n\t ")),
    ("binary stdin", lambda p: ([], bytes(range(256)) * 4)),
    ("10 MB file", lambda p: ([str(_big_text(p))], b"")),
    ("10 MB stdin", lambda p: ([], _big_text(p).read_bytes())),
    ("binary file", lambda p: ([str(_write(p / "x.txt", os.urandom(4096)))], b"")),
    ("broken docx", lambda p: ([str(_write(p / "x.docx", b"PK\x03\x04 not a zip"))], b"")),
    ("unsupported type", lambda p: ([str(_write(p / "x.xls", "表格".encode()))], b"")),
    ("missing file", lambda p: ([str(p / "nowhere.docx")], b"")),
    ("empty file", lambda p: ([str(_write(p / "empty.txt", b""))], b"")),
]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("case", "make"), BAD_INPUTS, ids=[c for c, _ in BAD_INPUTS])
def test_bad_input_exits_2_with_chinese_message(
    case: str, make: Callable[[Path], tuple[list[str], bytes]], tmp_path: Path
) -> None:
    args, stdin = make(tmp_path)
    result = _run(["--json", *args], tmp_path, stdin=stdin)
    err = result.stderr.decode()
    assert result.returncode == 2, (case, err)
    assert "Traceback" not in err and result.stdout == b""
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err), err


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield sign_in(c)


def test_api_json_and_upload_give_the_same_answer(client: TestClient, tmp_path: Path) -> None:
    by_json = client.post("/api/classify", json={"text": "\n".join(ROSTER_LINES)})
    path = _docx(tmp_path / "公示.docx", ROSTER_LINES)
    by_file = client.post("/api/classify", files={"file": ("公示.docx", path.read_bytes())})
    assert by_json.status_code == by_file.status_code == 200
    assert by_json.json()["attribute"] == by_file.json()["attribute"] == "此件删减后公开"
    assert by_json.json()["findings"] == by_file.json()["findings"]


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"json": {"text": ""}}, 400),
        ({"json": {"title": "无正文"}}, 400),
        ({"content": b"not json", "headers": {"content-type": "application/json"}}, 400),
        ({"json": {"text": "公" * 300_000}}, 413),
        ({"files": {"file": ("x.bin.txt", bytes(range(256)) * 8)}}, 400),
        ({"files": {"file": ("x.xls", "表格".encode())}}, 400),
    ],
)
def test_api_bad_input(client: TestClient, kwargs: dict[str, Any], status: int) -> None:
    response = client.post("/api/classify", **kwargs)
    assert response.status_code == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["error"])


def test_api_reads_a_docx_with_its_layout(client: TestClient, tmp_path: Path) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import RGBColor

    document = docx.Document()
    for text, red, centred in [("洱源县防汛抗旱指挥部", True, True), ("洱汛指〔2021〕3号", False, True),
                               ("关于进一步加强汛期值守", False, True), ("和信息报送工作", False, True),
                               ("各镇乡防汛抗旱指挥部：", False, False), ("现就有关要求通知如下。", False, False)]:
        p = document.add_paragraph()
        run = p.add_run(text)
        run.bold = centred and not red
        if red:
            run.font.color.rgb = RGBColor(0xFF, 0x00, 0x00)
        if centred:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.save(str(tmp_path / "值守.docx"))
    data = client.post("/api/classify", files={"file": ("值守.docx", (tmp_path / "值守.docx").read_bytes())}).json()
    assert data["title"] == "关于进一步加强汛期值守和信息报送工作"
    assert data["attribute"] in LABELS
