"""The project's one exception hierarchy.

It lives in the bottom package so that every layer (knowledge, tools, assistant, connectors, eval)
can raise it without breaking the import direction. Each error carries a short Simplified Chinese
message meant for the user (``user_message``); the detail for logs goes in ``detail`` and never
contains the user's text or a secret. CLI, HTTP and WeCom each turn these into answers in one place.
"""

from __future__ import annotations


class GongkaiError(Exception):
    """Base class; ``user_message`` is safe to show to a user."""

    exit_code = 1
    http_status = 500
    default_message = "系统内部错误，请稍后再试或联系管理员。"

    def __init__(self, user_message: str | None = None, *, detail: str = "") -> None:
        self.user_message = user_message or self.default_message
        self.detail = detail
        super().__init__(self.user_message)


class BadInput(GongkaiError):
    """The user's input cannot be used (empty, too large, binary, impossible date …)."""

    exit_code = 2
    http_status = 400
    default_message = "输入有误，请检查后重试。"


class TooLarge(BadInput):
    """Input over a size limit."""

    http_status = 413
    default_message = "输入内容过大。"


class NotFound(GongkaiError):
    """A unit, document or record that does not exist."""

    exit_code = 2
    http_status = 404
    default_message = "未找到相关内容。"


class Ambiguous(BadInput):
    """The input matches several things; ``candidates`` lists them so the user can choose."""

    default_message = "输入不够明确，请说明具体指哪一个。"

    def __init__(
        self, user_message: str | None = None, *, candidates: list[str] | None = None, detail: str = ""
    ) -> None:
        super().__init__(user_message, detail=detail)
        self.candidates = candidates or []


class ConfigError(GongkaiError):
    """A setting is missing or wrong (model path, database URL, WeCom credentials …)."""

    exit_code = 2
    http_status = 503
    default_message = "配置有误，请联系管理员检查设置。"


class UpstreamError(GongkaiError):
    """Something outside the process failed (WeCom API, LLM endpoint, database server)."""

    http_status = 502
    default_message = "外部服务暂时不可用，请稍后再试。"


class Busy(GongkaiError):
    """Too much work is already waiting (the heavy-work pool's queue, a rate limit)."""

    http_status = 503
    default_message = "当前处理任务较多，请稍后再试。"


class RateLimited(BadInput):
    """One client sent more requests than its share."""

    http_status = 429
    default_message = "请求过于频繁，请稍后再试。"


class TooSlow(BadInput):
    """One request went past its time or memory budget; the work was stopped."""

    http_status = 422
    default_message = "内容过于复杂，处理超时，请缩短或拆分后再试。"


class Unauthorized(GongkaiError):
    """No valid sign-in (session cookie or API token) or wrong credentials."""

    exit_code = 2
    http_status = 401
    default_message = "请先登录。"


class Forbidden(GongkaiError):
    """Signed in, but the role does not allow this (a member on an admin page, a cross-site request)."""

    exit_code = 2
    http_status = 403
    default_message = "没有权限进行此操作。"


class Throttled(GongkaiError):
    """Too many attempts (e.g. wrong passwords) in a short time."""

    exit_code = 2
    http_status = 429
    default_message = "尝试次数过多，请稍后再试。"
