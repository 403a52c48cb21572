"""Security headers on every response, and the list of Host names the service answers to."""

from __future__ import annotations

import urllib.parse

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.settings import Settings
from knowledge.errors import ConfigError

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
# Swagger UI and ReDoc (admins only, local files) start themselves with an inline script; ReDoc runs a blob: worker.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'")
_DOCS_PATHS = ("/docs", "/redoc")


def allowed_hosts(settings: Settings) -> list[str]:
    """The public URL's host, the extra hosts, and loopback in dev; prod without any is a config error."""
    hosts = [h.strip().lower() for h in settings.auth.allowed_hosts.split(",") if h.strip()]
    if settings.auth.public_url:
        host = urllib.parse.urlsplit(settings.auth.public_url).hostname
        if not host:
            raise ConfigError("ASSISTANT_AUTH__PUBLIC_URL 应写成 https://域名 的形式。")
        hosts.insert(0, host.lower())
    if settings.env == "dev":
        hosts += LOOPBACK_HOSTS
    if not hosts:
        raise ConfigError("生产环境请设置 ASSISTANT_AUTH__PUBLIC_URL（对外访问地址，如 https://gongkai.example.gov.cn）。")
    return list(dict.fromkeys(hosts))


def uses_https(settings: Settings) -> bool:
    return settings.auth.public_url.lower().startswith("https://")


class SecurityHeaders:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.hsts = uses_https(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] in _DOCS_PATHS or scope["path"].startswith("/docs/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)
