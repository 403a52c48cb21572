"""Failed-login counting per account and per client IP, in the database (shared by every process)."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from assistant.storage.db import Database, utcnow
from assistant.storage.models import LoginFailure
from knowledge.errors import Throttled


def _key(kind: str, value: str) -> str:
    # hashed: the table holds no account names or addresses, only what is needed to count
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


class LoginThrottle:
    """``max_failures`` wrong passwords per account (4× per IP) within ``window`` seconds lock further tries.

    The attempts are rows in the database, so a second process or replica sees the same count."""

    def __init__(self, max_failures: int, window: float) -> None:
        self.max_failures, self.window = max_failures, window

    def _limits(self, account: str, ip: str) -> list[tuple[str, int]]:
        return [(_key("a", account), self.max_failures), (_key("i", ip), self.max_failures * 4)]

    def check(self, db: Database, account: str, ip: str, *, now: datetime | None = None) -> None:
        """Raise ``Throttled`` while the account or the IP is locked."""
        now = now or utcnow()
        since = now - timedelta(seconds=self.window)
        with db.session() as s:
            for key, limit in self._limits(account, ip):
                count, first = s.execute(
                    select(func.count(), func.min(LoginFailure.at))
                    .where(LoginFailure.key_hash == key, LoginFailure.at > since)
                ).one()
                if count >= limit and first is not None:
                    left = (first + timedelta(seconds=self.window) - now).total_seconds()
                    raise Throttled(f"密码错误次数过多，请 {max(1, math.ceil(left / 60))} 分钟后再试。")

    def failed(self, db: Database, account: str, ip: str, *, now: datetime | None = None) -> None:
        now = now or utcnow()
        with db.session() as s:
            s.add_all(LoginFailure(key_hash=key, at=now) for key, _limit in self._limits(account, ip))
            # attempts older than the window count for nothing: random account names cannot grow the table
            s.execute(delete(LoginFailure).where(LoginFailure.at <= now - timedelta(seconds=self.window)))

    def succeeded(self, db: Database, account: str) -> None:
        with db.session() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.key_hash == _key("a", account)))
