"""Signed values (stdlib HMAC-SHA256) and the session they carry: who is signed in, as what, until when."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from typing import Any

from assistant.settings import Settings
from knowledge.errors import ConfigError

SESSION_COOKIE = "gongkai_session"
ROLES = ("member", "admin")
_VIA = ("wecom", "local", "token")
_MAX_VALUE_CHARS = 4096


@dataclass(frozen=True)
class Principal:
    """A signed-in member or admin; ``via`` says how (WeCom OAuth, local account, API token)."""

    user: str
    role: str
    via: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def role_for(settings: Settings, user: str, *, is_admin: bool = False) -> str:
    """Admins are the ones flagged at creation (local accounts) or listed in ASSISTANT_AUTH__ADMINS."""
    return "admin" if is_admin or user in settings.auth.admin_ids() else "member"


def session_secret(settings: Settings) -> bytes:
    """The configured secret, or one generated once into ``data_dir/session.key`` (mode 0600)."""
    configured = settings.auth.session_secret.get_secret_value()
    if configured:
        return configured.encode("utf-8")
    path = settings.data_dir / "session.key"
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise ConfigError("无法生成会话密钥，请设置 ASSISTANT_AUTH__SESSION_SECRET。", detail=type(exc).__name__) from exc
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48))
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:  # a file another process is still writing, or truncated by hand
        raise ConfigError(f"会话密钥文件 {path} 无效，请删除后重启。")
    return key.encode("ascii")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, purpose: str, body: str) -> str:
    # One key per purpose: a signed OAuth state can never be replayed as a session, and back.
    key = hmac.new(secret, purpose.encode("ascii"), hashlib.sha256).digest()
    return _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())


def sign(data: dict[str, Any], *, secret: bytes, purpose: str, ttl_seconds: float, now: float | None = None) -> str:
    """``data`` plus an expiry, as ``body.signature`` (URL-safe, fits a cookie)."""
    payload = {**data, "exp": int((now or time.time()) + ttl_seconds)}
    body = _b64(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return f"{body}.{_mac(secret, purpose, body)}"


def unsign(value: str | None, *, secret: bytes, purpose: str, now: float | None = None) -> dict[str, Any] | None:
    """The data of a value ``sign`` made with the same secret and purpose, unless forged, altered or expired."""
    if not value or len(value) > _MAX_VALUE_CHARS or value.count(".") != 1:
        return None
    body, signature = value.split(".")
    try:
        if not hmac.compare_digest(signature.encode("ascii"), _mac(secret, purpose, body).encode("ascii")):
            return None
        data = json.loads(_unb64(body))
    except (UnicodeError, ValueError, binascii.Error):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("exp"), int):
        return None
    return data if data["exp"] > (now or time.time()) else None


@dataclass(frozen=True)
class SignedSession:
    """What a valid session cookie says: who, its id (for sign-out) and when it expires (epoch seconds)."""

    principal: Principal
    sid: str
    expires: int


def session_value(principal: Principal, *, secret: bytes, hours: float, now: float | None = None) -> str:
    data = {"u": principal.user, "r": principal.role, "v": principal.via, "s": secrets.token_urlsafe(16)}
    return sign(data, secret=secret, purpose="session", ttl_seconds=hours * 3600, now=now)


def read_session(value: str | None, *, secret: bytes, now: float | None = None) -> SignedSession | None:
    """The session in a cookie ``session_value`` made, unless forged, altered or expired (revocation is
    the store's: ``store.session_revoked``)."""
    data = unsign(value, secret=secret, purpose="session", now=now)
    if data is None:
        return None
    user, role, via, sid = data.get("u"), data.get("r"), data.get("v"), data.get("s")
    if not isinstance(user, str) or not user or role not in ROLES or via not in _VIA:
        return None
    if not isinstance(sid, str) or not 16 <= len(sid) <= 64:
        return None
    return SignedSession(Principal(user=user, role=str(role), via=str(via)), sid, int(data["exp"]))
