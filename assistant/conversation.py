"""Multi-turn context: load a conversation's recent (masked) history and save a new exchange."""

from __future__ import annotations

from sqlalchemy.orm import Session

from assistant.storage.records import add_message, ensure_conversation, recent_messages
from assistant.turn import Message

HISTORY_MESSAGES = 10


def load_history(session: Session, conversation_id: str, *, limit: int = HISTORY_MESSAGES) -> tuple[Message, ...]:
    """Earlier messages of the conversation, oldest first, as stored (already masked)."""
    return recent_messages(session, conversation_id, limit=limit)


def save_exchange(
    session: Session, *, conversation_id: str, user_id: str, user_text: str, reply_text: str, channel: str = "wecom"
) -> None:
    """Store the user's message and the reply; both are masked before they are written."""
    ensure_conversation(session, conversation_id=conversation_id, user_id=user_id, channel=channel)
    add_message(session, conversation_id=conversation_id, role="user", text=user_text)
    add_message(session, conversation_id=conversation_id, role="assistant", text=reply_text)
