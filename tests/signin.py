"""Signing tests in: an API token in the test's database, or a session cookie signed like the app signs it.

Auth is always on; tests sign in through these instead of switching it off.
"""

from __future__ import annotations

import secrets
from typing import Any

from assistant.auth.session import SESSION_COOKIE, Principal, session_secret, session_value
from assistant.auth.store import add_user, create_token, get_user
from assistant.settings import Settings
from assistant.storage import open_database


def api_token(settings: Settings, role: str = "member", name: str = "tests") -> str:
    """A fresh API token stored in ``settings``' database (migrated here if the app has not started yet)."""
    db = open_database(settings.resolved_database_url)
    try:
        return create_token(db, name=name, role=role)[1]
    finally:
        db.dispose()


def bearer(settings: Settings, role: str = "member") -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token(settings, role)}"}


def sign_in(client: Any, role: str = "member") -> Any:
    """Give a started ``TestClient`` an API token of ``role`` for all its requests."""
    info_token = create_token(client.app.state.db, name=f"test-{role}", role=role)[1]
    client.headers["Authorization"] = f"Bearer {info_token}"
    return client


def cookie_value(settings: Settings, user: str = "tester", role: str = "member", via: str = "wecom") -> str:
    principal = Principal(user=user, role=role, via=via)
    return session_value(principal, secret=session_secret(settings), hours=settings.auth.session_hours)


def admin_cookie_value(settings: Settings, user: str = "test-admin") -> str:
    """An admin's session: roles are looked up on every request, so the admin is a real local account."""
    db = open_database(settings.resolved_database_url)
    try:
        if get_user(db, user) is None:
            add_user(db, name=user, password=secrets.token_urlsafe(16), is_admin=True)
    finally:
        db.dispose()
    return cookie_value(settings, user, "admin", via="local")


def browser_cookie(settings: Settings, url: str, role: str = "member", user: str = "tester") -> dict[str, Any]:
    """For Playwright's ``context.add_cookies([...])``: a WeCom member, or (``role="admin"``) a local admin."""
    value = admin_cookie_value(settings) if role == "admin" else cookie_value(settings, user, role)
    return {"name": SESSION_COOKIE, "value": value, "url": url, "httpOnly": True, "sameSite": "Lax"}
