"""``GET/POST /wecom/bot/callback``: the 智能机器人's callback mode (public: WeCom signs every request)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from connectors.wecom.crypto import CallbackRejected, Replayed
from connectors.wecom_bot.callback import CallbackBot
from connectors.wecom_bot.crypto import random_nonce
from connectors.wecom_bot.protocol import BadBody

log = logging.getLogger(__name__)
router = APIRouter(tags=["wecom"])

PATH = "/wecom/bot/callback"
MAX_BODY_BYTES = 64 * 1024
_MESSAGES = {400: "请求格式有误", 403: "签名或时间戳校验失败", 413: "请求体过大", 503: "智能机器人回调模式未配置"}


def _answer(status: int) -> Response:
    return PlainTextResponse(_MESSAGES.get(status, ""), status_code=status)


def _bot(request: Request) -> CallbackBot | None:
    bot = getattr(request.app.state, "wecom_bot", None)
    return bot if isinstance(bot, CallbackBot) else None


def _params(request: Request) -> tuple[str, str, str]:
    qp = request.query_params
    return qp.get("msg_signature", ""), qp.get("timestamp", ""), qp.get("nonce", "")


@router.get(PATH, response_class=PlainTextResponse)
async def verify_url(request: Request) -> Response:
    """URL verification: the decrypted echostr as the bare body (no quotes, no newline), within 1 s."""
    bot = _bot(request)
    if bot is None:
        return _answer(503)
    try:
        plain = bot.crypto.verify_url(*_params(request), request.query_params.get("echostr", ""))
    except CallbackRejected as exc:
        log.info("bot callback GET rejected: %s", exc)
        return _answer(exc.status)
    return PlainTextResponse(plain)


@router.post(PATH)
async def receive(request: Request) -> Response:
    """A message, event or stream refresh: the encrypted reply, or an empty body."""
    bot = _bot(request)
    if bot is None:
        return _answer(503)
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _answer(413)
    signature, timestamp, nonce = _params(request)
    try:
        doc = bot.crypto.decrypt(body, signature, timestamp, nonce)
        reply = await bot.handle(doc)
    except Replayed:
        return PlainTextResponse("")
    except CallbackRejected as exc:
        log.info("bot callback POST rejected (%d): %s", exc.status, exc)
        return _answer(exc.status)
    except BadBody:
        return _answer(400)
    except SQLAlchemyError:  # not recorded: WeCom's retry must be processed, not taken for a replay
        bot.crypto.release(signature, timestamp, nonce)
        log.exception("bot callback could not be recorded")
        return PlainTextResponse("服务暂时不可用", status_code=503)
    if reply is None:
        return PlainTextResponse("")
    return JSONResponse(bot.crypto.encrypt_reply(reply, nonce or random_nonce()))
