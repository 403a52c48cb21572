"""The HTTP side of the 智能机器人 stand-in: WeCom's crypto (written independently of wechatpy, with
``cryptography``), encrypted media URLs, one-shot ``response_url``s, and WeCom's callback client that
POSTs to the bot, verifies its replies and polls stream refreshes (../shared/reference/wecom-aibot.md §1, §4).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import struct
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

TOKEN = "botloopbacktoken"
AES_KEY = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"  # 43 characters
MAX_BYTES = 20480


def _pad(data: bytes) -> bytes:
    n = 32 - len(data) % 32
    return data + bytes([n]) * n


def _unpad(data: bytes) -> bytes:
    n = data[-1]
    assert 1 <= n <= 32 and data[-n:] == bytes([n]) * n, "bad PKCS#7/32 padding"
    return data[:-n]


def aes_encrypt(key: bytes, plain: bytes) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return enc.update(_pad(plain)) + enc.finalize()


def aes_decrypt(key: bytes, data: bytes) -> bytes:
    dec = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    return _unpad(dec.update(data) + dec.finalize())


def sign(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypt])).encode()).hexdigest()


class WeComCrypto:
    """Envelope crypto as WeCom does it for a bot: receiveid is the empty string [V 101033]."""

    def __init__(self, token: str = TOKEN, encoding_aes_key: str = AES_KEY) -> None:
        self.token, self.key = token, base64.b64decode(encoding_aes_key + "=")

    def encrypt(self, text: str, receive_id: str = "") -> str:
        raw = text.encode()
        plain = os.urandom(16) + struct.pack(">I", len(raw)) + raw + receive_id.encode()
        return base64.b64encode(aes_encrypt(self.key, plain)).decode()

    def decrypt(self, encrypt: str) -> tuple[str, str]:
        """(message, receiveid trailer)."""
        plain = aes_decrypt(self.key, base64.b64decode(encrypt))
        (length,) = struct.unpack(">I", plain[16:20])
        return plain[20:20 + length].decode(), plain[20 + length:].decode()


@dataclass
class HttpState:
    media: dict[str, bytes] = field(default_factory=dict)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # code -> accepted POSTs
    refused: list[str] = field(default_factory=list)
    expiry: dict[str, float] = field(default_factory=dict)


class LoopbackHttp:
    """Serves encrypted media at /media/<id> and one-shot response URLs at /cgi-bin/aibot/response."""

    def __init__(self, response_ttl: float = 3600.0) -> None:
        self.state, self.lock, self.ttl = HttpState(), threading.Lock(), response_ttl
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_media(self, ciphertext: bytes) -> str:
        media_id = f"m{next(self._ids)}"
        with self.lock:
            self.state.media[media_id] = ciphertext
        return f"{self.base}/media/{media_id}"

    def response_url(self) -> str:
        code = f"rc{next(self._ids)}{os.urandom(4).hex()}"
        with self.lock:
            self.state.responses[code] = []
            self.state.expiry[code] = time.time() + self.ttl
        return f"{self.base}/cgi-bin/aibot/response?response_code={code}"

    def respond(self, code: str, body: dict[str, Any]) -> dict[str, Any]:
        """Exactly one POST per response_url, within its hour, markdown or template_card [V 101138]."""
        with self.lock:
            posts = self.state.responses.get(code)
            if posts is None or time.time() > self.state.expiry.get(code, 0):
                self.state.refused.append(code)
                return {"errcode": 40001, "errmsg": "invalid or expired response_code"}
            msgtype = body.get("msgtype")
            content = str((body.get(msgtype) or {}).get("content", "")) if msgtype == "markdown" else ""
            if posts or msgtype not in ("markdown", "template_card") or len(content.encode()) > MAX_BYTES:
                self.state.refused.append(code)
                return {"errcode": 40002, "errmsg": "response_url used or bad body"}
            posts.append(body)
        return {"errcode": 0, "errmsg": "ok"}

    def posts(self) -> list[dict[str, Any]]:
        with self.lock:
            return [b for bodies in self.state.responses.values() for b in bodies]


def _handler(http: LoopbackHttp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, data: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            media = http.state.media.get(self.path.rsplit("/", 1)[-1]) if self.path.startswith("/media/") else None
            if media is None:
                return self._send(404, b"{}", "application/json")
            return self._send(200, media, "application/octet-stream")

        def do_POST(self) -> None:
            parsed = urllib.parse.urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            code = dict(urllib.parse.parse_qsl(parsed.query)).get("response_code", "")
            result = http.respond(code, json.loads(raw or b"{}")) if parsed.path == "/cgi-bin/aibot/response" else {}
            return self._send(200, json.dumps(result).encode(), "application/json")

    return Handler


@dataclass
class Conversation:
    """What WeCom showed for one message: each reply's content (replacing the previous one)."""

    frames: list[str] = field(default_factory=list)
    finished: bool = False
    stream_id: str = ""
    reply: dict[str, Any] | None = None

    @property
    def content(self) -> str:
        return self.frames[-1] if self.frames else ""


class CallbackWeCom:
    """Plays WeCom against the bot's callback URL (GET verification, signed POSTs, stream refresh polling)."""

    def __init__(self, url: str, *, crypto: WeComCrypto | None = None, refresh_interval: float = 0.1,
                 window: float = 360.0) -> None:
        self.url, self.crypto = url, crypto or WeComCrypto()
        self.refresh_interval, self.window = refresh_interval, window
        self.client = httpx.Client(timeout=10)
        self._in_flight: dict[str, threading.Semaphore] = {}
        self._lock = threading.Lock()
        self.violations: list[str] = []

    def verify(self) -> float:
        echo = os.urandom(8).hex()
        encrypt, ts, nonce = self.crypto.encrypt(echo), str(int(time.time())), os.urandom(4).hex()
        params = {"msg_signature": sign(self.crypto.token, ts, nonce, encrypt), "timestamp": ts, "nonce": nonce,
                  "echostr": encrypt}
        started = time.monotonic()
        res = self.client.get(self.url, params=params)
        elapsed = time.monotonic() - started
        assert res.status_code == 200 and res.content == echo.encode(), "URL verification must return the bare echostr"
        assert elapsed < 1.0, "URL verification must answer within 1 s"
        return elapsed

    def post(self, body: dict[str, Any], *, encrypt: str | None = None) -> tuple[int, dict[str, Any] | None]:
        """POST one callback; (HTTP status, the decrypted reply or None for an empty body)."""
        encrypt = encrypt or self.crypto.encrypt(json.dumps(body, ensure_ascii=False))
        ts, nonce = str(int(time.time())), os.urandom(4).hex()
        params = {"msg_signature": sign(self.crypto.token, ts, nonce, encrypt), "timestamp": ts, "nonce": nonce}
        res = self.client.post(self.url, params=params, content=json.dumps({"encrypt": encrypt}))
        if res.status_code != 200 or not res.content:
            return res.status_code, None
        return res.status_code, self._open(res.json(), nonce)

    def _open(self, envelope: dict[str, Any], nonce: str) -> dict[str, Any]:
        expected = sign(self.crypto.token, str(envelope["timestamp"]), str(envelope["nonce"]), envelope["encrypt"])
        assert envelope["msgsignature"] == expected, "reply signature does not verify"
        assert envelope["nonce"] == nonce, "reply nonce must be the callback's"
        text, receive_id = self.crypto.decrypt(envelope["encrypt"])
        assert receive_id == "", "receiveid trailer must be the empty string"
        reply: dict[str, Any] = json.loads(text)
        self._check(reply)
        return reply

    def _check(self, reply: dict[str, Any]) -> None:
        stream = reply.get("stream") or {}
        if len(str(stream.get("content", "")).encode()) > MAX_BYTES:
            self.violations.append("stream content over 20480 bytes")
        if stream.get("msg_item") and not stream.get("finish"):
            self.violations.append("msg_item before finish")

    def converse(self, body: dict[str, Any]) -> Conversation:
        """Send a message and poll its stream until finish or the window; a user's 4th concurrent one waits."""
        user = str(body.get("from", {}).get("userid", ""))
        with self._lock:
            gate = self._in_flight.setdefault(user, threading.Semaphore(3))
        with gate:
            return self._converse(body)

    def _converse(self, body: dict[str, Any]) -> Conversation:
        started, conv = time.monotonic(), Conversation()
        status, reply = self.post(body)
        if status != 200 or reply is None:
            return conv
        conv.reply = reply
        if reply.get("msgtype") != "stream":
            conv.finished = True
            return conv
        conv.stream_id = str(reply["stream"]["id"])
        conv.frames.append(str(reply["stream"].get("content", "")))
        conv.finished = bool(reply["stream"].get("finish"))
        while not conv.finished and time.monotonic() - started < self.window:
            time.sleep(self.refresh_interval)
            refresh = {k: body[k] for k in ("aibotid", "chatid", "chattype", "from") if k in body}
            refresh.update(msgid=os.urandom(8).hex(), msgtype="stream", stream={"id": conv.stream_id})
            _, again = self.post(refresh)
            if not again or (again.get("stream") or {}).get("id") != conv.stream_id:
                self.violations.append("stream refresh answered without the same stream id")
                break
            conv.frames.append(str(again["stream"].get("content", "")))
            conv.finished = bool(again["stream"].get("finish"))
        return conv
