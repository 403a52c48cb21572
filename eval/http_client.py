"""``gongkai eval --url``: send the same items to a running service's HTTP API (the DESIGN.md contracts)."""

from __future__ import annotations

from typing import Any

import httpx

from assistant.turn import Message
from knowledge.errors import BadInput, UpstreamError

_TOOL_PATHS = {"classify": "/api/classify", "deadline": "/api/deadline"}


class HttpBackend:
    """Talks to ``/api/ask``, ``/api/classify``, ``/api/duties`` and ``/api/deadline`` of ``base_url``."""

    def __init__(self, base_url: str, timeout: float = 60.0, client: httpx.Client | None = None,
                 token: str | None = None) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise BadInput(f"--url 应以 http:// 或 https:// 开头：{base_url}")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = client or httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, headers=headers)

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._send("POST", path, json=body)

    def _send(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise UpstreamError("无法连接被测服务，请确认地址和服务已启动。", detail=type(exc).__name__) from exc
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code >= 400:
            message = data.get("error") if isinstance(data, dict) else None
            raise BadInput(str(message or f"服务返回 HTTP {response.status_code}"))
        if not isinstance(data, dict):
            raise UpstreamError("被测服务返回的不是 JSON 对象。")
        return data

    def ask(self, text: str, today: str | None, history: tuple[Message, ...] = ()) -> dict[str, Any]:
        body: dict[str, Any] = {"question": text, "history": [{"role": m.role, "text": m.text} for m in history]}
        if today:
            body["today"] = today  # ignored by services that do not pin the date
        return self._post("/api/ask", body)

    def tool(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        if name == "duties":  # GET /api/duties?unit=…
            return self._send("GET", "/api/duties", params=args)
        return self._post(_TOOL_PATHS[name], args)

    def pii(self, text: str) -> list[dict[str, Any]]:
        return list(self._post("/api/classify", {"text": text}).get("findings") or [])

    def route_args(self, text: str, today: str | None) -> dict[str, Any] | None:
        return None  # the router is not exposed over HTTP: arguments are checked against the reply's data

    def close(self) -> None:
        self.client.close()
