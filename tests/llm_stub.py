"""A loopback stand-in for an OpenAI-compatible chat endpoint (POST /v1/chat/completions)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class StubState:
    mode: str = "answer"  # answer | tool | fail
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
            self._send(200, _completion({"role": "assistant", "content": state.answer}, "stop"))

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
