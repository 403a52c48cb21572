"""Every year's plan: an ingested 工作方案 is parsed as a plan, answers duties by default, another year on
request, two years compared, and its removal reaches a server that is already running."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.cli.main import main
from assistant.settings import Settings
from knowledge.errors import NotFound
from knowledge.plan import parse_plan
from knowledge.plans import PlanCatalogue, PlanEntry, plan_year
from knowledge.units import load_units
from tests.conftest import free_port
from tests.plan_texts import PLAN_2021, PLAN_2021_TITLE, write_docx
from tests.signin import bearer
from tools.duties import plan_duties
from tools.duties_compare import compare_duties

BUILTIN_TITLE = "洱源县2020年政务公开工作方案"


def test_a_second_year_plan_parses_with_its_own_parts_and_clause_wordings() -> None:
    plan = parse_plan(PLAN_2021)
    assert plan.title == PLAN_2021_TITLE and plan_year(plan.title, plan.header) == 2021
    assert [p.title for p in plan.parts] == ["着力推进基层政务公开标准化规范化", "持续做好常态化疫情防控信息公开",
                                             "加强政府信息管理", "强化组织保障"]
    assert [s.label for s in plan.sections()] == ["一(一)", "一(二)", "二", "三(一)", "三(二)", "四"]
    lead_and_partners, health, half_width = plan.clauses[0], plan.clauses[1], plan.clauses[2]
    # 牵头单位 + 配合单位 in one clause: the lead unit, then the collective partners
    assert lead_and_partners.lead == ("县政务局",) and lead_and_partners.named == ()
    assert lead_and_partners.collective == ("县级各部门", "各镇乡人民政府")
    assert health.named == ("县卫生健康局", "县医疗保障局")
    # half-width parentheses and colon, and a unit the registry does not know yet
    assert half_width.section == "二" and half_width.named == ("县卫生健康局", "县数据局")
    assert plan.paragraphs[0].text.endswith("集中公开。") and "牵头单位" not in plan.paragraphs[0].text


def test_a_townships_or_another_countys_plan_is_not_this_countys_plan() -> None:
    from knowledge.ingest import DocInfo, as_plan
    from knowledge.store import Document

    township = PLAN_2021.replace(PLAN_2021_TITLE, "凤羽镇2021年政务公开工作方案")
    doc = Document("file:x", "x.docx", "h", "凤羽镇2021年政务公开工作方案", "plan", year=2021)
    assert as_plan(doc, township, DocInfo()) == (doc, None)
    # nor is another county's (the knowledge base may hold a neighbour's plan for reference)
    other = PLAN_2021.replace(PLAN_2021_TITLE, "剑川县2021年政务公开工作方案")
    assert as_plan(doc, other, DocInfo())[1] is None
    county = Document("file:y", "y.docx", "h", "关于印发2021年政务公开工作方案的通知", "other")
    read, text = as_plan(county, PLAN_2021, DocInfo())
    assert (read.title, read.kind, read.year, text) == (PLAN_2021_TITLE, "plan", 2021, PLAN_2021)
    # what the person ingesting says wins over what the text looks like
    assert as_plan(county, PLAN_2021, DocInfo(kind="regulation")) == (county, None)


def _entry(doc_id: str, text: str, year: int, status: str = "current") -> PlanEntry:
    plan = parse_plan(text)
    return PlanEntry(doc_id, plan.title, year, status, plan)


def test_the_newest_current_plan_answers_unless_a_year_is_asked() -> None:
    from knowledge.plan import load_plan

    builtin = PlanEntry("builtin:plan", BUILTIN_TITLE, 2020, "current", load_plan())
    second = _entry("file:2021", PLAN_2021, 2021)
    plans = PlanCatalogue([second, builtin])
    units = load_units()
    assert plans.current() is second
    latest = plan_duties(plans, units, "县卫健局")
    assert latest.plan is second and [t.section for t in latest.tasks if t.role == "named"] == ["一(二)", "二"]
    assert plan_duties(plans, units, "县卫健局", 2020).as_dict()["plan"] == {
        "id": "builtin:plan", "title": BUILTIN_TITLE, "year": 2020}
    with pytest.raises(NotFound, match="没有2019年的工作方案。现有方案的年份：2020年、2021年"):
        plans.for_year(2019)
    # a superseded plan answers only when its year is asked for; a withdrawn one never
    old = PlanCatalogue([builtin, _entry("file:2021", PLAN_2021, 2021, "superseded")])
    assert old.current() is builtin and old.for_year(2021).doc_id == "file:2021"
    with pytest.raises(NotFound):
        PlanCatalogue([_entry("file:2021", PLAN_2021, 2021, "withdrawn")]).for_year(2021)


def test_two_years_compared_task_group_by_task_group() -> None:
    from knowledge.plan import load_plan

    plans = PlanCatalogue([PlanEntry("builtin:plan", BUILTIN_TITLE, 2020, "current", load_plan()),
                           _entry("file:2021", PLAN_2021, 2021)])
    diff = compare_duties(plans, load_units(), "卫健局").as_dict()
    assert diff["plan"]["year"] == 2021 and diff["compared_with"]["year"] == 2020
    # the epidemic paragraph is carried over word for word (四(三) in 2020, 二 in 2021)
    assert [(t["section"], t["previous_section"]) for t in diff["unchanged"]] == [("二", "四(三)")]
    assert "推进卫生健康领域信息公开" in [t["title"] for t in diff["added"]]
    assert "主动公开民生改善信息" in [t["title"] for t in diff["removed"]]
    assert len(diff["added"]) + len(diff["unchanged"]) == 6
    assert len(diff["removed"]) + len(diff["unchanged"]) == 20


@pytest.mark.parametrize(
    ("message", "history", "args"),
    [
        ("2021年方案里我们局有哪些任务", ("我是卫健局的",), {"unit": "县卫生健康局", "year": 2021}),
        ("按2020年的方案，县财政局要做什么", (), {"unit": "县财政局", "year": 2020}),
        ("县卫健局今年比去年多了哪些任务", (), {"unit": "县卫生健康局", "compare_previous": True}),
        ("今年比去年多了哪些任务", ("我是卫健局的",), {"unit": "县卫生健康局", "compare_previous": True}),
        ("与2020年相比，县卫健局的任务有什么变化", (), {"unit": "县卫生健康局", "compare": 2020}),
        ("今年的方案里县卫健局有哪些任务", (), {"unit": "县卫生健康局"}),
    ],
)
def test_chat_asks_for_a_year_or_a_comparison(message: str, history: tuple[str, ...], args: dict) -> None:
    from datetime import date

    from assistant.router import route
    from assistant.turn import Message, Turn

    turn = Turn(message, history=tuple(Message("user", h) for h in history))
    intent = route(turn, units=load_units(), today=date(2026, 12, 2))
    assert intent is not None and intent.tool == "duties" and intent.args == args


def test_a_knowledge_question_about_this_years_plan_is_not_a_duty_list() -> None:
    from datetime import date

    from assistant.router import route
    from assistant.turn import Turn

    assert route(Turn("今年的方案对政务新媒体更新有什么要求"), units=load_units(), today=date(2026, 12, 2)) is None


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _serve(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(ASSISTANT_DATA_DIR=str(data_dir), ASSISTANT_EMBEDDER="none", ASSISTANT_POOL__WARM="false")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli.main", "serve", "--port", str(port), "--no-worker"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            httpx.get(base + "/health", timeout=2)
            return proc, base
        except httpx.TransportError:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()  # type: ignore[union-attr]
            time.sleep(0.3)


def _remove(capsys: pytest.CaptureFixture[str], doc_id: str) -> None:
    code, _, err = _cli(capsys, "docs", "remove", doc_id)
    assert code == 0, err


@pytest.mark.slow
def test_an_ingested_2021_plan_answers_until_it_is_removed(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "none")
    settings.ensure_dirs()
    headers = bearer(settings)
    server, base = _serve(settings.data_dir)  # started before anything is ingested or removed
    try:
        path = write_docx(tmp_path / "关于印发2021年政务公开工作方案的通知.docx", PLAN_2021)
        code, out, err = _cli(capsys, "ingest", str(path))
        assert code == 0, err
        assert f"《{PLAN_2021_TITLE}》" in out

        code, out, _ = _cli(capsys, "duties", "县卫健局")
        assert code == 0 and out.startswith(f"县卫生健康局在《{PLAN_2021_TITLE}》中的任务共6项")
        code, out, _ = _cli(capsys, "duties", "--json", "县卫健局")
        data = json.loads(out)
        assert data["plan"]["title"] == PLAN_2021_TITLE and data["plan"]["year"] == 2021
        doc_id = data["plan"]["id"]
        assert {"section": "二", "role": "named"}.items() <= data["tasks"][2].items()
        code, out, _ = _cli(capsys, "duties", "--json", "县卫健局", "--year", "2020")
        old = json.loads(out)
        assert old["plan"] == {"id": "builtin:plan", "title": BUILTIN_TITLE, "year": 2020} and len(old["tasks"]) == 20
        code, out, _ = _cli(capsys, "ask", "今年的方案里县卫健局有哪些任务？")
        assert code == 0 and f"《{PLAN_2021_TITLE}》" in out

        # the running server sees the ingest at its next question
        duties = httpx.get(base + "/api/duties", params={"unit": "卫健局"}, headers=headers, timeout=30).json()
        assert duties["plan"]["year"] == 2021
        asked = httpx.post(base + "/api/ask", json={"question": "今年方案里县卫健局有哪些任务"}, headers=headers,
                           timeout=60).json()
        assert PLAN_2021_TITLE in asked["answer"]

        _remove(capsys, doc_id)
        duties = httpx.get(base + "/api/duties", params={"unit": "卫健局"}, headers=headers, timeout=30).json()
        assert duties["plan"]["year"] == 2020 and len(duties["tasks"]) == 20
        asked = httpx.post(base + "/api/ask", json={"question": "今年方案里县卫健局有哪些任务"}, headers=headers,
                           timeout=60).json()
        assert PLAN_2021_TITLE not in asked["answer"] and BUILTIN_TITLE in asked["answer"]
        year = httpx.get(base + "/api/duties", params={"unit": "卫健局", "year": 2021}, headers=headers, timeout=30)
        assert year.status_code == 404 and "没有2021年的工作方案" in year.json()["error"]
        new_media = httpx.post(base + "/api/ask", json={"question": "政务新媒体每两周至少更新一次吗"},
                               headers=headers, timeout=60).json()
        assert all(s["title"] != PLAN_2021_TITLE for s in new_media["sources"])
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_superseded_and_withdrawn_plans_follow_their_records(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "none")
    path = write_docx(tmp_path / "2021.docx", PLAN_2021)
    code, out, err = _cli(capsys, "ingest", "--json", str(path))
    assert code == 0, err
    new_id = json.loads(out)["documents"][0]["id"]

    def plan_of(*args: str) -> dict[str, object]:
        code, out, err = _cli(capsys, "duties", "--json", "县卫健局", *args)
        assert code == 0, err
        return dict(json.loads(out)["plan"])

    # the 2021 plan replaces the built-in 2020 one: 2020 still answers when its year is asked for
    assert _cli(capsys, "docs", "supersede", "builtin:plan", "--by", new_id)[0] == 0
    assert plan_of()["year"] == 2021 and plan_of("--year", "2020")["year"] == 2020
    code, out, _ = _cli(capsys, "duties", "--json", "县卫健局", "--compare", "2020")
    assert json.loads(out)["compared_with"]["id"] == "builtin:plan"
    # a withdrawn plan never answers, not even by its year; restored, it is the current plan again
    assert _cli(capsys, "docs", "withdraw", new_id)[0] == 0
    code, _, err = _cli(capsys, "duties", "县卫健局", "--year", "2021")
    assert code == 2 and "没有2021年的工作方案" in err
    assert _cli(capsys, "docs", "restore", new_id)[0] == 0
    assert plan_of()["id"] == new_id
