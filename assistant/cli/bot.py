"""``gongkai bot``: the WeCom 智能机器人 over the long connection, in the foreground."""

from __future__ import annotations

import click

from assistant.cli.common import load_settings
from assistant.logs import configure_logging


@click.command(help="运行企业微信智能机器人（长连接模式，无需公网地址）。按 Ctrl+C 或发送 SIGTERM 停止。"
                    "同一机器人只能有一个连接：另一处连接接管后，本进程记录日志并退出。")
def bot() -> None:
    from connectors.wecom_bot.run import run_bot

    settings = load_settings()
    configure_logging(settings.log_level)
    ended = run_bot(settings)
    if ended == "taken_over":
        click.echo("另一处连接已接管本机器人（同一机器人只能有一个长连接），本进程已停止。", err=True)


COMMANDS: list[click.Command] = [bot]
