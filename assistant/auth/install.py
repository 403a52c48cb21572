"""``install_auth(app, settings)``: the one place the host check, the headers and the route guard are wired."""

from __future__ import annotations

from fastapi import FastAPI

from assistant.auth.guard import AuthGuard
from assistant.auth.headers import SecurityHeaders, allowed_hosts
from assistant.auth.hosts import HostCheck
from assistant.auth.throttle import LoginThrottle
from assistant.settings import Settings


def install_auth(app: FastAPI, settings: Settings) -> None:
    """Outermost first: wrong Host → 400, then security headers on everything, then the guard."""
    hosts = allowed_hosts(settings)
    app.state.login_throttle = LoginThrottle(settings.auth.login_max_failures, settings.auth.login_window_seconds)
    app.add_middleware(AuthGuard, settings=settings)
    app.add_middleware(SecurityHeaders, settings=settings)
    app.add_middleware(HostCheck, allowed_hosts=hosts)  # added last = runs first
