"""``gongkai bank``: the question bank (built-in 问答对 and administrators' approved answers) as .xlsx."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli.common import emit_json, load_settings
from knowledge.errors import BadInput


@click.group("bank", help="问答对：导出为 .xlsx 离线修改，再导入为审定回答（同样的问题和相近问法会先用它回答）。")
def bank() -> None:
    pass


@bank.command("export", help="把问答对（内置的和审定的）导出为 .xlsx。例：gongkai bank export 问答对.xlsx")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_command(path: Path) -> None:
    from assistant.bank_admin import index_clauses
    from assistant.bank_xlsx import bank_rows, write_xlsx
    from assistant.storage import open_database

    settings = load_settings()
    settings.ensure_dirs()
    db = open_database(settings.resolved_database_url)
    try:
        rows = bank_rows(db, index_clauses(settings, db))
    finally:
        db.dispose()
    path.write_bytes(write_xlsx(rows))
    click.echo(f"已导出 {len(rows)} 条问答对：{path}")


@bank.command("import", help="从 .xlsx 导入问答对：逐行检查，有误的行跳过并说明行号，其余存为审定回答。")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（imported、ids、unchanged、errors）。")
def import_command(path: Path, as_json: bool) -> None:
    from assistant.bank_admin import index_clauses
    from assistant.bank_xlsx import import_rows, read_xlsx
    from assistant.storage import open_database

    rows = read_xlsx(path.read_bytes())
    settings = load_settings()
    settings.ensure_dirs()
    db = open_database(settings.resolved_database_url)
    try:
        result = import_rows(db, rows, index_clauses(settings, db), created_by="cli")
    finally:
        db.dispose()
    if as_json:
        emit_json(result)
    else:
        click.echo(f"已导入 {result['imported']} 条，未改动 {result['unchanged']} 条，有误跳过 {len(result['errors'])} 条。")
        for message in result["errors"]:
            click.echo(message, err=True)
    if result["errors"]:  # the good rows are stored; exit 2 tells a script that some were not
        raise BadInput(f"有 {len(result['errors'])} 行有误，已跳过；其余各行已导入。")


COMMANDS: list[click.Command] = [bank]
