"""``gongkai apps``: the 依申请公开 register (add, event, list, show, export, import) and ``gongkai report annual``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistant.cli.common import emit_json, load_settings
from knowledge.clock import today

if TYPE_CHECKING:
    from assistant.storage import Database

KINDS = ("correction_sent", "correction_received", "consult_start", "consult_end", "extend",
         "fee_notice", "fee_paid", "reply", "review", "lawsuit")


def open_db() -> Database:
    from assistant.storage import open_database

    settings = load_settings()
    settings.ensure_dirs()
    return open_database(settings.resolved_database_url)


def _day(value: str | None, what: str) -> date:
    from tools.deadlines import parse_date

    return parse_date(value, what=what) if value else today()


def _lines(app: dict[str, Any]) -> list[str]:
    lines = [f"#{app['id']} {app['received']}收到（{app['applicant_type']} {app['applicant']}）：{app['content'][:40]}",
             f"  状态：{app['status_label']}；补正告知截止 {app['correction_notice_due']}；"
             f"答复截止 {app['due']}；延期后截止 {app['extended_due']}"
             + ("（含按放假办法推算的日期，暂定）" if app["provisional"] else "")]
    lines += [f"  {e['date']} {e['label']}" + (f"：{e['outcome']}" if e["outcome"] else "") for e in app.get("events", [])]
    lines += [f"  注意：{w}" for w in app.get("warnings", [])]
    return lines


def _print(data: Any, as_json: bool) -> None:
    if as_json:
        emit_json(data)
        return
    for app in data if isinstance(data, list) else [data]:
        click.echo("\n".join(_lines(app)))


@click.group("apps", help="依申请公开登记台账：登记、记录办理事件、查看到期、导入导出。")
def apps() -> None:
    pass


@apps.command("add", help="登记一件依申请公开申请；答复截止日等由收到日和事件自动计算。")
@click.option("--received", required=True, help="收到申请之日（第三十一条），YYYY-MM-DD。")
@click.option("--channel", required=True, help="提交方式：in_person | mail | online | fax。")
@click.option("--applicant", "applicant_type", required=True,
              help="申请人类型：自然人|商业企业|科研机构|社会公益组织|法律服务机构|其他。")
@click.option("--content", required=True, help="申请内容。")
@click.option("--handler", default="", help="承办人（企业微信账号）。")
@click.option("--name", default="", help="申请人姓名或名称（列表和日志中脱敏显示）。")
@click.option("--agency", default="", help="承办机构。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
def add_command(received: str, channel: str, applicant_type: str, content: str, handler: str, name: str,
                agency: str, as_json: bool) -> None:
    from assistant.register import register

    db = open_db()
    try:
        out = register(db, received=_day(received, "收到日"), channel=channel, applicant_type=applicant_type,
                       content=content, applicant_name=name, handler=handler, agency=agency)
    finally:
        db.dispose()
    _print(out, as_json)


@apps.command("event", help="记录办理事件：" + " ".join(KINDS) + "。")
@click.argument("app_id", type=int)
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--date", "day", default=None, help="事件日期 YYYY-MM-DD（默认今天）。")
@click.option("--outcome", default=None, help="答复类型（年报表三的分类），如 予以公开、部分公开、不予公开。")
@click.option("--reason", default=None, help="理由（不予公开、无法提供、不予处理、其他处理必填）。")
@click.option("--person", default=None, help="延期的负责人。")
@click.option("--result", default=None, help="复议/诉讼结果：维持|纠正|其他|未结。")
@click.option("--after-review", is_flag=True, help="诉讼为复议后起诉。")
@click.option("--note", default=None, help="备注。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
def event_command(app_id: int, kind: str, day: str | None, outcome: str | None, reason: str | None,
                  person: str | None, result: str | None, after_review: bool, note: str | None,
                  as_json: bool) -> None:
    from assistant.register import record_event
    from tools.register import Event

    ev = Event(kind=kind, day=_day(day, "事件日期"), outcome=outcome, reason=reason, person=person,
               result=result, after_review=after_review, note=note)
    db = open_db()
    try:
        out = record_event(db, app_id, ev, today=today())
    finally:
        db.dispose()
    _print(out, as_json)


@apps.command("list", help="列出未办结的申请（按下一个到期日排序）。")
@click.option("--due-within", type=click.IntRange(0, 3650), default=None, help="只列出N天内到期的。")
@click.option("--handler", default=None, help="只列出这位承办人的。")
@click.option("--all", "include_closed", is_flag=True, help="也列出已答复的。")
@click.option("--today", default=None, hidden=True)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
def list_command(due_within: int | None, handler: str | None, include_closed: bool, today: str | None,
                 as_json: bool) -> None:
    from assistant.register import listing

    db = open_db()
    try:
        out = listing(db, today=_day(today, "今天"), due_within=due_within, handler=handler,
                      include_closed=include_closed)
    finally:
        db.dispose()
    if not out and not as_json:
        click.echo("没有符合条件的申请。")
        return
    _print(out, as_json)


@apps.command("show", help="查看一件申请的全部事件和计算出的日期。")
@click.argument("app_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
def show_command(app_id: int, as_json: bool) -> None:
    from assistant.register import show

    db = open_db()
    try:
        out = show(db, app_id, today=today())
    finally:
        db.dispose()
    _print(out, as_json)


@apps.command("export", help="把台账导出为 .xlsx。")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_command(path: Path) -> None:
    from assistant.register import listing
    from tools.register_io import write_xlsx

    db = open_db()
    try:
        out = sorted(listing(db, today=today(), include_closed=True), key=lambda a: a["id"])
    finally:
        db.dispose()
    write_xlsx(out, path)
    click.echo(f"已导出 {len(out)} 件申请：{path}")


@apps.command("import", help="从 .xlsx 台账导入申请和事件（截止日等列会重新计算，不读入）。")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
def import_command(path: Path, as_json: bool) -> None:
    from assistant.register import import_rows
    from tools.register_io import read_xlsx

    rows = read_xlsx(path)
    db = open_db()
    try:
        ids = import_rows(db, rows)
    finally:
        db.dispose()
    if as_json:
        emit_json({"imported": len(ids), "ids": ids})
    else:
        click.echo(f"已导入 {len(ids)} 件申请。")


@click.group("report", help="报表：年度报告表三（收到和处理政府信息公开申请情况）。")
def report() -> None:
    pass


@report.command("annual", help="按台账计算年度报告表三和表四，检查勾稽关系。")
@click.option("--year", type=click.IntRange(2019, 2100), required=True, help="年度。")
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path), default=None, help="写出 .xlsx。")
@click.option("--md", type=click.Path(dir_okay=False, path_type=Path), default=None, help="写出 Markdown 预览。")
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path), default=None, help="写出 HTML 预览。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
def annual_command(year: int, xlsx: Path | None, md: Path | None, html: Path | None, as_json: bool) -> None:
    from assistant.register import annual
    from tools.register_report import to_html, to_markdown, to_xlsx

    db = open_db()
    try:
        table = annual(db, year)
    finally:
        db.dispose()
    if xlsx:
        to_xlsx(table, xlsx)
    if md:
        md.write_text(to_markdown(table), encoding="utf-8")
    if html:
        html.write_text(to_html(table), encoding="utf-8")
    if as_json:
        emit_json(table)
    else:
        click.echo(to_markdown(table))


COMMANDS: list[click.Command] = [apps, report]
