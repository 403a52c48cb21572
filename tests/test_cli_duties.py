"""``gongkai duties`` and ``GET /api/duties``: the JSON contract, exports and exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from assistant.app import create_app
from assistant.cli.main import main
from assistant.settings import Settings
from tests.signin import sign_in


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["duties", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--json", "卫健局")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert set(data) == {"unit", "tasks", "plan"} and data["unit"] == "县卫生健康局"
    assert data["plan"] == {"id": "builtin:plan", "title": "洱源县2020年政务公开工作方案", "year": 2020}
    assert {"section": "三", "role": "lead"}.items() <= data["tasks"][2].items()
    assert all(set(t) == {"section", "title", "role", "text"} for t in data["tasks"])
    assert {t["role"] for t in data["tasks"]} == {"lead", "named", "collective"}


def test_reverse_question_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json", "--task", "门户网站信息公开平台")
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "门户网站信息公开平台"
    assert data["matches"][0]["section"] == "五(一)" and data["matches"][0]["units"] == ["县人民政府办公室"]


def test_chat_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "凤羽")
    assert code == 0 and out.startswith("凤羽镇人民政府在《洱源县2020年政务公开工作方案》中的任务共20项")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["县统计局"], "方案中未找到该单位“县统计局”。最接近的单位：县审计局"),
        (["xyz"], "方案中未找到该单位"),
        (["局"], "请说明是哪一个单位"),
        ([], "请给出单位名称"),
        (["卫健局", "--task", "门户网站"], "二者选一"),
        (["--format", "xlsx", "卫健局"], "请用 --output 指定文件"),
        (["--task", "门户网站", "--format", "md"], "只有单位的任务清单可以导出"),
        (["--json", "--format", "csv", "卫健局"], "--json 不能与导出格式同时使用"),
        (["--output", "清单.pdf", "卫健局"], "无法从文件名判断导出格式"),
        (["--format", "pdf", "卫健局"], "参数错误"),
        (["--task", "明天天气怎么样"], "方案中没有找到"),
    ],
)
def test_bad_input_exits_2_with_a_chinese_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert out == ""


def test_export_xlsx_to_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "任务清单.xlsx"
    code, out, err = run(capsys, "--output", str(target), "县人社局")
    assert code == 0 and "已导出" in err
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("县人力资源社会保障局任务清单")
    named = [r[1] for r in rows[2:] if r[3] in ("牵头", "点名负责")]
    assert named == ["三", "四(五)", "四(八)"]


def test_export_csv_and_md_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "csv", "供电局")
    assert code == 0
    table = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert table[1][:4] == ["1", "四(九)", "主动公开公共企事业单位信息", "点名负责"]
    code, out, _ = run(capsys, "--format", "md", "供电局")
    assert code == 0 and out.startswith("# 县供电局任务清单")


def test_unwritable_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--output", str(tmp_path / "missing" / "x.csv"), "卫健局")
    assert code == 2 and "无法写入文件" in err


@pytest.fixture
def client(settings: Settings) -> TestClient:
    with TestClient(create_app(settings)) as test_client:
        yield sign_in(test_client)


def test_api_same_json_as_cli(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    response = client.get("/api/duties", params={"unit": "卫健局"})
    assert response.status_code == 200
    _, out, _ = run(capsys, "--json", "卫健局")
    assert response.json() == json.loads(out)
    reverse = client.get("/api/duties", params={"task": "门户网站信息公开平台"})
    assert reverse.status_code == 200 and reverse.json()["matches"][0]["section"] == "五(一)"


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"unit": "县统计局"}, 404, "方案中未找到该单位"),
        ({"unit": "局"}, 400, "请说明是哪一个单位"),
        ({}, 400, "请提供 unit"),
    ],
)
def test_api_errors(client: TestClient, params: dict[str, str], status: int, message: str) -> None:
    response = client.get("/api/duties", params=params)
    assert response.status_code == status
    assert message in response.json()["error"]
