"""Multi-turn context: the one shape of history every channel hands the engine, and its storage.

Every channel (WeCom 自建应用 and 智能机器人, the web page through ``/api/ask``, ``gongkai chat``, the eval
runner) passes history the same way: the engine's own reply text (never a channel's formatting), masked,
the last ``HISTORY_MESSAGES`` messages. ``recent_history`` makes that so whatever a channel sent, so a
follow-up resolves identically everywhere (``assistant.turn.recent_history``, applied by ``Engine.respond``).
Channels load the last ``STATE_MESSAGES``: the engine reads the conversation's state (the unit the user said
they work for) from all of them before it keeps the last ``HISTORY_MESSAGES``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from assistant.storage.records import add_message, ensure_conversation, recent_messages
from assistant.turn import HISTORY_MESSAGES, STATE_MESSAGES, Message, recent_history

__all__ = ["HISTORY_MESSAGES", "STATE_MESSAGES", "load_history", "recent_history", "save_exchange"]


def load_history(session: Session, conversation_id: str, *, limit: int = STATE_MESSAGES) -> tuple[Message, ...]:
    """Earlier messages of the conversation, oldest first, as stored (already masked)."""
    return recent_messages(session, conversation_id, limit=limit)


def save_exchange(
    session: Session, *, conversation_id: str, user_id: str, user_text: str, reply_text: str, channel: str = "wecom"
) -> None:
    """Store the user's message and the reply (the engine's text, not the channel's formatting); both masked."""
    ensure_conversation(session, conversation_id=conversation_id, user_id=user_id, channel=channel)
    add_message(session, conversation_id=conversation_id, role="user", text=user_text)
    add_message(session, conversation_id=conversation_id, role="assistant", text=reply_text)
