"""A lean load-generator client: keep-alive HTTP/1.1 POSTs over raw asyncio streams.

WeCom's servers do not share our CPU, but on this machine the load generator does; httpx costs about
a millisecond of CPU per request, which shows up as queueing in the measured ack latency when 20
requests go out at once. Pre-built request bytes on pooled connections cost a fraction of that.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode, urlsplit

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class CallbackClient:
    """``async with CallbackClient(url, size) as c: status, body = await c.post(path, params, body)``."""

    def __init__(self, base_url: str, size: int, timeout: float = 10.0) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.size, self.timeout = size, timeout
        self._idle: asyncio.Queue[Connection] = asyncio.Queue()

    async def __aenter__(self) -> CallbackClient:
        for _ in range(self.size):
            self._idle.put_nowait(await asyncio.open_connection(self.host, self.port))
        return self

    async def __aexit__(self, *exc: object) -> None:
        while not self._idle.empty():
            self._idle.get_nowait()[1].close()

    def request(self, path: str, params: dict[str, str], body: bytes) -> bytes:
        head = (f"POST {path}?{urlencode(params)} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\n\r\n")
        return head.encode("ascii") + body

    async def acquire(self) -> Connection:
        return await self._idle.get()

    async def send(self, conn: Connection, raw: bytes) -> tuple[int, bytes, Connection]:
        """One request on ``conn``; a connection the server closed while idle is replaced (and used) once."""
        try:
            status, body, close = await asyncio.wait_for(_exchange(conn, raw), self.timeout)
        except _Closed:
            conn[1].close()
            conn = await asyncio.open_connection(self.host, self.port)
            status, body, close = await asyncio.wait_for(_exchange(conn, raw), self.timeout)
        if close:
            conn[1].close()
            conn = await asyncio.open_connection(self.host, self.port)
        return status, body, conn

    def release(self, conn: Connection) -> None:
        self._idle.put_nowait(conn)


class _Closed(Exception):
    """The server had closed the idle connection before reading the request."""


async def _exchange(conn: Connection, raw: bytes) -> tuple[int, bytes, bool]:
    reader, writer = conn
    try:
        writer.write(raw)
        status_line = await reader.readline()
    except ConnectionError as exc:
        raise _Closed() from exc
    if not status_line:
        raise _Closed()
    length, close = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        elif name.strip().lower() == "connection" and value.strip().lower() == "close":
            close = True
    return int(status_line.split()[1]), await reader.readexactly(length), close
