"""``gongkai``: the CLI entry point. Errors become one Chinese line on stderr and exit 2 (bad input) or 1."""

from __future__ import annotations

import logging
import sys

import click

from assistant import __version__
from assistant.cli import (
    apps,
    ask,
    auth,
    bank,
    bot,
    chinese,
    classify,
    deadline,
    docs,
    doctor,
    duties,
    evals,
    index,
    init,
    notice,
    period,
    quiz,
    redact,
    serve,
    units,
)
from assistant.logs import configure_logging
from knowledge.errors import GongkaiError

log = logging.getLogger("gongkai")


@click.group(help="政务公开助手：问答、公开属性建议、职责清单、法定期限计算。")
@click.version_option(__version__, prog_name="gongkai", message="%(prog)s %(version)s", help="显示版本号并退出。")
def cli() -> None:
    configure_logging("WARNING")


for _module in (apps, ask, auth, bank, bot, classify, deadline, docs, doctor, duties, evals, index, init, notice,
                period, quiz, redact, serve, units):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def _chinese_help(command: click.Command) -> None:
    """Give every command a --help whose description is Chinese (click's own says it in English)."""
    click.help_option("--help", "-h", help="显示本帮助并退出。")(command)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _chinese_help(sub)


def _usage_message(exc: click.ClickException) -> str:
    """One line: what is wrong (click's words, in Chinese since chinese.install) and where to look."""
    text = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "gongkai"
    return f"参数错误：{text.rstrip('。.')}。用 {where} --help 查看用法。"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input, 1 internal error)."""
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
    except click.exceptions.NoArgsIsHelpError as exc:  # plain `gongkai`: the help page, not an error line
        click.echo(exc.ctx.get_help())
        return 0
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


chinese.install()  # click's own words in Chinese before any help or error is printed
chinese.localise(cli)
_chinese_help(cli)


if __name__ == "__main__":
    sys.exit(main())
