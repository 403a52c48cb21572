"""``message/send`` and ``media/get`` through wechatpy's ``WeChatClient``, pointed at settings' API base.

wechatpy 1.8.18 quirks handled here: ``fetch_access_token`` and ``media.download`` hard-code
qyapi.weixin.qq.com and send no timeout; its auto-retry on token errors can loop. So the subclass
builds the token URL from ``API_BASE_URL``, auto-retry is off, and a token error refreshes the token
once (serialised) before one more try. Blocking: call these from a worker thread.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from wechatpy.enterprise import WeChatClient
from wechatpy.exceptions import WeChatClientException

from connectors.wecom.parse import valid_userid
from knowledge.errors import BadInput, TooLarge, UpstreamError

TOKEN_ERRORS = {40001, 40014, 42001}
RATE_LIMITED = 45009
NETWORK_ERROR = "network"
# Errors no retry can fix until an administrator acts: 60020 the server's IP is not in the app's
# trusted IPs, 40013 wrong corp id, 40056/40057 wrong agent id, 48002 API not allowed, 60011 no
# permission. Delivery pauses on them (nothing is dropped) and resumes once they stop.
CONFIG_ERRORS = {60020, 40013, 40056, 40057, 48002, 60011}


class _Client(WeChatClient):  # type: ignore[misc]
    def __init__(self, corp_id: str, secret: str, *, base_url: str, timeout: float) -> None:
        super().__init__(corp_id, secret, timeout=timeout, auto_retry=False)
        self.API_BASE_URL = base_url if base_url.endswith("/") else base_url + "/"

    def fetch_access_token(self) -> dict[str, Any]:
        res = self._http.get(
            self.API_BASE_URL + "gettoken",
            params={"corpid": self.corp_id, "corpsecret": self.secret},
            timeout=self.timeout,
        )
        res.raise_for_status()
        result: dict[str, Any] = res.json()
        if result.get("errcode", 0) != 0:
            raise WeChatClientException(result.get("errcode"), result.get("errmsg"), client=self, response=res)
        expires_in = int(result.get("expires_in", 7200))
        self.session.set(self.access_token_key, result["access_token"], expires_in)
        self.expires_at = int(time.time()) + expires_in
        return result


@dataclass(frozen=True)
class SendOutcome:
    ok: bool
    retryable: bool = True
    error: str = ""
    rate_limited: bool = False
    maybe_sent: bool = False  # no errcode came back (timeout, 5xx): WeCom may have delivered it
    config_error: bool = False  # pause delivery and tell the administrator


class WeComApi:
    def __init__(self, *, corp_id: str, secret: str, agent_id: int, base_url: str, timeout: float) -> None:
        self.agent_id = agent_id
        self.client = _Client(corp_id, secret, base_url=base_url, timeout=timeout)
        self._token_lock = threading.Lock()

    def _token(self) -> str:
        with self._token_lock:
            return str(self.client.access_token)

    def _refresh(self, stale: str) -> None:
        with self._token_lock:  # one refresh even when many threads saw the same stale token
            if self.client.session.get(self.client.access_token_key) == stale:
                self.client.fetch_access_token()

    def _with_token(self, call: Any) -> Any:
        token = self._token()
        try:
            return call(token)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            self._refresh(token)
            return call(self._token())

    def send(self, user_id: str, payload: dict[str, str], *, plain_until: float = 0.0,
             dedupe_seconds: int = 14400) -> SendOutcome:
        """Deliver one text/markdown message; never raises.

        A POST that starts before ``plain_until`` (a ``time.monotonic()`` value) goes as a first send,
        without WeCom's duplicate check, so a member who asks the same question twice gets two
        answers. Any later POST (or any, with the default 0) sets ``enable_duplicate_check``: WeCom
        drops it if the same content reached the member within ``dedupe_seconds`` (at most 4 hours).
        The decision is taken right before each POST, after any wait for the token, so time lost in
        this call counts against the caller's window.
        """
        if not valid_userid(user_id):  # never a list ("a|b") or "@all": one reply, one member
            return SendOutcome(False, False, "invalid touser")
        msgtype = payload.get("msgtype", "text")
        if msgtype == "file":  # a file uploaded by upload_media: {"msgtype": "file", "file": {"media_id": …}}
            msg: dict[str, Any] = {"msgtype": "file", "file": {"media_id": payload["media_id"]}, "safe": 0}
        else:
            msg = {msgtype: {"content": payload["content"]}, "msgtype": msgtype}
        interval = max(1, min(14400, dedupe_seconds))

        def _call(token: str) -> Any:
            data = {"touser": user_id, "agentid": self.agent_id, **msg}
            if time.monotonic() >= plain_until:
                data.update(enable_duplicate_check=1, duplicate_check_interval=interval)
            return self.client.post("message/send", data=data, params={"access_token": token})

        try:
            self._with_token(_call)
        except WeChatClientException as exc:
            return _failed(exc.errcode)
        except (requests.RequestException, ValueError) as exc:
            return SendOutcome(False, True, f"{NETWORK_ERROR} {type(exc).__name__}", maybe_sent=True)
        return SendOutcome(True)

    def upload_media(self, filename: str, data: bytes, content_type: str) -> str:
        """``media/upload?type=file`` (multipart field ``media``); the temporary media_id (valid 3 days).

        Not in shared/reference/wecom.md: the endpoint, the ``media`` field and the ``media_id`` answer
        follow WeCom's 上传临时素材 page as wechatpy 1.8.18 (``WeChatMedia.upload``) implements it.
        """

        def _call(token: str) -> Any:
            return self.client.post("media/upload", params={"access_token": token, "type": "file"},
                                    files={"media": (filename, data, content_type)})

        try:
            result = self._with_token(_call)
        except WeChatClientException as exc:
            raise UpstreamError("发送删减后的文件失败，请稍后重试。", detail=f"media/upload errcode {exc.errcode}") from exc
        except (requests.RequestException, ValueError) as exc:
            raise UpstreamError("发送删减后的文件失败，请稍后重试。", detail=type(exc).__name__) from exc
        media_id = result.get("media_id") if isinstance(result, dict) else None
        if not media_id:
            raise UpstreamError("发送删减后的文件失败，请稍后重试。", detail="media/upload without media_id")
        return str(media_id)

    def download_media(self, media_id: str, *, max_bytes: int) -> bytes:
        """``media/get`` with a timeout and a size cap; a JSON errcode body (HTTP 200) is an error."""

        def _call(token: str) -> bytes:
            url = self.client.API_BASE_URL + "media/get"
            params = {"access_token": token, "media_id": media_id}
            with self.client._http.get(url, params=params, timeout=self.client.timeout, stream=True) as res:
                res.raise_for_status()
                if "json" in res.headers.get("Content-Type", "") or "text/plain" in res.headers.get("Content-Type", ""):
                    _raise_errcode(res.content[:4096])
                length = int(res.headers.get("Content-Length") or 0)
                if length > max_bytes:
                    raise TooLarge(f"文件超过{max_bytes // (1024 * 1024)}MB，请压缩或分拆后再发。")
                return _read_capped(res, max_bytes)

        try:
            return bytes(self._with_token(_call))
        except WeChatClientException as exc:
            raise UpstreamError("获取文件失败，请稍后重新发送。", detail=f"media/get errcode {exc.errcode}") from exc
        except requests.RequestException as exc:
            raise UpstreamError("获取文件失败，请稍后重新发送。", detail=type(exc).__name__) from exc


def _failed(code: Any) -> SendOutcome:
    if code is None:  # an HTTP error status: it may have been processed before the error
        return SendOutcome(False, True, "HTTP error", maybe_sent=True)
    if code == RATE_LIMITED:
        return SendOutcome(False, True, f"errcode {code}", rate_limited=True)
    if code in CONFIG_ERRORS:
        return SendOutcome(False, True, f"errcode {code}", config_error=True)
    retryable = code in TOKEN_ERRORS or code == -1  # -1: system busy
    return SendOutcome(False, retryable, f"errcode {code}")


def _raise_errcode(body: bytes) -> None:
    try:
        result = json.loads(body.decode("utf-8", "replace"))
    except ValueError as exc:
        raise BadInput("文件内容无法识别。", detail="media/get non-file body") from exc
    code = result.get("errcode") if isinstance(result, dict) else None
    raise WeChatClientException(code if code is not None else -1, str(result.get("errmsg", "")) if isinstance(result, dict) else "")


def _read_capped(res: requests.Response, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    for chunk in res.iter_content(64 * 1024):
        total += len(chunk)
        if total > max_bytes:
            raise TooLarge(f"文件超过{max_bytes // (1024 * 1024)}MB，请压缩或分拆后再发。")
        chunks.append(chunk)
    return b"".join(chunks)
