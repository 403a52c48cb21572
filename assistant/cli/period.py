"""``gongkai period``: the other statutory periods (主动公开、征求意见、缴费、复议、起诉、年报)."""

from __future__ import annotations

import click

from assistant.cli.common import emit_json, plain


@click.command(
    "period",
    help=(
        "计算其他法定期限。类型：disclosure（主动公开，20个工作日）、consultation（第三方/其他机关答复征求意见，"
        "15个工作日）、fee（缴费，20个工作日）、review（申请复议，60日）、lawsuit（复议后起诉，15日）、"
        "direct_lawsuit（直接起诉，6个月）、annual_report（年报，用 --year）。"
    ),
)
@click.argument("kind")
@click.option("--from", "start", default=None, help="起算日，YYYY-MM-DD（信息形成日、收到征求意见书/收费通知/决定书之日等）。")
@click.option("--year", default=None, help="annual_report 的报告年度，例如 2026。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
def period_command(kind: str, start: str | None, year: str | None, as_json: bool) -> None:
    from knowledge.errors import BadInput
    from tools.period_tool import parse_kind, period_data, render_period

    key = parse_kind(kind)
    value = year if key == "annual_report" and year else start
    if not value:
        need = "--year YYYY（报告年度）" if key == "annual_report" else "--from YYYY-MM-DD（起算日）"
        raise BadInput(f"缺少{need}。")
    data = period_data(key, value)
    if as_json:
        emit_json(data)
    else:
        click.echo(plain(render_period(data)))


COMMANDS: list[click.Command] = [period_command]
