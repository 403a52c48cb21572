"""The question bank as .xlsx: a real file round trip through ``gongkai bank export/import`` and the admin
page's download/upload, and bad input (not a workbook, a wrong header, bad rows skipped with their row
numbers while the good rows are kept)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from assistant.bank_xlsx import HEADER
from assistant.cli.main import cli, main
from knowledge.bank import load_bank
from tests.test_loop import PARAPHRASE, REFUSED


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in [n for n in __import__("os").environ if n.startswith("ASSISTANT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "none")
    return {"ASSISTANT_DATA_DIR": str(tmp_path / "data")}


def _rows(path: Path) -> list[list[str]]:
    ws = load_workbook(path).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]


def _save(rows: list[list[str]], path: Path) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_export_edit_import_round_trip_with_a_real_file(env: dict[str, str], tmp_path: Path) -> None:
    runner = CliRunner()
    exported = tmp_path / "问答对.xlsx"
    result = runner.invoke(cli, ["bank", "export", str(exported)])
    assert result.exit_code == 0 and "已导出" in result.output
    rows = _rows(exported)
    assert rows[0] == HEADER and len(rows) - 1 == len(load_bank())
    plan_row = next(r for r in rows[1:] if r[0] == "plan-2-principle")
    assert plan_row[1] == "内置" and plan_row[4].startswith("洱源县") and plan_row[5] == "二" and plan_row[6] == "谁起草、谁解读"
    # offline edits: one built-in answer reworded, one new entry citing the same clause
    plan_row[3] = "按“谁起草、谁解读”，起草部门负责解读。"
    new = ["", "", f"{REFUSED}\n公务员考核优秀比例是多少", "方案没有规定公务员考核的优秀名额。", plan_row[4], "二", "谁起草、谁解读", ""]
    edited = _save([rows[0], *[plan_row if r[0] == "plan-2-principle" else r for r in rows[1:]], new], tmp_path / "改.xlsx")
    result = runner.invoke(cli, ["bank", "import", "--json", str(edited)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["imported"] == 2 and out["unchanged"] == len(load_bank()) - 1 and out["errors"] == []
    assert sorted(out["ids"]) == ["approved-2", "plan-2-principle"]
    again = _rows(tmp_path / "again.xlsx") if runner.invoke(cli, ["bank", "export", str(tmp_path / "again.xlsx")]).exit_code == 0 else []
    by_id = {r[0]: r for r in again[1:]}
    assert by_id["plan-2-principle"][1] == "导入" and by_id["plan-2-principle"][3] == plan_row[3]
    assert by_id["approved-2"][2].splitlines() == [REFUSED, "公务员考核优秀比例是多少"]
    assert len(again) == len(rows) + 1  # the replaced built-in row is not listed twice
    for question in (REFUSED, PARAPHRASE):  # the imported entry answers, in a fresh process
        asked = runner.invoke(cli, ["ask", "--json", question])
        assert json.loads(asked.output)["answer"].startswith("方案没有规定公务员考核的优秀名额。"), question


def test_bad_rows_are_skipped_with_their_row_numbers_and_good_rows_kept(
    env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "洱源县2020年政务公开工作方案"
    rows = [HEADER,
            ["", "", "好的问题", "好的回答。", title, "二", "谁起草、谁解读", ""],
            ["", "", "", "没有问题的回答。", title, "二", "谁起草、谁解读", ""],
            ["", "", "有问题没回答", "", title, "二", "", ""],
            ["", "", "引用不存在", "回答。", "不存在的文件", "一", "", ""],
            ["", "", "一节多段", "回答。", title, "三", "", ""],
            ["", "", "定位词不在段中", "回答。", title, "二", "没有这句话", ""]]
    assert main(["bank", "import", str(_save(rows, tmp_path / "bad.xlsx"))]) == 2
    out = capsys.readouterr()
    assert "已导入 1 条" in out.out and "有误跳过 5 条" in out.out
    text = out.err
    assert "第3行：请至少填写一个问题。" in text and "第4行：请填写审定的回答。" in text
    assert "第5行：依据条款 《不存在的文件》一 不存在。" in text
    assert "第6行" in text and "有多段，请在定位词填写" in text and "第7行" in text
    assert "Traceback" not in text and "有 5 行有误，已跳过；其余各行已导入。" in text


@pytest.mark.parametrize(("content", "message"), [
    (b"not a workbook at all", "无法读取问答对文件"),
    (None, "问答对文件缺少列：问题（每行一个）、回答、依据文件"),
])
def test_a_file_that_is_not_a_bank_is_refused_in_chinese(env: dict[str, str], tmp_path: Path, content: bytes | None,
                                                          message: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.xlsx"
    if content is None:
        _save([["编号", "名称"], ["1", "别的表"]], path)
    else:
        path.write_bytes(content)
    assert main(["bank", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_the_admin_page_downloads_and_uploads_the_bank(admin_client: TestClient) -> None:
    c = admin_client
    download = c.get("/api/admin/bank.xlsx")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(download.content)).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == HEADER and len(rows) - 1 == len(load_bank())
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append(["", "", REFUSED, "方案没有规定。", rows[1][4], rows[1][5], rows[1][6], rows[1][7]])
    wb.active.append(["", "", "坏行", "", "", "", "", ""])
    body = io.BytesIO()
    wb.save(body)
    uploaded = c.post("/api/admin/bank.xlsx", content=body.getvalue())
    assert uploaded.status_code == 200
    assert uploaded.json()["imported"] == 1 and uploaded.json()["errors"] == ["第3行：请填写审定的回答。"]
    junk = c.post("/api/admin/bank.xlsx", content=b"PK\x03\x04 junk")
    assert junk.status_code == 400 and "无法读取问答对文件" in junk.json()["error"]
    assert c.post("/api/admin/bank.xlsx", content=b"").status_code == 400
