"""Run eval items through the same paths users take, and grade them.

qa / out_of_scope / intent → ``Engine.respond`` (intent arguments also read from ``assistant.router.route``);
conversation → ``Engine.respond`` turn by turn, earlier exchanges fed back as history the way the WeCom
channel stores and reloads them (masked, the last ``STATE_MESSAGES``), the last reply graded;
classify / duties / deadline → the engine's own toolbox (the tools ``Engine.respond`` calls);
pii → ``tools.pii.find_pii`` (what storage, logging and the classify tool use).
``HttpBackend`` (eval/http_client.py) sends the same items to a running service instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import date
from typing import Any, Protocol

from assistant.conversation import STATE_MESSAGES
from assistant.engine import Engine
from assistant.router import route
from assistant.turn import Message, Turn
from eval import answers, grading
from eval.grading import ItemResult
from eval.items import Item
from knowledge.errors import GongkaiError
from tools.pii import find_pii, mask_text

log = logging.getLogger(__name__)


class Backend(Protocol):
    def ask(self, text: str, today: str | None, history: tuple[Message, ...] = ()) -> dict[str, Any]: ...
    def tool(self, name: str, args: dict[str, Any]) -> dict[str, Any]: ...
    def pii(self, text: str) -> list[dict[str, Any]]: ...
    def route_args(self, text: str, today: str | None) -> dict[str, Any] | None: ...


def _day(today: str | None) -> date | None:
    return date.fromisoformat(today) if today else None


class LocalBackend:
    """In-process: the engine built by ``assistant.factory.build_engine``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def ask(self, text: str, today: str | None, history: tuple[Message, ...] = ()) -> dict[str, Any]:
        turn = Turn(text=text, user_id="eval", conversation_id="eval" if history else None, history=history,
                    today=_day(today))
        return self.engine.respond(turn).as_dict()

    def tool(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        return self.engine.toolbox.run(name, args).data

    def pii(self, text: str) -> list[dict[str, Any]]:
        return [asdict(f) for f in find_pii(text)]

    def route_args(self, text: str, today: str | None) -> dict[str, Any] | None:
        turn = Turn(text=text, user_id="eval", today=_day(today))
        intent = route(turn, units=self.engine.toolbox.ctx.units, today=turn.today or self.engine.toolbox.ctx.today())
        return None if intent is None else dict(intent.args)


def run_item(item: Item, backend: Backend) -> ItemResult:
    """One item, timed; an error the user would see becomes the item's answer, never a crash."""
    started = time.perf_counter()
    try:
        result = _dispatch(item, backend)
    except GongkaiError as exc:
        result = _failed(item, exc.user_message)
    except Exception as exc:  # one broken item must not stop a trainer's whole run
        log.error("eval item %s failed: %s", item.id, type(exc).__name__)
        log.debug("eval item %s traceback", item.id, exc_info=True)
        result = _failed(item, f"内部错误：{type(exc).__name__}")
    result.latency_ms = (time.perf_counter() - started) * 1000
    return result


def _dispatch(item: Item, backend: Backend) -> ItemResult:
    d = item.data
    if item.kind == "qa":
        return answers.grade_answer(item, backend.ask(d["question"], d.get("today")))
    if item.kind == "out_of_scope":
        return answers.grade_oos(item, backend.ask(d["question"], d.get("today")))
    if item.kind == "conversation":
        return answers.grade_conversation(item, converse(backend, [str(t) for t in d["turns"]], d.get("today")))
    if item.kind == "intent":
        reply = backend.ask(d["message"], d.get("today"))
        return grading.grade_intent(item, reply, backend.route_args(d["message"], d.get("today")))
    if item.kind == "classify":
        return grading.grade_classify(item, backend.tool("classify", {"text": d["text"]}))
    if item.kind == "pii":
        return grading.grade_pii(item, backend.pii(d["text"]))
    if item.kind == "duties":
        return grading.grade_duties(item, backend.tool("duties", {"unit": d["unit"]}))
    return grading.grade_deadline(item, backend.tool("deadline", dict(d["input"])))


def converse(backend: Backend, turns: list[str], today: str | None) -> dict[str, Any]:
    """Send the turns one by one; returns the last reply. History is what a channel would reload."""
    history: tuple[Message, ...] = ()
    reply: dict[str, Any] = {}
    for text in turns:
        reply = backend.ask(text, today, history)
        exchange = (Message("user", mask_text(text)), Message("assistant", mask_text(str(reply.get("answer", "")))))
        history = (history + exchange)[-STATE_MESSAGES:]
    return reply


def _failed(item: Item, message: str) -> ItemResult:
    return ItemResult(id=item.id, kind=item.kind, set_name=item.set_name, group=item.group, prompt=item.prompt,
                      passed=False, expected=_expected_view(item), got=None, error=message, split=item.split)


def _expected_view(item: Item) -> Any:
    keys = ("key_facts", "source", "expect", "expected", "expected_sections", "expected_tool", "expected_args", "redact", "spans")
    return {k: item.data[k] for k in keys if k in item.data}


def run_items(items: Iterable[Item], backend: Backend,
              on_done: Callable[[ItemResult], None] | None = None) -> list[ItemResult]:
    results = []
    for item in items:
        result = run_item(item, backend)
        results.append(result)
        if on_done is not None:
            on_done(result)
    return results
