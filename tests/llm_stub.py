"""A loopback stand-in for an OpenAI-compatible chat endpoint (POST /v1/chat/completions).

Modes: ``answer`` (the fixed ``answer``), ``tool`` (a tool call), ``fail`` (HTTP 500), and three
answers built from the first clause the request gives: ``good`` (its first sentence quoted verbatim,
cited correctly), ``invented`` (the same quote cited as an article that was never given) and
``misquoted`` (the right citation over a sentence that is not in the clause).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class StubState:
    mode: str = "answer"  # answer | tool | fail | good | invented | misquoted
    answer: str = "20个工作日内答复〔《政府信息公开条例》第三十三条〕。"
    tool_call: dict[str, Any] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)


def _completion(message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "stub-model",
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


INVENTED_CITATION = "〔《政府信息公开条例》第九十九条〕"
_CLAUSE = re.compile(r"^\[1\] 《(?P<title>[^》]+)》(?P<section>[^：]*)：(?P<text>.+)$", re.M)


def built_answer(mode: str, prompt: str) -> str:
    """The good / invented / misquoted answer for the clauses in ``prompt``."""
    m = _CLAUSE.search(prompt)
    if m is None:
        return "没有找到相关规定。"
    sentence = re.split(r"(?<=[。；])", m["text"].strip())[0].rstrip("。；")
    citation = f"〔《{m['title']}》{m['section']}〕"
    if mode == "invented":
        citation = INVENTED_CITATION
    if mode == "misquoted":
        sentence = sentence[:2] + "不" + sentence[2:]
    return f"根据规定：“{sentence}”{citation}。"


@contextmanager
def serve_llm(state: StubState) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def do_POST(self) -> None:  # noqa: N802 (http.server naming)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            state.requests.append(body)
            if not self.path.endswith("/chat/completions") or state.mode == "fail":
                self._send(500, {"error": {"message": "boom", "type": "server_error"}})
                return
            if state.mode == "tool":
                call = {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": state.tool_call["name"], "arguments": json.dumps(state.tool_call["args"])},
                }
                msg = {"role": "assistant", "content": None, "tool_calls": [call]}
                self._send(200, _completion(msg, "tool_calls"))
                return
            answer = state.answer
            if state.mode in ("good", "invented", "misquoted"):
                answer = built_answer(state.mode, str(body["messages"][-1]["content"]))
            self._send(200, _completion({"role": "assistant", "content": answer}, "stop"))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
