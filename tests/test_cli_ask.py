"""The CLI contract: ask --json, exit codes, chat, ingest and index, through assistant.cli.main."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from assistant.answer import NOT_FOUND
from assistant.cli.main import cli, main
from assistant.settings import Settings


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_EMBEDDER": "none"}
    for name in [n for n in __import__("os").environ if n.startswith("ASSISTANT_")]:
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def test_ask_json_follows_the_contract(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "依申请公开要在多少个工作日内答复？"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"answer", "sources", "tool", "data"}
    assert "20个工作日" in data["answer"]
    assert "〔《" in data["answer"] and "依据：" in data["answer"]
    assert data["tool"] is None
    assert data["sources"], "an answer cites its sources"
    for source in data["sources"]:
        assert set(source) == {"title", "section", "text", "score"}
        assert isinstance(source["score"], float)
        assert f"《{source['title']}》{source['section']}" in data["answer"]


def test_out_of_scope_question_gets_not_found(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "--json", "明天洱源天气怎么样？"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["answer"] == NOT_FOUND
    assert data["sources"] == []


@pytest.mark.parametrize("argv", [["ask", ""], ["ask", "   "], ["ask"]])
def test_empty_question_exits_2_with_a_chinese_message(
    argv: list[str], env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "内容为空" in err
    assert "Traceback" not in err


def test_plain_ask_prints_the_answer_text(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "政务新媒体两次更新间隔不能超过几天"]) == 0
    assert "14天" in capsys.readouterr().out


def test_ask_as_a_real_process(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli.main", "ask", "--json", "公文的公开属性在哪个系统里标"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, **env},
    )
    assert done.returncode == 0, done.stderr
    assert "电子政务协同办公系统" in json.loads(done.stdout)["answer"]
    assert done.stderr == ""


def test_chat_keeps_going_until_the_user_says_exit(env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["chat"], input="公文的公开属性在哪个系统里标\n\n今天中午吃什么\n退出\n")
    assert result.exit_code == 0
    assert "电子政务协同办公系统" in result.output
    assert NOT_FOUND in result.output
    assert result.output.rstrip().endswith("再见。")


def test_chat_ends_cleanly_on_end_of_input(env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["chat"], input="")
    assert result.exit_code == 0
    assert "再见" in result.output


def _docx(path: Path, lines: list[str]) -> None:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())


def test_ingest_reports_each_file_and_exits_2_when_one_failed(
    env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "查阅点规定.docx"
    _docx(good, ["县档案馆政府信息查阅点规定", "第五条 县档案馆设立政府信息查阅点，每周三下午开放。"])
    empty = tmp_path / "空.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "没有这个文件.pdf"
    assert main(["ingest", str(good), str(empty), str(missing)]) == 2
    out, err = capsys.readouterr()
    assert "已导入：查阅点规定.docx" in out
    assert "空.txt" in err and "空文件" in err
    assert "不存在" in err
    assert "失败2个" in out

    assert main(["ingest", str(good)]) == 0
    assert "已替换：查阅点规定.docx" in capsys.readouterr().out
    assert main(["ask", "--json", "档案馆的政府信息查阅点什么时候开放"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "每周三下午开放" in data["answer"]
    assert data["sources"][0]["section"] == "第五条"


def test_index_rebuild(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index", "--rebuild"]) == 0
    out = capsys.readouterr().out
    assert "索引已重建" in out and "3个文档" in out  # the plan, the digest and the question bank


def test_api_ask_returns_the_same_json_as_the_cli(
    settings: Settings, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from assistant.app import create_app
    from tests.signin import sign_in

    question = "政务新媒体两次更新间隔不能超过几天"
    with TestClient(create_app(settings)) as client:
        sign_in(client)
        response = client.post(
            "/api/ask", json={"question": question, "history": [{"role": "user", "text": "你好"}]}
        )
        assert response.status_code == 200
        api = response.json()
        empty = client.post("/api/ask", json={"question": "  "})
        assert empty.status_code == 400 and "内容为空" in empty.json()["error"]
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "none")
    assert main(["ask", "--json", question]) == 0
    assert json.loads(capsys.readouterr().out) == api


def test_terminal_answer_shows_no_markdown_markers(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "none")
    assert main(["ask", "/期限 2026-02-13"]) == 0
    out = capsys.readouterr().out
    assert "答复截止日：2026-03-19" in out and "**" not in out
