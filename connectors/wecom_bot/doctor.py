"""``gongkai doctor``'s bot section: the settings of the chosen mode, and for the long connection a real subscribe."""

from __future__ import annotations

import asyncio
import binascii
import time

from websockets.exceptions import InvalidHandshake, InvalidURI, WebSocketException

from assistant.settings import Settings
from connectors.wecom_bot.connection import SubscribeFailed, open_subscribed
from connectors.wecom_bot.crypto import aes_key

Line = tuple[bool | None, str, str]  # (ok / None for information, label, text)


def check_bot(settings: Settings, *, connect: bool = True, timeout: float = 10.0) -> list[Line]:
    cfg = settings.wecom_bot
    if not cfg.configured:
        return [(None, "智能机器人", "未配置（可选；设置 ASSISTANT_WECOM_BOT__BOT_ID 等后启用）")]
    mode = "长连接" if cfg.mode == "long_connection" else "回调"
    lines: list[Line] = [(None, "接收方式", f"{mode}模式（ASSISTANT_WECOM_BOT__MODE={cfg.mode}）")]
    missing = cfg.missing()
    if missing:
        return [*lines, (False, "智能机器人", "以下设置缺失：" + "、".join(missing))]
    if cfg.mode == "callback":
        try:
            aes_key(cfg.encoding_aes_key.get_secret_value())
        except (ValueError, binascii.Error):
            return [*lines, (False, "EncodingAESKey", "格式不对：应为机器人配置页给出的43位字符")]
        return [*lines, (True, "回调设置", "Token 和 EncodingAESKey 格式正确；回调地址为 https://<本服务地址>/wecom/bot/callback"
                                       "（由 gongkai serve 提供，保存时企业微信会校验）")]
    if not connect:
        return [*lines, (None, f"长连接 {cfg.ws_url}", "已跳过连接测试（--no-bot-connect）")]
    return [*lines, probe(cfg.ws_url, cfg.bot_id, cfg.secret.get_secret_value(), timeout=timeout)]


def probe(url: str, bot_id: str, secret: str, *, timeout: float = 10.0) -> Line:
    """Open the socket, subscribe, close: subscribe success or the errcode."""
    label = f"长连接 {url}"
    started = time.perf_counter()

    async def _try() -> None:
        ws = await open_subscribed(url, bot_id, secret, timeout=timeout)
        await ws.close()

    try:
        asyncio.run(_try())
    except SubscribeFailed as exc:
        return False, label, f"订阅失败：errcode {exc.errcode}（{exc.errmsg[:80]}），请核对 BotID 和 Secret"
    except (InvalidURI, ValueError):
        return False, label, "地址格式不对，应以 wss:// 开头"
    except (OSError, TimeoutError, InvalidHandshake, WebSocketException) as exc:
        return False, label, (f"无法连接（{type(exc).__name__}）：请确认本机可以访问外网 {url}（出站 443 端口），"
                              "政务外网需由网络管理员放行")
    ms = (time.perf_counter() - started) * 1000
    return True, label, (f"订阅成功（{ms:.0f} 毫秒）。注意：同一机器人只有一个长连接，"
                         "这次检查会让正在运行的 gongkai bot 断开并停止，检查后请重新启动它")
