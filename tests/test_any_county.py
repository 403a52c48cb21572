"""Any county by data alone: an invented county's starter data set (gongkai init), its own 工作要点
ingested as a .docx, then duties and answers on it, with nothing of the packaged county in sight."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.cli.main import main
from assistant.settings import Settings
from knowledge.county import use_county_dir
from tests.plan_texts import (
    INVENTED_COUNTY,
    INVENTED_PLAN,
    INVENTED_PREFECTURE,
    INVENTED_TITLE,
    INVENTED_TOWNSHIPS,
    write_docx,
)

PACKAGED_NAMES = ("洱源", "大理")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def county(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "none")
    yield settings
    use_county_dir(None)  # the CLI pointed this test process at the invented county


@pytest.mark.slow
def test_an_invented_county_runs_on_its_own_data(
    county: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    towns = [arg for town in INVENTED_TOWNSHIPS for arg in ("--township", town)]
    code, out, err = _cli(capsys, "init", "--county", INVENTED_COUNTY, "--prefecture", INVENTED_PREFECTURE, *towns)
    assert code == 0, err
    assert (county.data_dir / "county" / "county.yaml").is_file()
    code, _, err = _cli(capsys, "init", "--county", INVENTED_COUNTY)
    assert code == 2 and "--force" in err  # an existing data set is not overwritten by accident

    path = write_docx(tmp_path / "要点.docx", INVENTED_PLAN)
    code, out, err = _cli(capsys, "ingest", "--json", str(path))
    assert code == 0, err
    [doc] = json.loads(out)["documents"]
    assert doc["title"] == INVENTED_TITLE and doc["kind"] == "points" and doc["year"] == 2022

    # the packaged county's plan is not this county's: no built-in plan, no 2020 to fall back on
    code, out, _ = _cli(capsys, "docs", "list", "--json")
    assert [d["title"] for d in json.loads(out) if d["kind"] in ("plan", "points")] == [INVENTED_TITLE]

    # a unit only the plan names answers at once, named as lead of 三 and covered by 县直各部门 in 一(二)
    code, out, _ = _cli(capsys, "duties", "--json", "县数据局")
    data = json.loads(out)
    assert data["plan"] == {"id": doc["id"], "title": INVENTED_TITLE, "year": 2022}
    assert [(t["section"], t["role"]) for t in data["tasks"]] == [("一(二)", "collective"), ("三", "lead")]
    # a township from init: named in 二(一) by its short name, covered by 各乡镇人民政府 in 三
    code, out, _ = _cli(capsys, "duties", "--json", "桃源")
    data = json.loads(out)
    assert data["unit"] == "桃源镇人民政府"
    assert [(t["section"], t["role"]) for t in data["tasks"]] == [("二(一)", "named"), ("三", "collective")]
    code, out, _ = _cli(capsys, "duties", "石门乡")
    assert out.startswith(f"石门乡人民政府在《{INVENTED_TITLE}》中的任务共2项")

    # the plan's new units are proposed to the admin; accepting one keeps its alias in data
    code, out, _ = _cli(capsys, "units", "proposals", "--json")
    proposed = {p["name"]: p for p in json.loads(out)}
    assert {"县数据局", "县医疗保障局", "县行政审批局", "县发展和改革局"} <= set(proposed)
    assert proposed["县医疗保障局"]["status"] == "pending" and proposed["县医疗保障局"]["plans"] == [INVENTED_TITLE]
    code, out, err = _cli(capsys, "duties", "医保局")
    assert code == 2 and "县医疗保障局" in err  # not an alias yet: the closest names are offered
    assert _cli(capsys, "units", "accept", "县医疗保障局", "--alias", "医保局")[0] == 0
    code, out, _ = _cli(capsys, "duties", "医保局")
    assert code == 0 and out.startswith(f"县医疗保障局在《{INVENTED_TITLE}》中的任务共3项（点名负责1项、统称负责2项）")
    assert _cli(capsys, "units", "reject", "县税务局")[0] == 0
    code, out, _ = _cli(capsys, "units", "proposals", "--json")
    assert "县医疗保障局" not in {p["name"] for p in json.loads(out)}
    code, _, err = _cli(capsys, "duties", "县税务局")
    assert code == 2 and "未找到" in err

    # answers quote this county's plan and speak of this county
    code, out, _ = _cli(capsys, "ask", "政府网站信息多久更新一次？")
    assert code == 0 and "每周至少更新一次" in out and f"《{INVENTED_TITLE}》三" in out
    code, out, _ = _cli(capsys, "ask", "今年的要点里县医保局有哪些任务")
    assert f"《{INVENTED_TITLE}》" in out and "公开医疗保障信息" in out
    code, out, _ = _cli(capsys, "ask", "剑川县的政务公开有什么要求")
    assert f"只收录了{INVENTED_COUNTY}的政务公开工作方案" in out
    assert not any(name in out for name in PACKAGED_NAMES)
