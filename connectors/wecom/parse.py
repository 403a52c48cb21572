"""Turn a decrypted WeCom message (XML dict) into the inbound record the worker will answer."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from connectors.wecom.crypto import Malformed

UNSUPPORTED_TYPES = {"image", "voice", "video", "location", "link"}
_FILENAME_BAD = re.compile(r"[\\/:*?\"<>|\x00-\x1f\x7f]")
# WeCom's UserID rule: 1-64 of letters, digits and _-@. , starting with a letter, digit or _.
# "a|b" (several recipients) and "@all" (everyone) would turn a reply into a broadcast.
_USERID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_@.\-]{0,63}")


def valid_userid(user: str) -> bool:
    return _USERID.fullmatch(user) is not None


@dataclass(frozen=True)
class InboundMessage:
    key: str  # dedupe key: msg:<MsgId> or evt:<FromUserName>:<CreateTime>
    user_id: str
    kind: str  # text | file | unsupported | welcome
    payload: dict[str, Any] = field(default_factory=dict)


def _text(doc: dict[str, object], name: str) -> str:
    value = doc.get(name)
    return value.strip() if isinstance(value, str) else ""


def sanitize_filename(name: str) -> str:
    """Base name only, no path separators or control characters, at most 100 characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _FILENAME_BAD.sub("_", name).strip(" .")
    if len(name) > 100:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 90] + dot + ext[:9]) if dot else name[:100]
    return name or "未命名文件"


def to_inbound(doc: dict[str, object]) -> InboundMessage | None:
    """None for events the bot does not answer (subscribe, menu clicks …)."""
    user, created = _text(doc, "FromUserName"), _text(doc, "CreateTime")
    msg_type = _text(doc, "MsgType").lower()
    if not user or not msg_type:
        raise Malformed("missing FromUserName/MsgType")
    if not valid_userid(user):
        raise Malformed(f"FromUserName is not a single valid userid (length {len(user)})")
    if msg_type == "event":
        if _text(doc, "Event").lower() != "enter_agent":
            return None
        return InboundMessage(key=f"evt:{user}:{created}", user_id=user, kind="welcome")
    msg_id = _text(doc, "MsgId")
    key = f"msg:{msg_id}" if msg_id else f"evt:{user}:{created}"
    if msg_type == "text":
        return InboundMessage(key=key[:200], user_id=user, kind="text", payload={"text": _text(doc, "Content")})
    if msg_type == "file":
        payload = {"media_id": _text(doc, "MediaId"), "filename": sanitize_filename(_text(doc, "FileName"))}
        return InboundMessage(key=key[:200], user_id=user, kind="file", payload=payload)
    return InboundMessage(key=key[:200], user_id=user, kind="unsupported", payload={"type": msg_type})
