"""The long connection: subscribe, heartbeat, acks by ``req_id``, reconnect with back-off and jitter.

One live connection per bot [V]: when another connection subscribes, WeCom sends this one a
``disconnected_event`` and closes it. That is respected: no reconnect (two instances would take the
bot from each other forever); ``taken_over`` is set and ``run`` returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from connectors.wecom.limiter import backoff
from connectors.wecom_bot import protocol as p

log = logging.getLogger(__name__)

AUTH_TRIES = 5  # the official SDK stops after 5 failed subscribes [C]
Handler = Callable[[dict[str, Any], int], Coroutine[Any, Any, None]]  # (frame, connection generation)


class ConnectionLost(Exception):
    """The frame could not be sent or its ack did not arrive: the connection is gone."""


class BotError(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"errcode {errcode}: {errmsg}")
        self.errcode, self.errmsg = errcode, errmsg


class SubscribeFailed(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"subscribe errcode {errcode}: {errmsg}")
        self.errcode, self.errmsg = errcode, errmsg


async def open_subscribed(url: str, bot_id: str, secret: str, *, timeout: float = 10.0) -> ClientConnection:
    """Connect and subscribe; raises SubscribeFailed (errcode), OSError/InvalidHandshake/TimeoutError."""
    ws = await connect(url, open_timeout=timeout, ping_interval=None, max_size=4 * 1024 * 1024)
    try:
        sub = p.frame(p.SUBSCRIBE, {"bot_id": bot_id, "secret": secret})
        await ws.send(json.dumps(sub, ensure_ascii=False))
        async with asyncio.timeout(timeout):
            while True:
                ack = json.loads(await ws.recv())
                if ack.get("headers", {}).get("req_id") == sub["headers"]["req_id"]:
                    break
        if int(ack.get("errcode", -1)) != 0:
            raise SubscribeFailed(int(ack.get("errcode", -1)), str(ack.get("errmsg", "")))
    except BaseException:
        await ws.close()
        raise
    return ws


class BotConnection:
    def __init__(
        self, *, url: str, bot_id: str, secret: str, on_frame: Handler, heartbeat_seconds: float = 30.0,
        ack_timeout: float = 5.0, backoff_base: float = 1.0, backoff_cap: float = 30.0,
        rng: random.Random | None = None,
    ) -> None:
        self.url, self.bot_id, self._secret = url, bot_id, secret
        self.on_frame = on_frame
        self.heartbeat, self.ack_timeout = heartbeat_seconds, ack_timeout
        self.backoff_base, self.backoff_cap, self.rng = backoff_base, backoff_cap, rng or random.Random()
        self.connected = asyncio.Event()
        self.taken_over = False
        self.generation = 0
        self.reconnects = 0
        self._ws: ClientConnection | None = None
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._stopping = False
        self._stopped = asyncio.Event()

    async def run(self) -> None:
        """Until ``stop`` or a takeover; raises SubscribeFailed after repeated credential refusals."""
        attempt = auth_failures = 0
        while not self._stopping and not self.taken_over:
            try:
                ws = await open_subscribed(self.url, self.bot_id, self._secret, timeout=self.ack_timeout * 2)
            except SubscribeFailed as exc:
                auth_failures += 1
                log.warning("bot subscribe refused: errcode %d (%d/%d)", exc.errcode, auth_failures, AUTH_TRIES)
                if auth_failures >= AUTH_TRIES:
                    raise
            except (OSError, InvalidHandshake, InvalidURI, TimeoutError, ConnectionClosed, ValueError) as exc:
                log.warning("bot connection failed: %s", type(exc).__name__)
            else:
                attempt = auth_failures = 0
                await self._session(ws)
                if self._stopping or self.taken_over:
                    break
            attempt += 1
            self.reconnects += 1
            delay = backoff(attempt, base=self.backoff_base, cap=self.backoff_cap, rng=self.rng)
            log.info("bot reconnecting in %.2f s (attempt %d)", delay, attempt)
            with contextlib.suppress(TimeoutError):  # a stop during the back-off ends it at once
                await asyncio.wait_for(self._stopped.wait(), delay)

    async def _session(self, ws: ClientConnection) -> None:
        self._ws, self.generation = ws, self.generation + 1
        self.connected.set()
        log.warning("bot connected and subscribed (generation %d)", self.generation)
        beat = asyncio.create_task(self._heartbeat(ws))
        try:
            await self._read(ws, self.generation)
        finally:
            self.connected.clear()
            self._ws = None
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
            for future in self._acks.values():
                if not future.done():
                    future.set_exception(ConnectionLost())
            self._acks.clear()
            await ws.close()

    async def _read(self, ws: ClientConnection, generation: int) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for raw in ws:
                try:
                    message = json.loads(raw)
                except ValueError:
                    log.warning("bot: a frame that is not JSON was ignored")
                    continue
                if not isinstance(message, dict):
                    continue
                if "cmd" not in message:  # an ack
                    future = self._acks.pop(str(message.get("headers", {}).get("req_id", "")), None)
                    if future is not None and not future.done():
                        future.set_result(message)
                    continue
                body = message.get("body") or {}
                if (body.get("event") or {}).get("eventtype") == "disconnected_event":
                    log.warning("bot: another connection took over this bot; not reconnecting")
                    self.taken_over = True
                    return
                asyncio.create_task(self.on_frame(message, generation))

    async def _heartbeat(self, ws: ClientConnection) -> None:
        """A ping every ``heartbeat`` seconds; two unanswered in a row mean the connection is dead [C]."""
        missed = 0
        while True:
            await asyncio.sleep(self.heartbeat)
            try:
                await self.request(p.PING, None, timeout=self.heartbeat)
                missed = 0
            except (ConnectionLost, TimeoutError):
                missed += 1
            except BotError:
                missed = 0
            if missed >= 2:
                log.warning("bot: two heartbeats unanswered; reconnecting")
                await ws.close()
                return

    async def request(
        self, cmd: str, body: dict[str, Any] | None, *, rid: str | None = None, timeout: float | None = None,
        generation: int | None = None,
    ) -> dict[str, Any]:
        """Send one frame and wait for its ack; raises ConnectionLost, TimeoutError or BotError (errcode != 0).

        ``generation``: the frame answers a callback of that connection; on another one it is not sent.
        """
        ws = self._ws
        if ws is None or (generation is not None and generation != self.generation):
            raise ConnectionLost()
        out = p.frame(cmd, body, rid=rid)
        key = out["headers"]["req_id"]
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[key] = future
        try:
            await ws.send(json.dumps(out, ensure_ascii=False))
            async with asyncio.timeout(timeout or self.ack_timeout):
                ack = await future
        except ConnectionClosed as exc:
            raise ConnectionLost() from exc
        finally:
            self._acks.pop(key, None)
        if int(ack.get("errcode", 0)) != 0:
            raise BotError(int(ack.get("errcode", -1)), str(ack.get("errmsg", "")))
        return ack

    async def stop(self) -> None:
        self._stopping = True
        self._stopped.set()
        if self._ws is not None:
            await self._ws.close()
