"""The Host check: a request for any name but the configured public host(s) is refused before anything runs."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

WRONG_HOST = "访问地址（Host）不是本服务配置的地址，请求已拒绝。"


def host_allowed(host_header: str | None, allowed: list[str]) -> bool:
    """Exact names or ``*.example.gov.cn`` patterns; the port is ignored; ``*`` allows any name."""
    if "*" in allowed:
        return True
    if not host_header:
        return False
    host = host_header.strip().lower()
    host = host[1:].split("]", 1)[0] if host.startswith("[") else host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return any(host == p or (p.startswith("*.") and host.endswith(p[1:])) for p in (a.lower() for a in allowed))


class HostCheck:
    """Like Starlette's TrustedHostMiddleware, but the refusal is a Chinese message like every other error."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: list[str]) -> None:
        self.app = app
        self.allowed_hosts = list(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not host_allowed(Headers(scope=scope).get("host"), self.allowed_hosts):
            await JSONResponse({"error": WRONG_HOST}, status_code=400)(scope, receive, send)
            return
        await self.app(scope, receive, send)
