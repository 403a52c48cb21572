"""A loopback stand-in for WeCom's sign-in: the two authorize pages (网页授权 in the client, 扫码登录 on a
desktop) that send the browser back with a one-time ``code``, and ``gettoken`` + ``auth/getuserinfo``
that turn the code into the member's UserID.
"""

from __future__ import annotations

import itertools
import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.wecom_stub import AGENT_ID, CORP_ID, SECRET


@dataclass
class OAuthState:
    user: str = "zhangsan"  # who "scans" or is signed in to the WeCom client
    member: bool = True  # False: a WeChat user outside the corp (WeCom answers with an openid only)
    codes: dict[str, str] = field(default_factory=dict)  # code -> userid, each valid once
    tokens: set[str] = field(default_factory=set)
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)


class WeComOAuthStub:
    def __init__(self) -> None:
        self.state = OAuthState()
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> WeComOAuthStub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        with self.lock:
            return [path for path, _query in self.state.calls]

    def authorize(self, query: dict[str, str], *, in_client: bool) -> tuple[int, str]:
        """(status, Location or error): the page WeCom shows, after the member agreed."""
        wanted = {"appid": CORP_ID, "agentid": str(AGENT_ID)}
        wanted |= {"response_type": "code", "scope": "snsapi_base"} if in_client else {"login_type": "CorpApp"}
        if any(query.get(k) != v for k, v in wanted.items()) or not query.get("redirect_uri", "").startswith("http"):
            return 400, "bad authorize request"
        with self.lock:
            code = f"code-{next(self._ids)}"
            self.state.codes[code] = self.state.user
        separator = "&" if "?" in query["redirect_uri"] else "?"
        return 302, query["redirect_uri"] + separator + urllib.parse.urlencode({"code": code, "state": query.get("state", "")})

    def api(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        with self.lock:
            self.state.calls.append((path, query))
            if path == "/cgi-bin/gettoken":
                if query.get("corpid") != CORP_ID or query.get("corpsecret") != SECRET:
                    return {"errcode": 40001, "errmsg": "invalid credential"}
                token = f"token-{next(self._ids)}"
                self.state.tokens.add(token)
                return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}
            if path == "/cgi-bin/auth/getuserinfo":
                if query.get("access_token") not in self.state.tokens:
                    return {"errcode": 40014, "errmsg": "invalid access_token"}
                user = self.state.codes.pop(query.get("code", ""), None)
                if user is None:
                    return {"errcode": 40029, "errmsg": "invalid code"}
                if not self.state.member:
                    return {"errcode": 0, "errmsg": "ok", "openid": "oAbCdEf", "external_userid": "wmXyz"}
                return {"errcode": 0, "errmsg": "ok", "userid": user, "user_ticket": "ticket"}
        return {"errcode": 404, "errmsg": "not found"}


def _handler(stub: WeComOAuthStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parsed.query))
            if parsed.path in ("/connect/oauth2/authorize", "/wwlogin/sso/login"):
                status, target = stub.authorize(query, in_client=parsed.path.startswith("/connect"))
                headers = {"Location": target} if status == 302 else {"Content-Type": "text/plain"}
                return self._send(status, b"" if status == 302 else target.encode(), headers)
            raw = json.dumps(stub.api(parsed.path, query)).encode("utf-8")
            return self._send(200, raw, {"Content-Type": "application/json"})

    return Handler
