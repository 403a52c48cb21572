"""Local accounts and API tokens in the database. Writes take keyword-only arguments."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select

from assistant.auth.passwords import check_strength, dummy_hash, hash_password, verify_password
from assistant.auth.session import ROLES, Principal
from assistant.storage.db import Database, utcnow
from assistant.storage.models import ApiToken, LocalUser, RevokedSession
from knowledge.errors import BadInput, NotFound

TOKEN_PREFIX = "gk_"
_NAME = re.compile(r"^[\w.@-]{1,64}$")


def _check_name(name: str, what: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        raise BadInput(f"{what}只能由 1～64 个汉字、字母、数字或 . _ @ - 组成。")
    return name


# --- local accounts ------------------------------------------------------------------------------
@dataclass(frozen=True)
class UserInfo:
    name: str
    is_admin: bool
    created_at: datetime


def add_user(db: Database, *, name: str, password: str, is_admin: bool) -> UserInfo:
    name = _check_name(name, "账号名")
    check_strength(password)
    hashed = hash_password(password)  # outside the transaction: 0.1 s of CPU must not hold the write lock
    with db.session() as s:
        if s.get(LocalUser, name) is not None:
            raise BadInput(f"账号“{name}”已存在。")
        row = LocalUser(name=name, password_hash=hashed, is_admin=is_admin, created_at=utcnow())
        s.add(row)
    return UserInfo(name, is_admin, row.created_at)


def remove_user(db: Database, *, name: str) -> None:
    with db.session() as s:
        row = s.get(LocalUser, name)
        if row is None:
            raise NotFound(f"没有账号“{name}”。")
        s.delete(row)


def list_users(db: Database) -> list[UserInfo]:
    with db.session() as s:
        rows = s.scalars(select(LocalUser).order_by(LocalUser.name)).all()
        return [UserInfo(r.name, r.is_admin, r.created_at) for r in rows]


def has_users(db: Database) -> bool:
    with db.session() as s:
        return s.scalars(select(LocalUser.name).limit(1)).first() is not None


def get_user(db: Database, name: str) -> UserInfo | None:
    with db.session() as s:
        row = s.get(LocalUser, name)
        return UserInfo(row.name, row.is_admin, row.created_at) if row else None


def check_password(db: Database, *, name: str, password: str) -> UserInfo | None:
    """The account when the password matches; the hash is checked even for unknown names."""
    with db.session() as s:
        row = s.get(LocalUser, (name or "").strip()[:64])
        stored, info = (row.password_hash, UserInfo(row.name, row.is_admin, row.created_at)) if row else (None, None)
    ok = verify_password(password, stored or dummy_hash())
    return info if ok and info is not None else None


# --- API tokens ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None


def _digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: a leaked table gives nothing to guess.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(db: Database, *, name: str, role: str) -> tuple[TokenInfo, str]:
    """A new token; the clear value is returned here only and never stored."""
    name = _check_name(name, "令牌名称")
    if role not in ROLES:
        raise BadInput("角色只能是 member 或 admin。")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.session() as s:
        row = ApiToken(name=name, role=role, token_hash=_digest(token), created_at=utcnow())
        s.add(row)
        s.flush()
        info = TokenInfo(row.id, row.name, row.role, row.created_at, None)
    return info, token


def list_tokens(db: Database) -> list[TokenInfo]:
    with db.session() as s:
        rows = s.scalars(select(ApiToken).order_by(ApiToken.id)).all()
        return [TokenInfo(r.id, r.name, r.role, r.created_at, r.revoked_at) for r in rows]


def revoke_token(db: Database, *, ident: str) -> list[TokenInfo]:
    """Revoke by id or by name (every active token of that name); NotFound when none matched."""
    with db.session() as s:
        query = select(ApiToken).where(ApiToken.revoked_at.is_(None))
        key = ident.strip()
        query = query.where(ApiToken.id == int(key)) if key.isdigit() else query.where(ApiToken.name == key)
        rows = s.scalars(query).all()
        if not rows:
            raise NotFound(f"没有未吊销的令牌“{ident}”。用 gongkai token list 查看。")
        now = utcnow()
        for row in rows:
            row.revoked_at = now
        return [TokenInfo(r.id, r.name, r.role, r.created_at, now) for r in rows]


def token_principal(db: Database, token: str) -> Principal | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with db.session() as s:
        row = s.scalars(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
        if row is None or row.revoked_at is not None:
            return None
        return Principal(user=f"token:{row.name}", role=row.role, via="token")


# --- signed-out sessions -------------------------------------------------------------------------
def revoke_session(db: Database, *, sid: str, expires: int) -> None:
    """Sign-out: the cookie with this session id is refused by every process until it would expire."""
    expires_at = datetime.fromtimestamp(expires, UTC).replace(tzinfo=None)
    with db.session() as s:
        s.execute(delete(RevokedSession).where(RevokedSession.expires_at < utcnow()))  # expired cookies fail anyway
        if s.get(RevokedSession, _digest(sid)) is None:
            s.add(RevokedSession(sid_hash=_digest(sid), expires_at=expires_at))


def session_revoked(db: Database, sid: str) -> bool:
    with db.session() as s:
        return s.get(RevokedSession, _digest(sid)) is not None
