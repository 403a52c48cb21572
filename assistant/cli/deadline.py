"""``gongkai deadline``: the statutory reply deadline of one 依申请公开 application."""

from __future__ import annotations

import click

from assistant.cli.common import emit_json, plain


@click.command("deadline", help="计算依申请公开的答复截止日、延期后截止日和补正告知截止日。")
@click.option("--received", required=True, help="收到申请之日，YYYY-MM-DD。")
@click.option(
    "--channel",
    default="in_person",
    show_default=True,
    help="提交方式：in_person（当面）| mail（邮寄）| online（网上）| fax（传真）。",
)
@click.option("--extend", is_flag=True, help="已决定延期答复（再加20个工作日）。")
@click.option(
    "--third-party-days", type=click.IntRange(0, 200), default=0, help="征求第三方/其他机关意见所用工作日数。"
)
@click.option("--corrected", default=None, help="收到补正后申请之日，YYYY-MM-DD（答复期限重新起算）。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
def deadline_command(
    received: str, channel: str, extend: bool, third_party_days: int, corrected: str | None, as_json: bool
) -> None:
    from tools.deadlines import deadline_data, render

    data = deadline_data(
        received, channel=channel, extend=extend, third_party_days=third_party_days, corrected=corrected
    )
    if as_json:
        emit_json(data)
    else:
        click.echo(plain(render(data)))


COMMANDS: list[click.Command] = [deadline_command]
