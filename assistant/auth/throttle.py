"""Failed-login counting per account and per client IP, in the process's memory."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque

from knowledge.errors import Throttled

_MAX_KEYS = 20_000  # random account names cannot grow this without bound


class LoginThrottle:
    """``max_failures`` wrong passwords per account (4× per IP) within ``window`` seconds lock further tries."""

    def __init__(self, max_failures: int, window: float) -> None:
        self.max_failures, self.window = max_failures, window
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _limits(self, account: str, ip: str) -> list[tuple[str, int]]:
        return [(f"a:{account}", self.max_failures), (f"i:{ip}", self.max_failures * 4)]

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key) or deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def check(self, account: str, ip: str, *, now: float | None = None) -> None:
        """Raise ``Throttled`` while the account or the IP is locked."""
        now = now or time.monotonic()
        with self._lock:
            for key, limit in self._limits(account, ip):
                times = self._recent(key, now)
                if len(times) >= limit:
                    minutes = max(1, math.ceil((times[0] + self.window - now) / 60))
                    raise Throttled(f"密码错误次数过多，请 {minutes} 分钟后再试。")

    def failed(self, account: str, ip: str, *, now: float | None = None) -> None:
        now = now or time.monotonic()
        with self._lock:
            for key, _limit in self._limits(account, ip):
                times = self._recent(key, now)
                times.append(now)
                self._failures[key] = times
                self._failures.move_to_end(key)
            while len(self._failures) > _MAX_KEYS:
                self._failures.popitem(last=False)

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._failures.pop(f"a:{account}", None)
