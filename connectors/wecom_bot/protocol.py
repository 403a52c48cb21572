"""The 智能机器人 wire format, shared by both modes: commands, frames, and the inbound body as data.

Facts and their markers are in ../shared/reference/wecom-aibot.md; the ones this module relies on:
frames are ``{"cmd", "headers": {"req_id"}, "body"}``, acks echo ``req_id`` and carry ``errcode`` but
no ``cmd``; a group message carries ``chatid``; an @-mention is literal text; ``content`` of a stream
frame replaces what the user sees and is at most 20480 UTF-8 bytes.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from typing import Any

SUBSCRIBE = "aibot_subscribe"
PING = "ping"
MSG_CALLBACK = "aibot_msg_callback"
EVENT_CALLBACK = "aibot_event_callback"
RESPOND_MSG = "aibot_respond_msg"
RESPOND_WELCOME = "aibot_respond_welcome_msg"
RESPOND_UPDATE = "aibot_respond_update_msg"
SEND_MSG = "aibot_send_msg"

MAX_CONTENT_BYTES = 20480
MAX_FEEDBACK_ID_BYTES = 256
STREAM_EXPIRED = 846608  # [C] the official plugin's code for an update after the 6-minute window
INVALID_REQ_ID = 846605  # [C] a req_id used with the wrong command (or, we assume, a dead connection)
TRUNCATED_NOTE = "\n\n（内容过长，后文已省略。）"

# An @-mention is plain text: at the start or after a space ("@政务公开助手 …"), or trailing ("…@助手 ").
_LEADING_MENTION = re.compile(r"(?<!\S)@\S+\s*")
_TRAILING_MENTION = re.compile(r"@[^\s@.]+\s*$")  # no dot: "a@b.gov.cn" is an address, not a mention


def req_id(cmd: str) -> str:
    """``{cmd}_{ms}_{8hex}`` as the official SDK builds them."""
    return f"{cmd}_{int(time.time() * 1000)}_{os.urandom(4).hex()}"


def new_stream_id() -> str:
    return "s" + os.urandom(12).hex()


def frame(cmd: str, body: dict[str, Any] | None = None, *, rid: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"cmd": cmd, "headers": {"req_id": rid or req_id(cmd)}}
    if body is not None:
        out["body"] = body
    return out


def utf8_cap(text: str, limit: int = MAX_CONTENT_BYTES) -> str:
    """``text`` if it fits in ``limit`` bytes, else its head (on a character boundary) and a note."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len(TRUNCATED_NOTE.encode("utf-8"))
    head = text.encode("utf-8")[:room].decode("utf-8", "ignore")
    return head.rstrip() + TRUNCATED_NOTE


def stream_body(stream_id: str, content: str, *, finish: bool, feedback_id: str = "") -> dict[str, Any]:
    stream: dict[str, Any] = {"id": stream_id, "finish": finish, "content": utf8_cap(content)}
    if feedback_id:  # first frame only [V]
        stream["feedback"] = {"id": feedback_id[:MAX_FEEDBACK_ID_BYTES]}
    return {"msgtype": "stream", "stream": stream}


def markdown_body(content: str) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"content": utf8_cap(content)}}


def text_body(content: str) -> dict[str, Any]:
    return {"msgtype": "text", "text": {"content": utf8_cap(content)}}


def strip_mentions(text: str) -> tuple[str, bool]:
    """The text without @-mentions, and whether there was one."""
    stripped, leading = _LEADING_MENTION.subn("", text)
    stripped, trailing = _TRAILING_MENTION.subn("", stripped)
    return stripped.strip(), bool(leading or trailing)


@dataclass(frozen=True)
class BotMessage:
    """One inbound callback body (message or event), already parsed."""

    msgid: str
    user_id: str
    chat_type: str  # single | group
    chat_id: str  # group chats only; "" in a single chat
    msgtype: str  # text | mixed | voice | file | image | video | stream | event
    text: str = ""  # text/mixed/voice content with mentions stripped
    mentioned: bool = False
    file: dict[str, str] = field(default_factory=dict)  # {"url", "aeskey"?}
    event: str = ""  # enter_chat | feedback_event | template_card_event | disconnected_event
    event_data: dict[str, Any] = field(default_factory=dict)
    stream_id: str = ""  # a stream refresh (callback mode)
    response_url: str = ""

    @property
    def group(self) -> bool:
        return self.chat_type == "group"

    @property
    def push_target(self) -> tuple[str, int]:
        """(chatid, chat_type) for ``aibot_send_msg``: the group, or the member's single chat."""
        return (self.chat_id, 2) if self.group else (self.user_id, 1)


class BadBody(ValueError):
    """A callback body without the fields every message has."""


def _content(body: dict[str, Any]) -> str:
    msgtype = body.get("msgtype")
    if msgtype == "text":
        return str((body.get("text") or {}).get("content", ""))
    if msgtype == "voice":
        return str((body.get("voice") or {}).get("content", ""))
    if msgtype == "mixed":
        items = (body.get("mixed") or {}).get("msg_item") or []
        return "".join(str((i.get("text") or {}).get("content", "")) for i in items if i.get("msgtype") == "text")
    return ""


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_body(body: Any) -> BotMessage:
    """A message or event body as WeCom sends it (the same in both modes); raises BadBody."""
    if not isinstance(body, dict):
        raise BadBody("body is not an object")
    sender = _obj(body.get("from"))
    user, msgtype = str(sender.get("userid", "")), str(body.get("msgtype", ""))
    chat_type = "group" if body.get("chattype") == "group" else "single"
    chat_id = str(body.get("chatid", "")) if chat_type == "group" else ""
    event = _obj(body.get("event"))
    event_type = str(event.get("eventtype", ""))
    msgid = str(body.get("msgid", "")) or (f"evt:{user}:{body.get('create_time', '')}:{event_type}" if event_type else "")
    if not msgtype or (not user and event_type != "disconnected_event") or len(user) > 128 or len(msgid) > 200:
        raise BadBody("missing from.userid / msgtype")
    text, mentioned = strip_mentions(_content(body))
    file = _obj(body.get("file"))
    return BotMessage(
        msgid=msgid, user_id=user, chat_type=chat_type, chat_id=chat_id, msgtype=msgtype, text=text,
        mentioned=mentioned, file={k: str(v) for k, v in file.items() if k in ("url", "aeskey")},
        event=event_type, event_data=_obj(event.get(event_type)) if event_type else {},
        stream_id=str(_obj(body.get("stream")).get("id", "")) if msgtype == "stream" else "",
        response_url=str(body.get("response_url", "")),
    )
