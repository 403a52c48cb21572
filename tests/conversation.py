"""A conversation put to an engine turn by turn, each turn with the history before it, as the channels send it."""

from __future__ import annotations

from assistant.engine import Engine
from assistant.turn import Message, Turn


def talk(engine: Engine, *texts: str) -> tuple[tuple[Message, ...], str]:
    """The history after the last turn and the last reply."""
    history: tuple[Message, ...] = ()
    reply = ""
    for text in texts:
        reply = engine.respond(Turn(text=text, history=history)).text
        history += (Message("user", text), Message("assistant", reply))
    return history, reply
