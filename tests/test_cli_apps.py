"""The register's CLI contracts: apps add/event/list/show/export/import and report annual."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from assistant.cli.main import main


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in [n for n in __import__("os").environ if n.startswith("ASSISTANT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, object, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 and "--json" in argv else out.out), out.err


def test_add_event_list_show_report(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, app, _ = run(capsys, "apps", "add", "--json", "--received", "2026-02-13", "--channel", "online",
                       "--applicant", "自然人", "--content", "申请公开2025年县道养护合同，电话13812345678",
                       "--handler", "zhangsan", "--name", "张三丰")
    assert code == 0
    assert {"id", "received", "due", "extended_due", "correction_notice_due", "provisional"} <= set(app)  # type: ignore[arg-type]
    assert (app["due"], app["extended_due"], app["correction_notice_due"]) == (  # type: ignore[index]
        "2026-03-19", "2026-04-17", "2026-03-02")
    assert app["applicant"] == "张**" and "13812345678" not in app["content"]  # type: ignore[index]
    app_id = str(app["id"])  # type: ignore[index]

    code, out, _ = run(capsys, "apps", "event", "--json", app_id, "correction_sent", "--date", "2026-02-26")
    assert code == 0 and out["status"] == "awaiting_correction"  # type: ignore[index]
    # 2026-03-04 (Wed) + 20 WD: 3/5–6=2, 9–13=7, 16–20=12, 23–27=17, 30–31=19, 4/1=20
    code, out, _ = run(capsys, "apps", "event", "--json", app_id, "correction_received", "--date", "2026-03-04")
    assert code == 0 and out["due"] == "2026-04-01" and out["corrected"] == "2026-03-04"  # type: ignore[index]

    code, listed, _ = run(capsys, "apps", "list", "--json", "--due-within", "10", "--today", "2026-03-25")
    assert code == 0 and [a["id"] for a in listed] == [int(app_id)]  # type: ignore[union-attr]
    assert {"id", "received", "due", "status"} <= set(listed[0])  # type: ignore[index]
    code, listed, _ = run(capsys, "apps", "list", "--json", "--due-within", "3", "--today", "2026-03-25")
    assert listed == []

    code, _, err = run(capsys, "apps", "event", "--json", app_id, "reply", "--date", "2026-03-30",
                       "--outcome", "不予公开")
    assert code == 2 and "须写明理由" in err and "Traceback" not in err
    code, _, err = run(capsys, "apps", "event", "--json", app_id, "reply", "--date", "2026-03-30",
                       "--outcome", "不予公开", "--reason", "第十四条")
    assert code == 2 and "属于国家秘密" in err  # 第十四条 covers three rows of table 三: it asks which
    code, out, _ = run(capsys, "apps", "event", "--json", app_id, "reply", "--date", "2026-03-30",
                       "--outcome", "不予公开", "--reason", "1")
    assert code == 0 and out["status"] == "replied" and out["outcome"] == "属于国家秘密"  # type: ignore[index]

    code, table, _ = run(capsys, "report", "annual", "--json", "--year", "2026", "--md", str(env / "t.md"),
                         "--xlsx", str(env / "t.xlsx"), "--html", str(env / "t.html"))
    assert code == 0
    assert {"new", "carried_over", "results", "carried_forward", "balanced"} <= set(table)  # type: ignore[arg-type]
    assert table["results"]["属于国家秘密"]["自然人"] == 1 and table["balanced"] is True  # type: ignore[index]
    assert f"#{app_id}" in (env / "t.md").read_text(encoding="utf-8")
    assert f"#app-{app_id}" in (env / "t.html").read_text(encoding="utf-8")
    assert openpyxl.load_workbook(env / "t.xlsx")["表三"]["A1"].value == "项目"

    code, _, err = run(capsys, "apps", "show", "999")
    assert code == 2 and "没有编号为 999 的申请" in err


def test_export_then_import_recomputes(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "apps", "add", "--json", "--received", "2025-09-26", "--channel", "in_person",
        "--applicant", "商业企业", "--content", "某项目环评批复", "--name", "某某公司")
    run(capsys, "apps", "event", "--json", "1", "extend", "--date", "2025-10-20", "--person", "李主任")
    code, out, _ = run(capsys, "apps", "export", str(env / "tz.xlsx"))
    assert code == 0
    ws = openpyxl.load_workbook(env / "tz.xlsx").active
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("延期告知日") + 1).value == "2025-10-20"
    ws.cell(2, header.index("答复截止日") + 1).value = "2099-01-01"  # typed dates are ignored on import
    ws.parent.save(env / "tz2.xlsx")
    code, out, _ = run(capsys, "apps", "import", "--json", str(env / "tz2.xlsx"))
    assert code == 0 and out == {"imported": 1, "ids": [2]}
    code, shown, _ = run(capsys, "apps", "show", "--json", "2")
    assert shown["due"] == "2025-10-30" and shown["extended"] is True  # type: ignore[index]
    assert shown["extended_due"] == "2025-11-27" and shown["current_due"] == "2025-11-27"  # type: ignore[index]

    bad = openpyxl.Workbook()
    bad.active.append(["编号", "收到日期", "渠道", "申请人类型", "申请人", "申请内容"])
    bad.active.append([1, "2025-13-01", "当面", "自然人", "王五", "x"])
    bad.save(env / "bad.xlsx")
    code, _, err = run(capsys, "apps", "import", str(env / "bad.xlsx"))
    assert code == 2 and "第2行" in err


def test_bad_input_is_a_chinese_line(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "apps", "add", "--received", "2026-01-05", "--channel", "pigeon",
                       "--applicant", "自然人", "--content", "x")
    assert code == 2 and "提交方式不正确" in err
    code, _, err = run(capsys, "apps", "add", "--received", "2026-01-05", "--channel", "mail",
                       "--applicant", "个体户", "--content", "x")
    assert code == 2 and "申请人类型不正确" in err
    run(capsys, "apps", "add", "--received", "2026-01-05", "--channel", "mail", "--applicant", "自然人",
        "--content", "x")
    code, _, err = run(capsys, "apps", "event", "1", "extend", "--date", "2026-01-06")
    assert code == 2 and "负责人" in err
    code, _, err = run(capsys, "apps", "event", "1", "consult_end", "--date", "2026-01-06")
    assert code == 2 and "征求意见开始" in err
