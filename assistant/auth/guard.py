"""The route guard (ASGI middleware): every path but the public few needs a session cookie or an API token.

Deny by default: a route anyone adds later is guarded without being listed here. Admin-only paths are
matched by prefix, so a new admin page under one of them is admin-only too.
"""

from __future__ import annotations

import logging
import urllib.parse

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.auth.session import (
    SESSION_COOKIE,
    Principal,
    SignedSession,
    read_session,
    role_for,
    session_secret,
)
from assistant.auth.store import UserInfo, get_user, session_revoked, token_principal
from assistant.settings import Settings
from knowledge.errors import Forbidden

log = logging.getLogger(__name__)

PUBLIC_PATHS = frozenset({
    "/health", "/wecom/callback", "/wecom/bot/callback",
    "/login", "/auth/login", "/auth/methods", "/auth/wecom", "/auth/wecom/callback",
    "/static/login.js", "/static/style.css",
})
ADMIN_PREFIXES = ("/docs", "/docs-assets", "/redoc", "/openapi.json", "/admin", "/api/admin", "/api/logs", "/api/documents",
                  "/api/eval", "/api/outbox", "/logs", "/documents", "/eval", "/outbox")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS


def is_admin_path(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") or path.startswith(p + ".") for p in ADMIN_PREFIXES)


def principal_of(request: Request) -> Principal | None:
    """Who made this request (set by the guard); None only on public paths."""
    principal = getattr(request.state, "principal", None)
    return principal if isinstance(principal, Principal) else None


def check_same_origin(headers: Headers, settings: Settings) -> None:
    """CSRF defence for cookie sessions: an unsafe request must come from a page of this site.

    Browsers send ``Origin`` (or at least ``Referer``) on every POST; a request with neither, or from
    another site, is refused. API-token requests are not subject to this (no ambient credentials).
    """
    if headers.get("sec-fetch-site", "") in ("cross-site", "same-site"):
        raise Forbidden("跨站请求已拒绝，请在本站页面中操作。")
    source = headers.get("origin") or headers.get("referer") or ""
    netloc = urllib.parse.urlsplit(source).netloc.lower() if source and source != "null" else ""
    allowed = {headers.get("host", "").lower()}
    if settings.auth.public_url:
        allowed.add(urllib.parse.urlsplit(settings.auth.public_url).netloc.lower())
    if not netloc or netloc not in allowed:
        raise Forbidden("跨站请求已拒绝，请在本站页面中操作。")


class AuthGuard:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings
        self._secret: bytes | None = None

    def secret(self) -> bytes:
        if self._secret is None:
            self._secret = session_secret(self.settings)
        return self._secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        principal, via_cookie = await self._authenticate(scope, headers)
        response = self._refusal(scope, headers, principal, via_cookie)
        if response is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await response(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["principal"] = principal
        state["member"] = principal.user if principal else None  # the per-member rate limit's key (api/limits.py)
        await self.app(scope, receive, send)

    async def _authenticate(self, scope: Scope, headers: Headers) -> tuple[Principal | None, bool]:
        authorization = headers.get("authorization", "")
        if authorization:  # a token that is wrong stays wrong: no falling back to the cookie
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return None, False
            db = scope["app"].state.db
            return await anyio.to_thread.run_sync(token_principal, db, token.strip()), False
        cookie = Request(scope).cookies.get(SESSION_COOKIE)
        session = read_session(cookie, secret=self.secret()) if cookie else None
        if session is None:
            return None, bool(cookie)
        return await self._current(scope, session), True

    async def _current(self, scope: Scope, signed: SignedSession) -> Principal | None:
        """Refused once signed out (in any process); the role as of now, not as of sign-in: a removed
        account or an admin taken off the list loses it at once."""
        session, db = signed.principal, scope["app"].state.db

        def look_up() -> tuple[bool, UserInfo | None]:
            revoked = session_revoked(db, signed.sid)
            return revoked, (get_user(db, session.user) if session.via == "local" and not revoked else None)

        revoked, info = await anyio.to_thread.run_sync(look_up)
        if revoked:
            return None
        if session.via == "local":
            if info is None:
                return None
            return Principal(session.user, role_for(self.settings, info.name, is_admin=info.is_admin), "local")
        return Principal(session.user, role_for(self.settings, session.user), session.via)

    def _refusal(self, scope: Scope, headers: Headers, principal: Principal | None, via_cookie: bool) -> Response | None:
        path, method = scope["path"], scope.get("method", "GET")
        wants_html = "text/html" in headers.get("accept", "") and not path.startswith("/api/")
        if principal is None:
            if method in ("GET", "HEAD") and wants_html:
                query = scope.get("query_string", b"").decode("latin-1")
                target = path + ("?" + query if query else "")
                return RedirectResponse("/login?next=" + urllib.parse.quote(target, safe=""), status_code=303)
            return JSONResponse({"error": "请先登录（网页登录，或在请求头 Authorization: Bearer 中提供 API 令牌）。"},
                                status_code=401, headers={"WWW-Authenticate": "Bearer"})
        if via_cookie and method not in SAFE_METHODS:
            try:
                check_same_origin(headers, self.settings)
            except Forbidden as exc:
                log.info("cross-site %s %s refused", method, path)
                return JSONResponse({"error": exc.user_message}, status_code=403)
        if is_admin_path(path) and not principal.is_admin:
            message = "需要管理员权限。请联系管理员把您的账号加入 ASSISTANT_AUTH__ADMINS。"
            return _html_refusal(message) if wants_html else JSONResponse({"error": message}, status_code=403)
        return None


def _html_refusal(message: str) -> HTMLResponse:
    body = (f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>没有权限</title>'
            f'<link rel="stylesheet" href="/static/style.css"><main><p>{message}</p><p><a href="/">返回首页</a></p></main>')
    return HTMLResponse(body, status_code=403)


