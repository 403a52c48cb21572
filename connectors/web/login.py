"""Sign-in pages and endpoints: ``/login``, WeCom OAuth (``/auth/wecom`` → WeCom → ``/auth/wecom/callback``),
local accounts (``POST /auth/login``), ``/auth/me`` and ``POST /auth/logout``.
"""

from __future__ import annotations

import logging
import secrets
import urllib.parse
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from assistant.auth.guard import check_same_origin, principal_of
from assistant.auth.headers import uses_https
from assistant.auth.session import (
    SESSION_COOKIE,
    Principal,
    read_session,
    role_for,
    session_secret,
    session_value,
    sign,
    unsign,
)
from assistant.auth.store import check_password, has_users, revoke_session
from assistant.settings import Settings
from connectors.web.router import STATIC_DIR
from connectors.wecom.oauth import WeComOAuth, authorize_url, in_wecom_client
from knowledge.errors import GongkaiError, Unauthorized

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
STATE_COOKIE = "gongkai_oauth"
_STATE_SECONDS = 600


def safe_next(value: str | None) -> str:
    """Only a path on this site: no scheme, no host, no ``//evil`` or ``/\\evil``, and no control characters
    or spaces (browsers drop a tab or newline from a URL, which would turn ``/<tab>/evil`` into ``//evil``)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    if any(ord(c) <= 0x20 or ord(c) == 0x7F or c == "\\" for c in value):
        return "/"
    return value


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _set_cookie(response: Response, settings: Settings, name: str, value: str, max_age: int, path: str = "/") -> None:
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="lax",
                        secure=uses_https(settings))


def start_session(response: Response, settings: Settings, principal: Principal) -> None:
    value = session_value(principal, secret=session_secret(settings), hours=settings.auth.session_hours)
    _set_cookie(response, settings, SESSION_COOKIE, value, int(settings.auth.session_hours * 3600))


def _base_url(request: Request, settings: Settings) -> str:
    return (settings.auth.public_url or str(request.base_url)).rstrip("/")


@router.get("/login")
def login_page(request: Request, next: str = "/", error: str = "") -> Response:
    settings = _settings(request)
    if settings.wecom.configured and in_wecom_client(request.headers.get("user-agent", "")) and not error:
        # Inside the WeCom client the member is known already: sign in without a page (but after a
        # failed attempt show the page and its message, or the client would loop through WeCom).
        return RedirectResponse("/auth/wecom?next=" + urllib.parse.quote(safe_next(next), safe=""), status_code=303)
    return FileResponse(STATIC_DIR / "login.html", media_type="text/html; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})


@router.get("/auth/methods")
def methods(request: Request) -> dict[str, bool]:
    wecom = _settings(request).wecom.configured
    return {"wecom": wecom, "local": not wecom or has_users(request.app.state.db)}


@router.get("/auth/wecom")
def wecom_start(request: Request, next: str = "/") -> Response:
    settings = _settings(request)
    if not settings.wecom.configured:
        return RedirectResponse("/login?error=config", status_code=303)
    state = secrets.token_urlsafe(16)
    redirect_uri = _base_url(request, settings) + "/auth/wecom/callback"
    target = authorize_url(settings, redirect_uri=redirect_uri, state=state,
                           in_client=in_wecom_client(request.headers.get("user-agent", "")))
    response = RedirectResponse(target, status_code=302)
    signed = sign({"s": state, "n": safe_next(next)}, secret=session_secret(settings), purpose="oauth-state",
                  ttl_seconds=_STATE_SECONDS)
    _set_cookie(response, settings, STATE_COOKIE, signed, _STATE_SECONDS, path="/auth/wecom")
    return response


_ERROR_KEYS = {401: "code", 403: "member", 502: "upstream", 503: "config"}


@router.get("/auth/wecom/callback")
def wecom_callback(request: Request, code: str = "", state: str = "") -> Response:
    settings = _settings(request)
    saved = unsign(request.cookies.get(STATE_COOKIE), secret=session_secret(settings), purpose="oauth-state")
    if saved is None or not state or not secrets.compare_digest(str(saved.get("s", "")), state):
        return RedirectResponse("/login?error=state", status_code=303)  # expired, replayed or forged
    oauth: WeComOAuth | None = getattr(request.app.state, "wecom_oauth", None)
    try:
        if oauth is None:
            oauth = request.app.state.wecom_oauth = WeComOAuth(settings)
        user = oauth.user_id(code)
    except GongkaiError as exc:
        log.info("wecom sign-in refused: %s", type(exc).__name__)
        return RedirectResponse(f"/login?error={_ERROR_KEYS.get(exc.http_status, 'code')}", status_code=303)
    principal = Principal(user=user, role=role_for(settings, user), via="wecom")
    response = RedirectResponse(safe_next(str(saved.get("n", "/"))), status_code=303)
    start_session(response, settings, principal)
    response.delete_cookie(STATE_COOKIE, path="/auth/wecom")
    log.info("signed in via wecom, role %s", principal.role)
    return response


class LoginRequest(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)
    next: str = Field("/", max_length=2000)


@router.post("/auth/login")
def local_login(body: LoginRequest, request: Request) -> Response:
    settings = _settings(request)
    check_same_origin(request.headers, settings)  # login CSRF: only the login page may post here
    account, ip = body.username.strip()[:64], request.client.host if request.client else ""
    throttle = request.app.state.login_throttle
    db = request.app.state.db
    throttle.check(db, account, ip)
    info = check_password(db, name=account, password=body.password)
    if info is None:
        throttle.failed(db, account, ip)
        raise Unauthorized("用户名或密码错误。")  # same answer either way, to prevent user enumeration
    throttle.succeeded(db, account)
    principal = Principal(user=info.name, role=role_for(settings, info.name, is_admin=info.is_admin), via="local")
    response = JSONResponse({"next": safe_next(body.next), "user": info.name, "role": principal.role})
    start_session(response, settings, principal)
    return response


@router.get("/auth/me")
def me(request: Request) -> dict[str, Any]:
    principal = principal_of(request)
    if principal is None:
        raise Unauthorized()
    return {"user": principal.user, "role": principal.role, "via": principal.via}


@router.post("/auth/logout")
def logout(request: Request) -> Response:
    signed = read_session(request.cookies.get(SESSION_COOKIE), secret=session_secret(_settings(request)))
    if signed is not None:  # server-side: a copy of the cookie replayed after sign-out is refused too
        revoke_session(request.app.state.db, sid=signed.sid, expires=signed.expires)
    response = JSONResponse({"next": "/login"})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
