"""``gongkai serve`` (the HTTP service), ``gongkai worker`` (answers WeCom messages without HTTP),
``gongkai purge`` (retention) and ``gongkai outbox`` (delivery status)."""

from __future__ import annotations

import re
from datetime import timedelta

import click

from assistant.cli.common import emit_json, load_settings
from assistant.logs import configure_logging
from knowledge.errors import BadInput

_AGE = re.compile(r"^\s*(\d{1,5})\s*([dw天周])\s*$", re.IGNORECASE)


def parse_age(value: str) -> timedelta:
    """"180d" / "26w" / "180天" -> timedelta; anything else is BadInput."""
    match = _AGE.match(value or "")
    if not match or int(match.group(1)) == 0:
        raise BadInput(f"时长格式不正确：“{value}”。请写成天数或周数，例如 180d 或 26w。")
    days = int(match.group(1)) * (7 if match.group(2).lower() in ("w", "周") else 1)
    return timedelta(days=days)


@click.command(help="启动服务：企业微信回调 /wecom/callback、HTTP 接口 /api/…、本地网页 /。")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址（对外服务请放在反向代理之后）")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="监听端口")
@click.option("--worker/--no-worker", "run_worker", default=True, show_default=True,
              help="是否在本进程内生成并发送企业微信回复；--no-worker 只接收回调，由 gongkai worker 进程回复")
def serve(host: str, port: int, run_worker: bool) -> None:
    import uvicorn

    from assistant.app import create_app
    from assistant.logs import uvicorn_log_config
    from assistant.storage import open_database

    settings = load_settings()
    configure_logging(settings.log_level)  # ASSISTANT_LOG_LEVEL, through the privacy filter
    settings.ensure_dirs()
    open_database(settings.resolved_database_url).dispose()  # a bad database URL: one Chinese line, exit 2
    app = create_app(settings, run_worker=run_worker)
    click.echo(f"正在启动：本地网页 http://{host}:{port}/ ，接口文档 http://{host}:{port}/docs ；按 Ctrl+C 停止。", err=True)
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower(),
                log_config=uvicorn_log_config(settings.log_level))


@click.command(help="只运行企业微信回复进程（生成答复并发送），配合 gongkai serve --no-worker 使用；"
                    "可与服务共用同一数据库运行多个。按 Ctrl+C 或发送 SIGTERM 停止。")
def worker() -> None:
    from connectors.wecom.standalone import run_worker

    settings = load_settings()
    configure_logging(settings.log_level)
    run_worker(settings)


@click.command(help="删除早于指定时长的对话、消息、反馈和发送记录。例：gongkai purge --older-than 180d")
@click.option("--older-than", "older_than", required=True, help="保留期限，如 180d（天）或 26w（周）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出删除的条数")
def purge(older_than: str, as_json: bool) -> None:
    from assistant.storage import open_database, utcnow
    from assistant.storage.records import purge_older_than

    age = parse_age(older_than)
    settings = load_settings()
    settings.ensure_dirs()
    db = open_database(settings.resolved_database_url)
    try:
        with db.session() as s:
            result = purge_older_than(s, cutoff=utcnow() - age)
    finally:
        db.dispose()
    if as_json:
        emit_json({**result.__dict__, "total": result.total})
        return
    click.echo(
        f"已删除 {age.days} 天前的记录：消息 {result.messages} 条、对话 {result.conversations} 个、"
        f"收到的消息记录 {result.inbound} 条、发送记录 {result.outbox} 条、反馈 {result.feedback} 条、"
        f"练习成绩 {result.quiz_scores} 条。"
    )


@click.command(help="查看企业微信待发送和发送失败的回复；--retry 把发送失败的回复重新排队发送。")
@click.option("--failed", is_flag=True, help="只看发送失败的")
@click.option("--retry", is_flag=True, help="把发送失败的回复重新排队（重新计算发送时限）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def outbox(failed: bool, retry: bool, as_json: bool) -> None:
    from assistant.storage import open_database
    from assistant.storage import queue as q

    settings = load_settings()
    settings.ensure_dirs()
    db = open_database(settings.resolved_database_url)
    requeued = 0
    try:
        with db.session() as s:
            if retry:
                requeued = q.requeue_failed(s)
            counts = q.count_by_status(s)
            rows = [
                {"id": r.id, "to_user": r.to_user, "status": r.status, "attempts": r.attempts,
                 "next_attempt_at": r.next_attempt_at.isoformat(timespec="seconds"),
                 "last_error": r.last_error or "", "created_at": r.created_at.isoformat(timespec="seconds")}
                for r in q.list_outbox(s, failed_only=failed)
            ]
    finally:
        db.dispose()
    if as_json:
        emit_json({"counts": counts, "rows": rows, **({"requeued": requeued} if retry else {})})
        return
    if retry:
        click.echo(f"已把 {requeued} 条发送失败的回复重新排队，发送进程会尽快补发。")
    click.echo(f"待发送 {counts.get('pending', 0)} 条，已发送 {counts.get('sent', 0)} 条，失败 {counts.get('failed', 0)} 条。")
    for r in rows:
        state = {"pending": "待发送", "failed": "失败"}.get(str(r["status"]), str(r["status"]))
        click.echo(f"#{r['id']}  {state}  成员 {r['to_user']}  已尝试 {r['attempts']} 次  "
                   f"下次 {r['next_attempt_at']}Z  {r['last_error']}")


COMMANDS: list[click.Command] = [serve, worker, purge, outbox]
