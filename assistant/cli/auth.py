"""``gongkai token create|list|revoke`` (API tokens for scripts) and ``gongkai user add|list|remove``
(local accounts for a site without WeCom sign-in)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from assistant.cli.common import emit_json, load_settings

if TYPE_CHECKING:
    from assistant.storage.db import Database


@contextmanager
def _database() -> Iterator[Database]:
    from assistant.storage import open_database

    settings = load_settings()
    settings.ensure_dirs()
    db = open_database(settings.resolved_database_url)
    try:
        yield db
    finally:
        db.dispose()


@click.group(help="管理 API 令牌：脚本调用 /api/… 时在请求头写 Authorization: Bearer 令牌。")
def token() -> None:
    pass


@token.command("create", help="生成一个令牌并只显示这一次（数据库只保存其摘要）。")
@click.option("--name", required=True, help="令牌用途，如 评测脚本、门户网站对接")
@click.option("--admin", is_flag=True, help="管理员令牌（可访问日志、文档、评测、发送队列和 /docs）")
def token_create(name: str, admin: bool) -> None:
    from assistant.auth.store import create_token

    with _database() as db:
        info, value = create_token(db, name=name, role="admin" if admin else "member")
    click.echo(value)
    click.echo(f"已创建令牌 #{info.id}（{info.name}，{'管理员' if admin else '成员'}）。它只显示这一次，请妥善保存；"
               f"吊销：gongkai token revoke {info.id}", err=True)


@token.command("list", help="列出令牌（不显示令牌本身）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def token_list(as_json: bool) -> None:
    from assistant.auth.store import list_tokens

    with _database() as db:
        tokens = list_tokens(db)
    if as_json:
        emit_json([{"id": t.id, "name": t.name, "role": t.role, "created_at": t.created_at,
                    "revoked": t.revoked_at is not None} for t in tokens])
        return
    if not tokens:
        click.echo("还没有令牌。用 gongkai token create --name 用途 生成。")
    for t in tokens:
        state = f"已吊销（{t.revoked_at:%Y-%m-%d %H:%M}）" if t.revoked_at else "有效"
        click.echo(f"#{t.id}  {t.name}  {'管理员' if t.role == 'admin' else '成员'}  创建于 {t.created_at:%Y-%m-%d %H:%M}  {state}")


@token.command("revoke", help="吊销令牌（按编号，或按名称吊销该名称的全部令牌），立即生效。")
@click.argument("ident")
def token_revoke(ident: str) -> None:
    from assistant.auth.store import revoke_token

    with _database() as db:
        revoked = revoke_token(db, ident=ident)
    click.echo(f"已吊销 {len(revoked)} 个令牌：" + "、".join(f"#{t.id} {t.name}" for t in revoked))


@click.group(help="管理本地账号：没有企业微信登录的站点用账号密码登录网页。")
def user() -> None:
    pass


def _read_password(password_stdin: bool) -> str:
    if password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次"))


@user.command("add", help="添加账号；密码在提示时输入（不回显），或从标准输入读一行。")
@click.argument("name")
@click.option("--admin", is_flag=True, help="管理员账号")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（脚本用）")
def user_add(name: str, admin: bool, password_stdin: bool) -> None:
    from assistant.auth.store import add_user

    password = _read_password(password_stdin)
    with _database() as db:
        info = add_user(db, name=name, password=password, is_admin=admin)
    click.echo(f"已添加账号“{info.name}”（{'管理员' if info.is_admin else '成员'}）。")


@user.command("list", help="列出本地账号。")
def user_list() -> None:
    from assistant.auth.store import list_users

    with _database() as db:
        users = list_users(db)
    if not users:
        click.echo("还没有本地账号。用 gongkai user add 账号名 添加。")
    for u in users:
        click.echo(f"{u.name}  {'管理员' if u.is_admin else '成员'}  创建于 {u.created_at:%Y-%m-%d %H:%M}")


@user.command("remove", help="删除本地账号，其网页登录随即失效。")
@click.argument("name")
def user_remove(name: str) -> None:
    from assistant.auth.store import remove_user

    with _database() as db:
        remove_user(db, name=name)
    click.echo(f"已删除账号“{name}”。")


COMMANDS = [token, user]
