"""``gongkai``: the CLI entry point. Errors become one Chinese line on stderr and exit 2 (bad input) or 1."""

from __future__ import annotations

import logging
import sys

import click

from assistant import __version__
from assistant.cli import ask, classify, deadline, doctor, duties, evals, index, period, quiz, redact, serve
from assistant.logs import configure_logging
from knowledge.errors import GongkaiError

log = logging.getLogger("gongkai")

_CLICK_MESSAGES = {
    "No such option": "没有这个选项",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "No such command": "没有这个命令",
    "Invalid value": "参数值无效",
    "Got unexpected extra argument": "多余的参数",
}


@click.group(help="政务公开助手：问答、公开属性建议、职责清单、法定期限计算。")
@click.version_option(__version__, prog_name="gongkai", message="%(prog)s %(version)s", help="显示版本号并退出。")
def cli() -> None:
    configure_logging("WARNING")


for _module in (ask, classify, deadline, doctor, duties, evals, index, period, quiz, redact, serve):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def _chinese_help(command: click.Command) -> None:
    """Give every command a --help whose description is Chinese (click's own says it in English)."""
    click.help_option("--help", "-h", help="显示本帮助并退出。")(command)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _chinese_help(sub)


def _usage_message(exc: click.ClickException) -> str:
    text = exc.format_message()
    for english, chinese in _CLICK_MESSAGES.items():
        if text.startswith(english):
            return f"参数错误：{chinese}（{text}）。用 gongkai --help 查看用法。"
    return f"参数错误：{text}。用 gongkai --help 查看用法。"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input, 1 internal error)."""
    if not any(p.name == "help" for p in cli.params):
        _chinese_help(cli)
    try:
        cli.main(args=argv, prog_name="gongkai", standalone_mode=False)
    except GongkaiError as exc:
        click.echo(exc.user_message, err=True)
        if exc.detail:
            log.debug("error detail: %s", exc.detail)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("已取消。", err=True)
        return 1
    except click.ClickException as exc:
        click.echo(_usage_message(exc), err=True)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:  # the last net: never a traceback for the user
        log.exception("internal error")
        click.echo("内部错误，请联系管理员查看日志。", err=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
