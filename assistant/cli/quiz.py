"""``gongkai quiz``: quiz staff in the terminal; ``--report`` sums the recorded answers for trainers.

eval is imported inside the command: the CLI is the edge where the two packages meet.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import click

from assistant.cli.common import load_settings
from knowledge.errors import BadInput


def _day(value: str | None, option: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time())
    except ValueError:
        raise BadInput(f"{option} 的日期应写成 YYYY-MM-DD，例如 2026-11-01（收到：{value}）。") from None


def _open_db():  # type: ignore[no-untyped-def]
    from assistant.storage import open_database

    settings = load_settings()
    settings.ensure_dirs()
    return open_database(settings.resolved_database_url)


def _report(since: datetime | None, until: datetime | None, xlsx: Path | None) -> None:
    from assistant.cli.tables import table
    from assistant.quiz_report import (
        MEMBER_HEADER,
        SECTION_HEADER,
        AnswerRow,
        build_report,
        period_text,
        to_xlsx,
    )
    from assistant.storage import list_quiz_answers

    database = _open_db()
    try:
        with database.session() as session:
            rows = [AnswerRow(r.user_id, r.question_id, r.title, r.section, r.score, r.created_at)
                    for r in list_quiz_answers(session, since=since, until=until and until + timedelta(days=1))]
    finally:
        database.dispose()
    report = build_report(rows, since=since, until=until)
    if report.empty:
        click.echo(f"{period_text(report)}：还没有测验记录。")
        return
    click.echo(period_text(report))
    click.echo("\n按成员：")
    click.echo(table(list(MEMBER_HEADER), report.members))
    click.echo("\n按方案条目/规定（平均得分从低到高）：")
    click.echo(table(list(SECTION_HEADER), report.sections))
    if xlsx is not None:
        xlsx.write_bytes(to_xlsx(report))
        click.echo(f"\n已导出 {xlsx}", err=True)


def _pick(pool: list, ids: tuple[str, ...], count: int, seed: int | None) -> list:  # type: ignore[type-arg]
    if not ids:
        return random.Random(seed).sample(pool, min(count, len(pool)))
    by_id = {q.id: q for q in pool}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise BadInput(f"题库中没有这些题号：{'、'.join(unknown)}。")
    return [by_id[i] for i in ids]


@click.command("quiz", help="随机抽 N 道问答题测验，按要点评分并记录成绩；--report 按成员和方案条目汇总成绩。")
@click.option("-n", "count", default=5, show_default=True, type=click.IntRange(1, 50), help="题目数量")
@click.option("--set", "set_names", multiple=True, help="只从这些题库抽题（题库名，如 qa_plan）")
@click.option("--seed", type=int, help="随机种子（同一种子抽到同样的题）")
@click.option("--id", "ids", multiple=True, help="指定题号（可重复，按给出的顺序出题），如 qa-reg-074")
@click.option("--user", default="local", show_default=True, help="记录成绩用的成员名")
@click.option("--report", "show_report", is_flag=True, help="培训人员汇总：按成员、按方案条目统计得分")
@click.option("--since", help="汇总的起始日期（含），YYYY-MM-DD")
@click.option("--until", help="汇总的截止日期（含），YYYY-MM-DD")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False, path_type=Path), help="把汇总导出为 Excel 文件")
def quiz_command(count: int, set_names: tuple[str, ...], seed: int | None, ids: tuple[str, ...], user: str,
                 show_report: bool, since: str | None, until: str | None, xlsx: Path | None) -> None:
    from assistant.factory import build_quiz
    from assistant.quiz import Answered, database_recorder, feedback_text, load_questions, score_text

    if show_report or xlsx:
        _report(_day(since, "--since"), _day(until, "--until"), xlsx)
        return
    pool = [q for q in load_questions() if not set_names or q.set_name in set_names]
    if not pool:
        raise BadInput("题库中没有可用的问答题（检查 --set 的题库名）。")
    chosen = _pick(pool, ids, count, seed)
    grader = build_quiz().grader
    assert grader is not None  # build_quiz always hands the quiz its grader
    answers: list[Answered] = []
    for number, q in enumerate(chosen, start=1):
        click.echo(f"\n第{number}/{len(chosen)}题：{q.question}")
        answer = click.prompt("你的答案", default="", show_default=False, prompt_suffix="：")
        g = grader(answer, q.key_facts, question=q.question)
        answers.append(Answered(q, g.score))
        click.echo(feedback_text(q, g))
    score = sum(a.score for a in answers)
    click.echo(f"\n测验结束：{len(chosen)}题，{score_text(score, len(chosen))}。")
    database = _open_db()
    try:
        database_recorder(database)(user, answers)
    finally:
        database.dispose()
    click.echo("成绩已记录。")


COMMANDS: list[click.Command] = [quiz_command]
