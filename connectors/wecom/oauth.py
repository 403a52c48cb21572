"""WeCom web sign-in: the authorize URLs (网页授权 inside the client, 扫码登录 on a desktop browser) and
``code`` → UserID through ``gettoken`` + ``auth/getuserinfo``. Blocking: call from a worker thread.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.parse
from typing import Any

import httpx

from assistant.settings import Settings
from knowledge.errors import ConfigError, Forbidden, Unauthorized, UpstreamError

log = logging.getLogger(__name__)
_TOKEN_ERRORS = {40001, 40014, 42001}


def in_wecom_client(user_agent: str) -> bool:
    """WeCom's built-in browser says ``wxwork`` in its User-Agent."""
    return "wxwork" in user_agent.lower()


def authorize_url(settings: Settings, *, redirect_uri: str, state: str, in_client: bool) -> str:
    wecom = settings.wecom
    if in_client:  # 网页授权: silent inside the WeCom client (scope snsapi_base gives the UserID)
        query = {"appid": wecom.corp_id, "redirect_uri": redirect_uri, "response_type": "code",
                 "scope": "snsapi_base", "state": state, "agentid": str(wecom.agent_id)}
        return f"{settings.auth.wecom_authorize_url}?{urllib.parse.urlencode(query)}#wechat_redirect"
    query = {"login_type": "CorpApp", "appid": wecom.corp_id, "agentid": str(wecom.agent_id),
             "redirect_uri": redirect_uri, "state": state}
    return f"{settings.auth.wecom_qr_login_url}?{urllib.parse.urlencode(query)}"


class WeComOAuth:
    """Resolves sign-in codes; keeps the app's access_token for its lifetime like the sender does."""

    def __init__(self, settings: Settings) -> None:
        if not settings.wecom.configured:
            raise ConfigError("未配置企业微信，无法用企业微信登录。")
        self.settings = settings
        base = settings.wecom.api_base_url
        self.base = base if base.endswith("/") else base + "/"
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        try:
            response = httpx.get(self.base + path, params=params, timeout=self.settings.wecom.timeout_seconds)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise UpstreamError("暂时无法连接企业微信，请稍后再试。", detail=f"{path} {type(exc).__name__}") from exc
        if not isinstance(data, dict):
            raise UpstreamError("企业微信返回了无法识别的内容，请稍后再试。", detail=path)
        return data

    def _access_token(self, *, refresh: bool = False) -> str:
        with self._lock:
            if self._token and not refresh and self._token[1] > time.monotonic():
                return self._token[0]
            wecom = self.settings.wecom
            data = self._get("gettoken", {"corpid": wecom.corp_id, "corpsecret": wecom.secret.get_secret_value()})
            if data.get("errcode", 0) != 0 or not data.get("access_token"):
                raise UpstreamError("企业微信登录暂不可用，请联系管理员检查应用设置。",
                                    detail=f"gettoken errcode {data.get('errcode')}")
            lifetime = float(data.get("expires_in", 7200)) - 300  # refresh a little early
            self._token = (str(data["access_token"]), time.monotonic() + max(lifetime, 60))
            return self._token[0]

    def user_id(self, code: str) -> str:
        """The member's UserID for a sign-in ``code`` (valid once, for five minutes)."""
        if not code or len(code) > 512:
            raise Unauthorized("登录信息无效，请重新登录。")
        token = self._access_token()
        data = self._get("auth/getuserinfo", {"access_token": token, "code": code})
        if data.get("errcode") in _TOKEN_ERRORS:
            data = self._get("auth/getuserinfo", {"access_token": self._access_token(refresh=True), "code": code})
        errcode = data.get("errcode", 0)
        if errcode != 0:
            log.info("auth/getuserinfo errcode %s", errcode)
            raise Unauthorized("企业微信登录已失效或已使用，请重新登录。")
        user = data.get("userid") or data.get("UserId")
        if not isinstance(user, str) or not user:
            raise Forbidden("只有本单位企业微信成员可以登录。")  # a non-member gets an openid only
        return user
