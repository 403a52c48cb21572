"""``GET/POST /wecom/callback``: verify, decrypt, record (dedupe), answer 200 "" at once.

The answer itself is produced by the worker and delivered through ``message/send`` (WeCom retries
any callback that gets no HTTP 200 within 5 seconds, so nothing slow happens here).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from connectors.wecom.crypto import CallbackRejected, Replayed, parse_xml
from connectors.wecom.parse import to_inbound
from connectors.wecom.service import WeComService

log = logging.getLogger(__name__)
router = APIRouter(tags=["wecom"])

MAX_BODY_BYTES = 64 * 1024
_MESSAGES = {400: "请求格式有误", 403: "签名或时间戳校验失败", 413: "请求体过大", 503: "企业微信未配置"}


class _TooLarge(Exception):
    pass


def _answer(status: int) -> Response:
    return PlainTextResponse(_MESSAGES.get(status, ""), status_code=status)


def _service(request: Request) -> WeComService | None:
    return getattr(request.app.state, "wecom", None)


def _params(request: Request) -> tuple[str, str, str]:
    qp = request.query_params
    return qp.get("msg_signature", ""), qp.get("timestamp", ""), qp.get("nonce", "")


@router.get("/wecom/callback", response_class=PlainTextResponse)
async def verify_url(request: Request) -> Response:
    """URL verification: return the decrypted echostr as the plain body."""
    service = _service(request)
    if service is None:
        return _answer(503)
    try:
        plain = service.verifier.verify_url(*_params(request), request.query_params.get("echostr", ""))
    except CallbackRejected as exc:
        log.info("callback GET rejected: %s", exc)
        return _answer(exc.status)
    return PlainTextResponse(plain)


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _TooLarge()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise _TooLarge()
    return bytes(body)


@router.post("/wecom/callback", response_class=PlainTextResponse)
async def receive(request: Request) -> Response:
    """An encrypted message or event: 200 "" once it is safely queued (or was already)."""
    service = _service(request)
    if service is None:
        return _answer(503)
    service.callbacks_in_progress += 1
    try:
        return await _receive(request, service)
    finally:
        service.callbacks_in_progress -= 1


async def _receive(request: Request, service: WeComService) -> Response:
    try:
        body = await _read_body(request)
        decrypted = service.verifier.decrypt(body, *_params(request))
        message = to_inbound(parse_xml(decrypted))
    except _TooLarge:
        return _answer(413)
    except Replayed:
        log.info("callback replay ignored")
        return PlainTextResponse("")
    except CallbackRejected as exc:
        log.info("callback POST rejected (%d): %s", exc.status, exc)
        return _answer(exc.status)
    if message is None:
        return PlainTextResponse("")
    try:
        await service.accept(message)
    except SQLAlchemyError:
        # Not 200: WeCom will deliver the message again once the database is back; that retry
        # carries the same signature, so it must not be mistaken for a replay.
        service.verifier.release(*_params(request))
        log.exception("could not record inbound message")
        return PlainTextResponse("服务暂时不可用", status_code=503)
    return PlainTextResponse("")
