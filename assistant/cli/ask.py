"""``gongkai ask`` (one question) and ``gongkai chat`` (an interactive conversation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from assistant.cli.common import emit_json, first_build_notice, load_settings, plain
from assistant.turn import Message, Reply, Turn
from knowledge.errors import GongkaiError
from knowledge.textinput import require_text

if TYPE_CHECKING:
    from assistant.process import Gongkai

_EXIT_WORDS = {"退出", "exit", "quit", "q", "再见"}
_MAX_HISTORY = 20


def _print_reply(reply: Reply) -> None:
    click.echo(plain(reply.text))


@click.command(help="提问一个问题，回答附出处。例：gongkai ask \"依申请公开多少个工作日内答复？\"")
@click.argument("question", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（answer、sources、tool、data）")
def ask(question: tuple[str, ...], as_json: bool) -> None:
    from assistant.process import Gongkai

    text = require_text(" ".join(question))  # before the process is built: an empty question costs nothing
    # --json is for scripts: they get the JSON alone; people get the progress line while the index builds
    process = Gongkai(load_settings(), on_first_build=None if as_json else first_build_notice)
    try:
        turn = Turn(text=text, user_id="cli")
        reply = process.engine.respond(turn)
        process.record_turn(turn, reply, user_id="cli", channel="cli")
    finally:
        process.close()
    if as_json:
        emit_json(reply.as_dict())
    else:
        _print_reply(reply)


@click.command(help="交互式问答，保留对话上下文；输入“退出”或按 Ctrl-D 结束。")
def chat() -> None:
    from assistant.process import Gongkai

    process = Gongkai(load_settings(), on_first_build=first_build_notice)
    try:
        _chat(process)
    finally:
        process.close()


def _chat(process: Gongkai) -> None:
    engine = process.engine
    history: list[Message] = []
    click.echo("政务公开助手：请输入问题（输入“退出”结束）。")
    while True:
        try:
            line = input("您> ").strip()
        except (EOFError, KeyboardInterrupt):
            click.echo("\n再见。")
            return
        if not line:
            continue
        if line.lower() in _EXIT_WORDS:
            click.echo("再见。")
            return
        try:
            turn = Turn(text=line, user_id="cli", conversation_id="cli-chat", history=tuple(history))
            reply = engine.respond(turn)
            process.record_turn(turn, reply, user_id="cli", channel="cli")  # as in WeCom and on the page
        except GongkaiError as exc:  # one bad message must not end the conversation
            click.echo(exc.user_message, err=True)
            continue
        except KeyboardInterrupt:
            click.echo("\n（已中断本次回答）")
            continue
        click.echo("助手> " + plain(reply.text) + "\n")
        history.extend([Message("user", line), Message("assistant", reply.text)])
        del history[:-_MAX_HISTORY]


COMMANDS: list[click.Command] = [ask, chat]
