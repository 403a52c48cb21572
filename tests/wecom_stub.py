"""A loopback stand-in for WeCom's API (``gettoken``, ``message/send`` text/markdown/file, ``media/get``,
``media/upload``) and a sender of
callbacks encrypted exactly as WeCom does it. Used by the WeCom tests and benchmarks/wecom_load.py.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import xmltodict
from wechatpy.enterprise.crypto import WeChatCrypto

CORP_ID = "wwloopbackcorp0001"
SECRET = "loopback-secret-value"
TOKEN = "loopbacktoken"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters
AGENT_ID = 1000002


@dataclass
class StubState:
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry (epoch seconds)
    sent: list[dict[str, Any]] = field(default_factory=list)
    media: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    uploads: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)  # media_id -> (filename, type, bytes)
    faults: list[str] = field(default_factory=list)  # one fault per next message/send call
    token_fetches: int = 0
    send_calls: int = 0
    duplicates_suppressed: int = 0
    recent: dict[tuple[str, str], float] = field(default_factory=dict)
    fault_rate: float = 0.0  # chance that a message/send call fails with a random fault (load tests)
    # the random faults' mix; "500after" and "timeout" deliver the message and then fail to say so
    fault_mix: tuple[str, ...] = ("45009", "500", "drop")
    pause_code: int = 0  # while set (e.g. 60020), every message/send answers this errcode
    unknown_users: set[str] = field(default_factory=set)  # message/send to them: 81013 (not retryable)
    late_seconds: float = 1.0  # how late a "timeout" fault answers (after the client gave up)


class WeComStub:
    """``with WeComStub() as stub:`` serves on 127.0.0.1; ``stub.base_url`` ends in /cgi-bin/."""

    def __init__(self, port: int = 0) -> None:
        self.state = StubState()
        self.lock = threading.Lock()
        self._counter = itertools.count(1)
        self._random = random.Random(20260101)
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/"

    def __enter__(self) -> WeComStub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- controls used by tests ---------------------------------------------------------------
    def add_media(self, media_id: str, filename: str, data: bytes) -> None:
        with self.lock:
            self.state.media[media_id] = (filename, data)

    def fail_next(self, *faults: str) -> None:
        """Faults for the next message/send calls: "45009", "500", "drop" (close without answering)."""
        with self.lock:
            self.state.faults.extend(faults)

    def expire_tokens(self) -> None:
        with self.lock:
            self.state.tokens = {t: 0.0 for t in self.state.tokens}

    def messages(self, user: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.state.sent if user is None or m["touser"] == user]

    def wait_for(self, user: str, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.messages(user)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        return self.messages(user)

    # --- endpoint logic ----------------------------------------------------------------------
    def gettoken(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("corpid") != CORP_ID or query.get("corpsecret") != SECRET:
            return {"errcode": 40001, "errmsg": "invalid credential"}
        with self.lock:
            token = f"token-{next(self._counter)}"
            self.state.tokens[token] = time.time() + 7200
            self.state.token_fetches += 1
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}

    def check_token(self, token: str) -> dict[str, Any] | None:
        with self.lock:
            expiry = self.state.tokens.get(token)
        if expiry is None:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if expiry < time.time():
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return None

    def send(self, token: str, body: dict[str, Any]) -> dict[str, Any] | str:
        with self.lock:
            self.state.send_calls += 1
            fault = self.state.faults.pop(0) if self.state.faults else ""
            if not fault and self.state.fault_rate and self._random.random() < self.state.fault_rate:
                fault = self._random.choice(self.state.fault_mix)
            pause = self.state.pause_code
        if pause:
            return {"errcode": pause, "errmsg": "not allow to access from your ip"}
        if body.get("touser") in self.state.unknown_users:
            return {"errcode": 81013, "errmsg": "user & party & tag all invalid"}
        if fault == "45009":
            return {"errcode": 45009, "errmsg": "api freq out of limit"}
        if fault in ("500", "drop"):
            return fault
        error = self.check_token(token)
        if error:
            return error
        msgtype = body.get("msgtype", "")
        content = str((body.get(msgtype) or {}).get("content", ""))
        if not body.get("touser") or body.get("agentid") != AGENT_ID or msgtype not in ("text", "markdown", "file"):
            return {"errcode": 40008, "errmsg": "invalid message"}
        if msgtype == "file":
            media_id = str((body.get("file") or {}).get("media_id", ""))
            with self.lock:
                upload = self.state.uploads.get(media_id)
            if upload is None:
                return {"errcode": 40007, "errmsg": "invalid media_id"}
            with self.lock:
                self.state.sent.append({"touser": body["touser"], "msgtype": "file", "content": "", "bytes": 0,
                                        "media_id": media_id, "filename": upload[0], "data": upload[2],
                                        "at": time.time()})
            return {"errcode": 0, "errmsg": "ok", "invaliduser": ""}
        key = (str(body["touser"]), content)
        interval = float(body.get("duplicate_check_interval") or 1800)
        with self.lock:
            if body.get("enable_duplicate_check") and self.state.recent.get(key, 0) > time.time() - interval:
                self.state.duplicates_suppressed += 1
                return {"errcode": 0, "errmsg": "ok"}
            self.state.recent[key] = time.time()
            self.state.sent.append({"touser": body["touser"], "msgtype": msgtype, "content": content,
                                    "bytes": len(content.encode("utf-8")), "at": time.time()})
        if fault in ("500after", "timeout"):  # delivered, but the sender never learns it
            return "500" if fault == "500after" else "late"
        return {"errcode": 0, "errmsg": "ok", "invaliduser": ""}


    def upload(self, query: dict[str, str], content_type: str, raw: bytes) -> dict[str, Any]:
        """``media/upload?type=file``: multipart form data with one part named ``media`` (filename required)."""
        error = self.check_token(query.get("access_token", ""))
        if error:
            return error
        if query.get("type") != "file":
            return {"errcode": 40004, "errmsg": "invalid media type"}
        message = BytesParser(policy=default).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
        parts = [p for p in message.iter_parts() if p.get_param("name", header="content-disposition") == "media"]
        if len(parts) != 1 or not parts[0].get_filename():
            return {"errcode": 41005, "errmsg": "media data missing"}
        data = parts[0].get_payload(decode=True) or b""
        if len(data) < 5 or len(data) > 20 * 1024 * 1024:
            return {"errcode": 40006, "errmsg": "invalid media size"}
        with self.lock:
            media_id = f"upload-{next(self._counter)}"
            self.state.uploads[media_id] = (str(parts[0].get_filename()), parts[0].get_content_type(), data)
        return {"errcode": 0, "errmsg": "", "type": "file", "media_id": media_id, "created_at": str(int(time.time()))}


def _handler(stub: WeComStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _json(self, data: dict[str, Any], status: int = 200) -> None:
            raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _query(self) -> tuple[str, dict[str, str]]:
            parsed = urllib.parse.urlsplit(self.path)
            return parsed.path, dict(urllib.parse.parse_qsl(parsed.query))

        def do_GET(self) -> None:
            path, query = self._query()
            if path == "/cgi-bin/gettoken":
                return self._json(stub.gettoken(query))
            if path == "/cgi-bin/media/get":
                error = stub.check_token(query.get("access_token", ""))
                media = stub.state.media.get(query.get("media_id", ""))
                if error or media is None:
                    return self._json(error or {"errcode": 40007, "errmsg": "invalid media_id"})
                filename, data = media
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                quoted = urllib.parse.quote(filename)
                self.send_header("Content-Disposition", f"attachment; filename*=UTF-8''{quoted}")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return None
            if path == "/_stub/state":  # for a benchmark that runs the stub in another process
                with stub.lock:
                    state = {"sent": stub.state.sent, "send_calls": stub.state.send_calls,
                             "token_fetches": stub.state.token_fetches,
                             "duplicates_suppressed": stub.state.duplicates_suppressed}
                return self._json(state)
            return self._json({"errcode": 404, "errmsg": "not found"}, status=404)

        def do_POST(self) -> None:
            path, query = self._query()
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if path == "/cgi-bin/media/upload":
                return self._json(stub.upload(query, self.headers.get("Content-Type", ""), raw))
            if path != "/cgi-bin/message/send":
                return self._json({"errcode": 404, "errmsg": "not found"}, status=404)
            result = stub.send(query.get("access_token", ""), json.loads(raw.decode("utf-8")))
            if result == "drop":
                self.close_connection = True
                return None
            if result == "500":
                return self._json({"errmsg": "internal"}, status=500)
            if result == "late":
                time.sleep(stub.state.late_seconds)
                try:  # the client has usually given up and closed the connection by now
                    self._json({"errcode": 0, "errmsg": "ok", "invaliduser": ""})
                except OSError:
                    self.close_connection = True
                return None
            assert isinstance(result, dict)
            return self._json(result)

    return Handler


# --- the WeCom side of the callback -----------------------------------------------------------
class CallbackSender:
    """Builds callbacks as WeCom does: encrypted XML body, msg_signature/timestamp/nonce in the query."""

    def __init__(self, token: str = TOKEN, aes_key: str = AES_KEY, corp_id: str = CORP_ID) -> None:
        self.crypto = WeChatCrypto(token, aes_key, corp_id)
        self._ids = itertools.count(int(time.time() * 1000))

    def next_id(self) -> str:
        return str(next(self._ids))

    def encrypt(self, plain_xml: str, *, timestamp: int | None = None, nonce: str | None = None) -> tuple[dict[str, str], bytes]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        nonce = nonce or f"n{self.next_id()}"
        envelope = xmltodict.parse(self.crypto.encrypt_message(plain_xml, nonce, ts))["xml"]
        body = (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{envelope['Encrypt']}]]>"
                f"</Encrypt><AgentID><![CDATA[{AGENT_ID}]]></AgentID></xml>")
        params = {"msg_signature": envelope["MsgSignature"], "timestamp": ts, "nonce": nonce}
        return params, body.encode("utf-8")

    def echo(self, echostr_plain: str) -> dict[str, str]:
        """Query parameters for the GET URL verification."""
        ts, nonce = str(int(time.time())), f"n{self.next_id()}"
        envelope = xmltodict.parse(self.crypto.encrypt_message(echostr_plain, nonce, ts))["xml"]
        return {"msg_signature": envelope["MsgSignature"], "timestamp": ts, "nonce": nonce,
                "echostr": envelope["Encrypt"]}


def text_xml(user: str, content: str, msg_id: str, created: int | None = None) -> str:
    return _xml(user, created, "text", f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId>")


def file_xml(user: str, media_id: str, filename: str, msg_id: str) -> str:
    extra = f"<MediaId><![CDATA[{media_id}]]></MediaId><FileName><![CDATA[{filename}]]></FileName><MsgId>{msg_id}</MsgId>"
    return _xml(user, None, "file", extra)


def media_xml(user: str, msg_type: str, msg_id: str) -> str:
    return _xml(user, None, msg_type, f"<MediaId><![CDATA[m{msg_id}]]></MediaId><MsgId>{msg_id}</MsgId>")


def event_xml(user: str, event: str, created: int) -> str:
    return _xml(user, created, "event", f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[]]></EventKey>")


def _xml(user: str, created: int | None, msg_type: str, extra: str) -> str:
    created = created if created is not None else int(time.time())
    return (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>{extra}"
            f"<AgentID>{AGENT_ID}</AgentID></xml>")


# --- the real service on a loopback port -------------------------------------------------------
class LiveService:
    """``with LiveService(settings) as svc:`` runs uvicorn on create_app(settings) in a thread."""

    def __init__(self, settings: Any) -> None:
        import socket

        import uvicorn

        from assistant.app import create_app

        self.app = create_app(settings)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> LiveService:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("service did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


def wecom_settings(settings: Any, *, db_url: str, base_url: str, **overrides: Any) -> Any:
    """``settings`` (the conftest fixture) configured for the stub and the given database."""
    from pydantic import SecretStr

    from assistant.settings import WeComSettings

    values: dict[str, Any] = dict(
        corp_id=CORP_ID, agent_id=AGENT_ID, secret=SecretStr(SECRET), token=SecretStr(TOKEN),
        encoding_aes_key=SecretStr(AES_KEY), api_base_url=base_url, timeout_seconds=2.0,
        retry_base_seconds=0.1,
    )
    values.update(overrides)
    return settings.model_copy(update={"database_url": db_url, "wecom": WeComSettings(**values)})


if __name__ == "__main__":  # python -m tests.wecom_stub PORT [FAULT_RATE]: serve until killed
    import sys

    stub = WeComStub(int(sys.argv[1]))
    stub.state.fault_rate = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    print(stub.base_url, flush=True)
    stub.server.serve_forever()
