"""A loopback stand-in for the 智能机器人 long connection that enforces the protocol of
../shared/reference/wecom-aibot.md §2 and §4: subscribe first (with the right BotID/Secret), ping acks
and a heartbeat timeout, ``req_id`` correlation (the reply command must fit what arrived on that
req_id), the 5 s welcome window, a constant ``stream.id``, nothing after ``finish``, 20480 bytes,
the stream window, pushes only to chats that wrote first, one connection per bot.

Where the real errcode is unknown the stand-in uses its own (marked [?]). A req_id is honoured only on
the connection that delivered it: the reference does not say, and this is the stricter reading.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import itertools
import json
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

BOT_ID = "aibLoopbackBot01"
BOT_SECRET = "loopback-bot-secret"
INVALID_REQ_ID, STREAM_EXPIRED, INVALID_CHAT = 846605, 846608, 93006  # [C]
BAD_CREDENTIALS, LATE, AFTER_FINISH, TOO_LONG, BAD_STREAM, UNKNOWN_CMD = 40058, 846690, 846691, 846692, 846693, 846694  # [?]
REPLY_CMDS = {"aibot_respond_msg", "aibot_respond_welcome_msg", "aibot_respond_update_msg"}


@dataclass
class Delivery:
    """One callback the stand-in pushed, and what the bot answered on its req_id."""

    req_id: str
    conn: int
    expects: str
    body: dict[str, Any]
    at: float
    frames: list[dict[str, Any]] = field(default_factory=list)
    frame_times: list[float] = field(default_factory=list)
    stream_id: str = ""
    finished: bool = False
    errors: list[int] = field(default_factory=list)

    @property
    def content(self) -> str:
        body = self.frames[-1] if self.frames else {}
        return str((body.get(body.get("msgtype", "")) or {}).get("content", ""))


class WsStub:
    def __init__(self, *, heartbeat_timeout: float = 60.0, welcome_window: float = 5.0,
                 stream_window: float = 360.0, ack_pings: bool = True, chunk_base: int = 0) -> None:
        self.heartbeat_timeout, self.welcome_window, self.stream_window = heartbeat_timeout, welcome_window, stream_window
        self.ack_pings, self.chunk_base = ack_pings, chunk_base  # chunk_index from 0 or 1 is unresolved [?]
        self.uploads: dict[str, dict[str, Any]] = {}
        self.media: dict[str, tuple[str, bytes]] = {}
        self.deliveries: dict[str, Delivery] = {}
        self.pushes: list[dict[str, Any]] = []
        self.violations: list[str] = []
        self.subscribes = 0
        self.closed_for_heartbeat = 0
        self.known_chats: set[tuple[str, int]] = set()
        self.lock = threading.Lock()
        self._conns: dict[int, ServerConnection] = {}
        self._live: int | None = None
        self._ids = itertools.count(1)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    # --- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> WsStub:
        self._thread.start()
        async def _start() -> Any:
            return await serve(self._handler, "127.0.0.1", 0, ping_interval=None)

        self.server = asyncio.run_coroutine_threadsafe(_start(), self.loop).result(10)
        self.url = f"ws://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        return self

    def __exit__(self, *exc: object) -> None:
        async def _close() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(_close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    # --- controls for tests (any thread) -------------------------------------------------------
    def deliver(self, body: dict[str, Any], *, event: bool = False) -> str:
        """Push a callback on the live connection with a fresh req_id; returns the req_id."""
        return asyncio.run_coroutine_threadsafe(self._deliver(body, event), self.loop).result(10)

    def drop(self) -> None:
        """Cut the live connection without a closing handshake (a network failure)."""
        def _abort() -> None:
            ws = self._conns.get(self._live or 0)
            if ws is not None:
                ws.transport.abort()
        self.loop.call_soon_threadsafe(_abort)

    def live(self) -> bool:
        return self._live is not None

    def wait(self, predicate: Any, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if predicate(self):
                    return True
            time.sleep(0.01)
        with self.lock:
            return bool(predicate(self))

    # --- the server ---------------------------------------------------------------------------
    async def _deliver(self, body: dict[str, Any], event: bool) -> str:
        if self._live is None:
            raise RuntimeError("no subscribed connection")
        ws = self._conns[self._live]
        cmd = "aibot_event_callback" if event else "aibot_msg_callback"
        rid = f"{cmd}_{os.urandom(6).hex()}"
        eventtype = (body.get("event") or {}).get("eventtype", "")
        expects = {"enter_chat": "aibot_respond_welcome_msg", "template_card_event": "aibot_respond_update_msg"}.get(
            eventtype, "aibot_respond_msg" if not event else "")
        with self.lock:
            self.deliveries[rid] = Delivery(rid, self._live, expects, body, time.monotonic())
            if not event:  # the user wrote in this chat: pushes may follow [V]
                group = body.get("chattype") == "group"
                self.known_chats.add((body["chatid"], 2) if group else (body["from"]["userid"], 1))
        await ws.send(json.dumps({"cmd": cmd, "headers": {"req_id": rid}, "body": body}, ensure_ascii=False))
        return rid

    async def _handler(self, ws: ServerConnection) -> None:
        cid = next(self._ids)
        try:
            first = json.loads(await asyncio.wait_for(ws.recv(), 10))
        except (TimeoutError, ConnectionClosed, ValueError):
            return
        if first.get("cmd") != "aibot_subscribe":
            self.violations.append(f"first frame was {first.get('cmd')!r}, not aibot_subscribe")
            await ws.close(1008)
            return
        body, rid = first.get("body") or {}, first.get("headers", {}).get("req_id")
        if body.get("bot_id") != BOT_ID or body.get("secret") != BOT_SECRET:
            await ws.send(json.dumps({"headers": {"req_id": rid}, "errcode": BAD_CREDENTIALS, "errmsg": "invalid secret"}))
            await ws.close()
            return
        await self._take_over(cid, ws)
        await ws.send(json.dumps({"headers": {"req_id": rid}, "errcode": 0, "errmsg": "ok"}))
        last_ping = [time.monotonic()]
        watchdog = asyncio.create_task(self._watch(ws, last_ping))
        try:
            async for raw in ws:
                await self._frame(cid, ws, json.loads(raw), last_ping)
        except ConnectionClosed:
            pass
        finally:
            watchdog.cancel()
            self._conns.pop(cid, None)
            if self._live == cid:
                self._live = None

    async def _take_over(self, cid: int, ws: ServerConnection) -> None:
        """One live connection per bot [V]: the old one gets disconnected_event and is closed."""
        self.subscribes += 1
        old = self._conns.get(self._live or 0)
        self._conns[cid], self._live = ws, cid
        if old is not None:
            event = {"msgtype": "event", "event": {"eventtype": "disconnected_event"}, "aibotid": BOT_ID}
            rid = f"aibot_event_callback_{os.urandom(6).hex()}"
            try:
                await old.send(json.dumps({"cmd": "aibot_event_callback", "headers": {"req_id": rid}, "body": event}))
            finally:
                await old.close()

    async def _watch(self, ws: ServerConnection, last_ping: list[float]) -> None:
        while True:
            await asyncio.sleep(min(1.0, self.heartbeat_timeout / 4))
            if time.monotonic() - last_ping[0] > self.heartbeat_timeout:
                self.closed_for_heartbeat += 1
                await ws.close(1001)
                return

    async def _frame(self, cid: int, ws: ServerConnection, frame: dict[str, Any], last_ping: list[float]) -> None:
        cmd, rid = frame.get("cmd"), str(frame.get("headers", {}).get("req_id", ""))
        if cmd == "ping":
            last_ping[0] = time.monotonic()
            if self.ack_pings:
                await self._ack(ws, rid, 0)
            return
        reply: dict[str, Any] | None = None
        with self.lock:  # never held across an await: _deliver takes it on this same loop
            if cmd in REPLY_CMDS:
                code = self._reply(cid, str(cmd), rid, frame.get("body") or {})
            elif cmd == "aibot_send_msg":
                code = self._push(frame.get("body") or {})
            elif cmd in ("aibot_upload_media_init", "aibot_upload_media_chunk", "aibot_upload_media_finish"):
                code, reply = self._upload(str(cmd), frame.get("body") or {})
            else:
                code = UNKNOWN_CMD
                self.violations.append(f"unknown command {cmd!r}")
        await self._ack(ws, rid, code, reply)

    def _reply(self, cid: int, cmd: str, rid: str, body: dict[str, Any]) -> int:
        d = self.deliveries.get(rid)
        if d is None or d.conn != cid or d.expects != cmd:
            return INVALID_REQ_ID
        code = self._check_reply(d, cmd, body)
        if code:
            d.errors.append(code)
            return code
        d.frames.append(body)
        d.frame_times.append(time.monotonic())
        return 0

    def _check_reply(self, d: Delivery, cmd: str, body: dict[str, Any]) -> int:
        now = time.monotonic()
        if cmd != "aibot_respond_msg":  # welcome / card update: once, within 5 s
            if now - d.at > self.welcome_window:
                return LATE
            if d.finished:
                return AFTER_FINISH
            d.finished = True
            return 0
        if d.finished:
            return AFTER_FINISH
        if body.get("msgtype") != "stream":
            d.finished = body.get("msgtype") in ("markdown", "template_card", "file", "image", "voice", "video")
            return 0 if d.finished else BAD_STREAM
        stream = body.get("stream") or {}
        if not stream.get("id") or (d.stream_id and stream["id"] != d.stream_id):
            return BAD_STREAM
        if d.frame_times and now - d.frame_times[0] > self.stream_window:
            return STREAM_EXPIRED
        if len(str(stream.get("content", "")).encode()) > 20480 or (stream.get("msg_item") and not stream.get("finish")):
            return TOO_LONG
        if "feedback" in stream and d.frames:
            return BAD_STREAM  # feedback.id goes on the first reply only [V]
        d.stream_id, d.finished = str(stream["id"]), bool(stream.get("finish"))
        return 0

    def _upload(self, cmd: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The three upload steps [V]; chunks out of order are fine, repeats ignored, indexes checked."""
        if cmd.endswith("_init"):
            total = int(body.get("total_chunks", 0))
            if body.get("type") not in ("file", "image", "voice", "video") or not 1 <= total <= 100:
                return BAD_STREAM, {}
            upload_id = f"up{os.urandom(6).hex()}"
            self.uploads[upload_id] = {**body, "chunks": {}}
            return 0, {"upload_id": upload_id}
        upload = self.uploads.get(str(body.get("upload_id", "")))
        if upload is None:
            return BAD_STREAM, {}
        if cmd.endswith("_chunk"):
            index = int(body.get("chunk_index", -1)) - self.chunk_base
            if not 0 <= index < int(upload["total_chunks"]):
                return BAD_STREAM, {}
            raw = base64.b64decode(str(body.get("base64_data", "")))
            if len(raw) > 512 * 1024:
                return TOO_LONG, {}
            upload["chunks"].setdefault(index, raw)
            return 0, {}
        data = b"".join(upload["chunks"].get(i, b"") for i in range(int(upload["total_chunks"])))
        if len(upload["chunks"]) != int(upload["total_chunks"]) or len(data) != int(upload.get("total_size", -1)):
            return BAD_STREAM, {}
        if upload.get("md5") and hashlib.md5(data).hexdigest() != upload["md5"]:
            return BAD_STREAM, {}
        media_id = f"media{os.urandom(6).hex()}"
        self.media[media_id] = (str(upload.get("filename", "")), data)
        return 0, {"type": upload["type"], "media_id": media_id, "created_at": int(time.time())}

    def _push(self, body: dict[str, Any]) -> int:
        chat_type = int(body.get("chat_type", 1))
        if (str(body.get("chatid", "")), chat_type) not in self.known_chats:
            return INVALID_CHAT
        if body.get("msgtype") not in ("markdown", "template_card", "file", "image", "voice", "video"):
            return BAD_STREAM
        if body.get("msgtype") == "file" and str((body.get("file") or {}).get("media_id", "")) not in self.media:
            return BAD_STREAM
        self.pushes.append(body)
        return 0

    async def _ack(self, ws: ServerConnection, rid: str, code: int, body: dict[str, Any] | None = None) -> None:
        ack: dict[str, Any] = {"headers": {"req_id": rid}, "errcode": code, "errmsg": "ok" if code == 0 else "refused"}
        if code == 0 and body is not None:
            ack["body"] = body
        with contextlib.suppress(ConnectionClosed):
            await ws.send(json.dumps(ack))


def text_body(user: str, content: str, *, msgid: str | None = None, group: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {"msgid": msgid or os.urandom(8).hex(), "aibotid": BOT_ID, "chattype": "group" if group else "single",
                            "from": {"userid": user}, "msgtype": "text", "text": {"content": content}}
    if group:
        body["chatid"] = group
    return body


def event_body(user: str, eventtype: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"eventtype": eventtype}
    if data is not None:
        event[eventtype] = data
    return {"msgid": os.urandom(8).hex(), "create_time": int(time.time()), "aibotid": BOT_ID, "chattype": "single",
            "from": {"userid": user}, "msgtype": "event", "event": event}
