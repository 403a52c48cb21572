"""The staff quiz: grading table, the stateless /测验 flow through Engine.respond, the CLI and the trainer's summary."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli.main import cli
from assistant.factory import build_engine
from assistant.quiz import QuizMaster, QuizQuestion, citation, feedback_text, load_questions
from assistant.settings import Settings
from assistant.turn import Message, Turn
from eval.grading import grade_facts

FACTS = ("20个工作日", ("政府信息公开工作机构", "信息公开机构"))


@pytest.mark.parametrize(
    ("answer", "score"),
    [
        ("应当在20个工作日内答复，由政府信息公开工作机构负责", 1.0),
        ("２０个工作日，信息公开机构", 1.0),  # full-width digits and the alternative wording
        ("20 个 工作日。", 0.5),  # spaces and punctuation do not matter
        ("二十个工作日", 0.5),  # Chinese numerals are numbers
        ("20个工做日内答复，政府信息公开工作机构", 1.0),  # one wrong character: a typo
        ("30个工作日", 0.0),  # but not a wrong number
        ("不知道", 0.0),
        ("", 0.0),
    ],
)
def test_grading_gives_partial_credit_per_key_fact(answer: str, score: float) -> None:
    assert grade_facts(answer, FACTS).score == score


def test_grade_lists_missing_facts_and_shows_points() -> None:
    g = grade_facts("20个工作日", FACTS)
    assert g.matched == ("20个工作日",) and g.missing == ("政府信息公开工作机构 / 信息公开机构",)
    assert "◐ 部分正确（答对要点1/2）" in feedback_text(QUESTIONS[0], g)


QUESTIONS = [
    QuizQuestion("q-1", "公开属性在哪个系统里标？", ("电子政务协同办公系统",), "洱源县2020年政务公开工作方案", "一", "qa_plan"),
    QuizQuestion("q-2", "政策文件谁负责解读？", ("谁起草、谁解读",), "洱源县2020年政务公开工作方案", "二", "qa_plan"),
]


def test_quiz_runs_statelessly_through_engine_respond(settings: Settings) -> None:
    recorded: list[tuple] = []
    engine = build_engine(settings)
    engine.quiz = QuizMaster(questions=lambda: QUESTIONS, recorder=lambda *row: recorded.append(row),
                             grader=grade_facts)
    start = engine.quiz.start(Turn(text="/测验 2", user_id="u1"), {"n": 2})
    assert start.tool == "quiz" and "【测验 q-" in start.text and "第1/2题" in start.text
    history = (Message("user", "/测验 2"), Message("assistant", start.text))
    first = next(q for q in QUESTIONS if q.id == start.data["question_id"])  # type: ignore[index]
    reply = engine.respond(Turn(text=f"我觉得是{first.key_facts[0]}", user_id="u1", history=history))
    assert reply.tool == "quiz" and "✅ 回答正确" in reply.text and f"〔《{first.source_title}》{first.source_section}〕" in reply.text
    assert "第2/2题 · 已得1分" in reply.text and reply.data["next_question_id"] != first.id  # type: ignore[index]
    history += (Message("user", "x"), Message("assistant", reply.text))
    last = engine.respond(Turn(text="不知道", user_id="u1", history=history))
    assert "❌" in last.text and "正确答案：" in last.text and "测验结束：共2题，得分1.0/2（50%）" in last.text
    [(user, answers)] = recorded
    assert user == "u1" and [(a.question.id, a.score) for a in answers] == [(first.id, 1.0), (reply.data["next_question_id"], 0.0)]  # type: ignore[index]
    # after the quiz ended, a new message is an ordinary turn again
    assert not engine.quiz.pending(Turn(text="依申请公开多少天", history=history + (Message("assistant", last.text),)))


def test_a_command_leaves_the_quiz(settings: Settings) -> None:
    master = QuizMaster(questions=lambda: QUESTIONS, grader=grade_facts)
    start = master.start(Turn(text="/测验"), {})
    history = (Message("assistant", start.text),)
    assert master.pending(Turn(text="电子政务协同办公系统", history=history))
    assert not master.pending(Turn(text="/帮助", history=history))
    assert master.pending(Turn(text="/退出", history=history))
    assert "已退出测验：答了0题" in master.grade_turn(Turn(text="/退出", history=history)).text


def test_shipped_sets_give_quiz_questions_with_sources() -> None:
    questions = load_questions()
    assert len(questions) >= 50
    assert all(q.key_facts and q.source_title for q in questions)
    # the format lets an item leave out the section when any part of the document answers: cite the title alone
    whole = [q for q in questions if not q.source_section]
    assert all(citation(q) == f"〔《{q.source_title}》〕" for q in whole)
    assert all(citation(q).endswith(f"{q.source_section}〕") for q in questions if q.source_section)


def test_cli_quiz_grades_records_and_reports(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "none")
    first, second = random.Random(7).sample(list(load_questions()), 2)  # what --seed 7 asks
    right = "；".join(f if isinstance(f, str) else f[0] for f in first.key_facts)
    runner = CliRunner()
    result = runner.invoke(cli, ["quiz", "-n", "2", "--seed", "7", "--user", "zhangsan"], input=f"{right}\n不知道\n")
    assert result.exit_code == 0, result.output
    assert first.question in result.output and second.question in result.output
    assert "✅ 回答正确" in result.output and "出处：〔《" in result.output
    assert "测验结束：2题，得分1.0/2（50%）" in result.output and "成绩已记录" in result.output
    report = runner.invoke(cli, ["quiz", "--report"])
    assert report.exit_code == 0
    row = next(line for line in report.output.splitlines() if line.startswith("zhangsan"))
    assert row.split()[1:4] == ["2", "50%", "1"]


def test_quiz_finished_in_chat_is_recorded_for_the_trainer(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/测验 in WeCom: the engine's recorder (wired by create_app) writes the score that quiz --report shows."""
    from assistant.quiz import database_recorder
    from assistant.storage import open_database

    settings.ensure_dirs()
    db = open_database(settings.resolved_database_url)
    try:
        engine = build_engine(settings)
        engine.quiz = QuizMaster(questions=lambda: QUESTIONS[:1], recorder=database_recorder(db), grader=grade_facts)
        start = engine.respond(Turn(text="/测验 1", user_id="lisi"))
        assert start.tool == "quiz" and "第1/1题" in start.text
        engine.respond(Turn(text="电子政务协同办公系统", user_id="lisi", history=(Message("assistant", start.text),)))
    finally:
        db.dispose()
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    report = CliRunner().invoke(cli, ["quiz", "--report"])
    row = next(line for line in report.output.splitlines() if line.startswith("lisi"))
    assert row.split()[1:4] == ["1", "100%", "1"]
    assert any(line.startswith("方案一 ") for line in report.output.splitlines())  # q-1 is from 方案 一


def test_trainers_report_per_member_and_section_over_a_period_as_xlsx(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime

    from openpyxl import load_workbook

    from assistant.storage import open_database, record_quiz_answer

    settings.ensure_dirs()
    db = open_database(settings.resolved_database_url)
    plan = "洱源县2020年政务公开工作方案"
    rows = [("wang", "q-1", plan, "五(二)", 1.0, datetime(2026, 10, 30, 9)),  # before the period
            ("wang", "q-2", plan, "五(二)", 0.5, datetime(2026, 11, 3, 9)),
            ("zhao", "q-2", plan, "五(二)", 0.0, datetime(2026, 11, 30, 23)),
            ("zhao", "q-3", "政府信息公开条例", "第三十三条", 1.0, datetime(2026, 11, 12)),
            ("zhao", "q-4", "政府信息公开条例", "第三十三条", 1.0, datetime(2026, 12, 1))]  # after the period
    with db.session() as session:
        for user, qid, title, section, score, at in rows:
            record_quiz_answer(session, user_id=user, question_id=qid, set_name="qa_plan", title=title,
                               section=section, score=score, created_at=at)
    db.dispose()
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    out = tmp_path / "测验汇总.xlsx"
    result = CliRunner().invoke(cli, ["quiz", "--report", "--since", "2026-11-01", "--until", "2026-11-30",
                                      "--xlsx", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "统计期间：2026-11-01 至 2026-11-30" in lines
    assert next(ln for ln in lines if ln.startswith("wang")).split()[1:4] == ["1", "50%", "0"]
    assert next(ln for ln in lines if ln.startswith("zhao")).split()[1:4] == ["2", "50%", "1"]
    # sections, weakest first: 方案五(二) averages 25% over 2 answers by 2 members, q-2 is its weakest
    assert next(ln for ln in lines if ln.startswith("方案五(二)")).split()[1:] == ["2", "2", "25%", "q-2（25%）"]
    book = load_workbook(out)
    assert book.sheetnames == ["按成员", "按条目"]
    members = [[c.value for c in row] for row in book["按成员"].iter_rows(min_row=3)]
    assert [m[:3] for m in members] == [["wang", "1", "50%"], ["zhao", "2", "50%"]]
    assert "2026-11-01 至 2026-11-30" in str(book["按条目"]["A1"].value)


def test_report_rejects_a_bad_date_in_chinese(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.cli.main import main

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(settings.data_dir))
    assert main(["quiz", "--report", "--since", "11月1日"]) == 2


@pytest.mark.slow
def test_five_right_answers_in_other_words_score_five_in_a_terminal(tmp_path: Path) -> None:
    """The tester's five answers, piped into the installed ``gongkai quiz`` as a user would type them."""
    import os
    import shutil
    import subprocess

    answers = ["六十日，节假日也算",  # 60日, 自然日
               "三月底前",  # 3月31日
               "向州人民政府申请复议",  # 上一级政府 (the county government's own act)
               "当天跟申请人联系，双方确认的那天就是收到申请之日",  # 打电话确认, the substance of 第三十一条
               "县政府办汇总审核，报备案检查"]  # 县人民政府办公室汇总审核, 备案检查
    ids = ["qa-reg-074", "qa-reg-068", "qa-reg-077", "qa-reg-095", "qa-plan-014"]
    gongkai = shutil.which("gongkai")
    assert gongkai is not None
    args = [gongkai, "quiz", "--user", "tester"] + [a for i in ids for a in ("--id", i)]
    env = os.environ | {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_EMBEDDER": "none"}
    done = subprocess.run(args, input="\n".join(answers) + "\n", capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("✅ 回答正确") == 5
    assert "测验结束：5题，得分5.0/5（100%）" in done.stdout
