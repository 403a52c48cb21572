"""Temporary media over the long connection: ``aibot_upload_media_init`` / ``_chunk`` / ``_finish`` -> media_id.

Chunks are at most 512 KB raw, at most 100 [V]. Whether ``chunk_index`` counts from 0 or 1 is
unresolved [?] (the doc's example and the SDK's type comment say 1, the SDK's code and two other
clients send 0): the upload tries 0 first and, if WeCom refuses it, once more from 1.
"""

from __future__ import annotations

import base64
import hashlib
import logging

from connectors.wecom_bot.connection import BotConnection, BotError

log = logging.getLogger(__name__)

UPLOAD_INIT = "aibot_upload_media_init"
UPLOAD_CHUNK = "aibot_upload_media_chunk"
UPLOAD_FINISH = "aibot_upload_media_finish"
CHUNK_BYTES = 512 * 1024
MAX_CHUNKS = 100


async def upload_file(conn: BotConnection, filename: str, data: bytes) -> str:
    """The media_id (valid 3 days) of ``data`` uploaded as a file; raises BotError, ConnectionLost, TimeoutError."""
    chunks = [data[i:i + CHUNK_BYTES] for i in range(0, len(data), CHUNK_BYTES)] or [b""]
    if len(chunks) > MAX_CHUNKS:
        raise BotError(-1, "file too large for 100 chunks")
    try:
        return await _upload(conn, filename, data, chunks, first_index=0)
    except BotError as exc:
        log.info("bot upload from chunk 0 refused (errcode %d); trying from chunk 1", exc.errcode)
        return await _upload(conn, filename, data, chunks, first_index=1)


async def _upload(conn: BotConnection, filename: str, data: bytes, chunks: list[bytes], *, first_index: int) -> str:
    init = await conn.request(UPLOAD_INIT, {
        "type": "file", "filename": filename, "total_size": len(data), "total_chunks": len(chunks),
        "md5": hashlib.md5(data).hexdigest(),  # noqa: S324 - an integrity check WeCom asks for, not security
    })
    upload_id = str((init.get("body") or {}).get("upload_id", ""))
    if not upload_id:
        raise BotError(-1, "no upload_id")
    for i, chunk in enumerate(chunks):
        await conn.request(UPLOAD_CHUNK, {"upload_id": upload_id, "chunk_index": i + first_index,
                                          "base64_data": base64.b64encode(chunk).decode()})
    done = await conn.request(UPLOAD_FINISH, {"upload_id": upload_id})
    media_id = str((done.get("body") or {}).get("media_id", ""))
    if not media_id:
        raise BotError(-1, "no media_id")
    return media_id
