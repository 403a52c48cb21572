"""`gongkai eval` as a trainer runs it: --json total, --report, --compare, --check-floor, --url."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli.main import cli, main
from assistant.settings import Settings
from tests.conftest import free_port
from tests.signin import api_token

SET = """\
kind: deadline
items:
  - id: dl-c-001
    input: {received: 2026-02-13, channel: in_person}
    expected: {due: 2026-03-19}
  - id: dl-c-002
    input: {received: 2026-02-13, channel: in_person}
    expected: {due: 2026-03-20}
  - id: duty-c-001
    kind: duties
    unit: 县卫健局
    expected_sections: ["四(三)"]
  - id: pii-c-001
    kind: pii
    text: 联系电话：13988726655
    spans: [{type: mobile, text: "13988726655"}]
  - id: bad-c-001
    kind: duties
    unit: 县卫健局
"""


DATED = """\
kind: qa
items:
  - id: qa-d-001
    question: 依申请公开多少个工作日内答复
    key_facts: [[2026-04-17, 20个工作日]]
    source: {title: 政府信息公开条例, section: 第三十三条}
  - id: qa-d-002
    question: 依申请公开多少个工作日内答复
    key_facts: [2026-04-17]
    source: {title: 政府信息公开条例, section: 第三十三条}
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """An eval run over HTTP sends every item in a minute: the per-client and per-member limits are off."""
    return settings.model_copy(update={"api_rate_per_minute": 0, "member_rate_per_minute": 0})


@pytest.fixture
def env(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's environment: after ``settings`` cleared every ASSISTANT_ variable, point it at tmp_path."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "none")
    path = tmp_path / "mini.yaml"
    path.write_text(SET, encoding="utf-8")
    return path


def _json_run(args: list[str]) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["eval", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_has_total_and_the_malformed_entry_is_reported(env: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", str(env), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["total"] == 4 and data["passed"] == 2  # dl-c-002 expects the wrong day; duties lists more sections
    assert data["headline"]["deadline.exact_match"] == 0.5 and data["headline"]["pii.recall"] == 1.0
    assert any("mini.yaml 第17行" in e and "expected_sections" in e for e in data["load_errors"])
    assert "mini.yaml 第17行" in result.stderr and "评测中" in result.stderr


def test_a_date_among_the_key_facts_is_graded_as_its_iso_text(tmp_path: Path, settings: Settings,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "none")
    path = tmp_path / "dated.yaml"
    path.write_text(DATED, encoding="utf-8")
    data = _json_run([str(path)])
    assert data["load_errors"] == [] and data["total"] == 2
    assert data["passed"] == 1  # the answer gives 20个工作日 and no date: only the item that accepts either passes


def test_report_file_and_text_summary(env: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["eval", str(env), "--report", str(out)])
    assert result.exit_code == 0
    assert "共4题，通过2题" in result.stdout and "期限计算完全正确率：50.0%" in result.stdout
    html = out.read_text(encoding="utf-8")
    assert "dl-c-002" in html and "2026-03-20" in html


def test_splits_side_by_side_and_blind_items_are_not_listed(env: Path, tmp_path: Path) -> None:
    blind = tmp_path / "test"
    blind.mkdir()
    (blind / "mini.yaml").write_text(SET, encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(env), str(blind / "mini.yaml")])
    assert result.exit_code == 0
    assert "dev：4题，通过2题；test：4题，通过2题" in result.stdout
    assert "期限计算完全正确率：dev 50.0%  test 50.0%" in result.stdout
    data = _json_run([str(env), str(blind / "mini.yaml")])
    assert data["splits"]["test"]["total"] == 4 and data["splits"]["dev"]["headline"]["pii.recall"] == 1.0
    assert len(data["items"]) == 4 and {r["split"] for r in data["items"]} == {"dev"}
    shown = _json_run([str(env), str(blind / "mini.yaml"), "--test-items"])
    assert len(shown["items"]) == 8


def test_compare_shows_what_changed(env: Path, tmp_path: Path) -> None:
    previous = _json_run([str(env)])
    previous["headline"]["deadline.exact_match"] = 1.0
    for item in previous["items"]:
        item["passed"] = item["id"] != "pii-c-001"
    prev_file = tmp_path / "prev.json"
    prev_file.write_text(json.dumps(previous, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(env), "--compare", str(prev_file)])
    assert result.exit_code == 0
    assert "变差：期限计算完全正确率 100.0% → 50.0%" in result.stdout
    assert "新通过的题（1）：pii-c-001" in result.stdout and "dl-c-002" in result.stdout


def test_check_floor_fails_with_a_chinese_list(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    floors = tmp_path / "floors.yaml"
    floors.write_text("floors:\n  deadline.exact_match: {min: 1.0}\n  pii.recall: {min: 0.9}\n", encoding="utf-8")
    code = main(["eval", str(env), "--check-floor", "--floors", str(floors)])
    err = capsys.readouterr().err
    assert code == 1
    assert "评测低于 eval/floors.yaml 中的下限" in err and "期限计算完全正确率（deadline.exact_match）：50.0%，低于下限 100.0%" in err
    assert "pii.recall" not in err
    floors.write_text("floors:\n  pii.recall: {min: 0.9}\n", encoding="utf-8")
    assert main(["eval", str(env), "--check-floor", "--floors", str(floors)]) == 0
    floors.write_text("floors:\n  test:\n    deadline.exact_match: {min: 1.0}\n", encoding="utf-8")
    assert main(["eval", str(env), "--check-floor", "--floors", str(floors)]) == 0  # no test split ran
    assert "跳过它的下限" in capsys.readouterr().err


def test_bad_arguments_exit_2(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(tmp_path / "none.yaml")]) == 2
    assert "没有可运行的题目" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert main(["eval", str(env), "--compare", str(bad)]) == 2
    assert main(["eval", str(env), "--url", "ftp://x"]) == 2


def test_url_mode_runs_the_same_items_over_http(
    env: Path, live_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGKAI_API_TOKEN", api_token(settings))
    local = _json_run([str(env), "--kind", "deadline", "--kind", "duties"])
    remote = _json_run([str(env), "--kind", "deadline", "--kind", "duties", "--url", live_url])
    assert remote["mode"] == live_url and remote["total"] == local["total"] == 3
    assert [(r["id"], r["passed"], r["got"]) for r in remote["items"]] == [
        (r["id"], r["passed"], r["got"]) for r in local["items"]]


def test_url_mode_unreachable_service_is_reported_per_item(env: Path) -> None:
    data = _json_run([str(env), "--kind", "deadline", "--url", f"http://127.0.0.1:{free_port()}"])
    assert data["total"] == 2 and data["passed"] == 0
    assert all("无法连接被测服务" in r["error"] for r in data["items"])


def test_url_mode_answers_questions_like_the_local_engine(
    env: Path, live_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGKAI_API_TOKEN", api_token(settings))
    args = ["qa_plan", "out_of_scope"]
    local = _json_run(args)
    remote = _json_run([*args, "--url", live_url])
    assert remote["total"] == local["total"] >= 80
    assert [(r["id"], r["passed"]) for r in remote["items"]] == [(r["id"], r["passed"]) for r in local["items"]]
    assert remote["headline"]["qa.hit@5"] == local["headline"]["qa.hit@5"]
