"""Request limits: a global body-size cap (ASGI middleware) and per-client / per-member rate limits on /api/*.

The body cap counts the bytes as they stream in, so a 100 MB upload is refused with 413 after the
first ``max_bytes`` are read (at once when Content-Length already says so), never read into memory.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from typing import Any

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from knowledge.errors import RateLimited

TOO_LARGE = "请求内容过大（上限 {mb} MB），请压缩或拆分后再试。"
BAD_CHARACTER = "请求中含有无效字符（不成对的 Unicode 代理码位，如 \\ud800），请检查文字后重试。"
# A JSON "\ud800" escape decodes to a lone surrogate, which no UTF-8 writer (response, log, database)
# can encode; raw bytes cannot carry one (invalid UTF-8 is refused by the JSON parser itself).
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_TAIL = 12  # an escape pair split across two chunks is still seen whole


def _lone_surrogate(window: bytes, *, final: bool) -> bool:
    """A match in the last _TAIL bytes may be half of a pair whose other half is in the next chunk."""
    limit = len(window) if final else len(window) - _TAIL
    return any(m.start() < limit for m in _LONE_SURROGATE.finditer(window))


class _Refused(Exception):
    pass


class BodyLimit:
    """413 once a request body passes ``max_bytes``, 400 for a JSON body with a lone surrogate escape;
    both with a Chinese message, whatever the route would have made of the body."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send, 413)
            return
        is_json = b"json" in headers.get(b"content-type", b"")
        seen, tail, refused, started = 0, b"", 0, False

        async def counted() -> Message:
            nonlocal seen, tail, refused
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                seen += len(chunk)
                if seen > self.max_bytes:
                    refused = 413
                elif is_json and _lone_surrogate(tail + chunk, final=not message.get("more_body", False)):
                    refused = 400
                tail = (tail + chunk)[-(_TAIL + 6):]  # + the 6 bytes a low surrogate's look-behind needs
                if refused:
                    raise _Refused()
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if refused:  # whatever the route made of the exception, the answer is ours
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not refused:
                raise
        if refused and not started:
            await self._refuse(send, refused)

    async def _refuse(self, send: Send, status: int) -> None:
        message = TOO_LARGE.format(mb=max(1, self.max_bytes // (1024 * 1024))) if status == 413 else BAD_CHARACTER
        body = json.dumps({"error": message}, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]})
        await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """Sliding one-minute window per key; thread-safe; ``limit`` 0 means unlimited."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> float:
        """0 if the request may go ahead (and counts it), else the seconds until it may."""
        if self.limit <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return hits[0] + self.window - now
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle clients
                for idle in [k for k, v in self._hits.items() if not v]:
                    del self._hits[idle]
            return 0.0


def client_key(request: Request) -> str:
    """The peer address (behind a proxy, run uvicorn with --proxy-headers so this is the real client)."""
    return request.client.host if request.client else "unknown"


def member_of(request: Request) -> str | None:
    """The signed-in member, once sign-in sets ``request.state.member``; None before that."""
    member: Any = getattr(request.state, "member", None)
    return str(member) if member else None


async def rate_limit(request: Request) -> None:
    """FastAPI dependency on every /api route: per client address, and per member once signed in."""
    limits: dict[str, RateLimiter] = request.app.state.rate_limits
    waits = [limits["ip"].check(f"ip:{client_key(request)}")]
    member = member_of(request)
    if member:
        waits.append(limits["member"].check(f"member:{member}"))
    wait = max(waits)
    if wait > 0:
        raise RateLimited(f"请求过于频繁，请 {int(wait) + 1} 秒后再试。", detail="rate limit")
