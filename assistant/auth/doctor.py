"""``gongkai doctor``'s sign-in lines: who can get in and how, read without changing anything."""

from __future__ import annotations

from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from assistant.auth.headers import allowed_hosts
from assistant.settings import Settings
from assistant.storage.models import ApiToken, LocalUser
from knowledge.errors import ConfigError

Line = tuple[bool | None, str, str]


def _counts(settings: Settings) -> tuple[int, int] | None:
    """(local accounts, active API tokens); None when the tables are not there yet."""
    engine = create_engine(settings.resolved_database_url)
    try:
        with engine.connect() as conn:
            users = conn.execute(select(func.count()).select_from(LocalUser)).scalar_one()
            tokens = conn.execute(
                select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))).scalar_one()
            return int(users), int(tokens)
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def check_auth(settings: Settings) -> list[Line]:
    auth = settings.auth
    lines: list[Line] = []
    if auth.public_url:
        lines.append((True, "对外地址", auth.public_url))
    else:
        lines.append((settings.env != "prod" and None, "对外地址", "未设置 ASSISTANT_AUTH__PUBLIC_URL"
                      + ("（生产环境必须设置，否则服务不启动）" if settings.env == "prod" else "（dev：只允许本机访问）")))
    try:
        lines.append((None, "允许的 Host", "、".join(allowed_hosts(settings))))
    except ConfigError as exc:
        lines.append((False, "允许的 Host", exc.user_message))
    wecom = "可用（网页授权 + 扫码登录）" if settings.wecom.configured else "不可用（未配置企业微信）"
    lines.append((None, "企业微信登录", wecom))
    counts = _counts(settings)
    if counts is None:
        lines.append((None, "本地账号 / API 令牌", "数据库尚未初始化（首次启动服务或运行 gongkai user add 时建立）"))
    else:
        lines.append((None, "本地账号 / API 令牌", f"{counts[0]} 个账号，{counts[1]} 个有效令牌"))
        if not settings.wecom.configured and counts[0] == 0:
            lines.append((False, "网页登录", "没有企业微信也没有本地账号，无人能登录网页：请运行 gongkai user add 账号名"))
    admins = auth.admin_ids()
    lines.append((None, "管理员名单", f"{len(admins)} 人（ASSISTANT_AUTH__ADMINS）" if admins else "空（仅 --admin 账号和令牌是管理员）"))
    secret = "已设置" if auth.session_secret.get_secret_value() else f"自动生成于 {settings.data_dir / 'session.key'}"
    lines.append((None, "会话密钥", secret))
    return lines
