"""``create_app(settings)``: the one FastAPI app. Nothing is built at import time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant import __version__
from assistant.api import ask, classify, deadline, docs, duties, feedback, health, period, redact
from assistant.api.limits import BodyLimit, RateLimiter, rate_limit
from assistant.auth.install import install_auth
from assistant.settings import Settings
from connectors.web import apps as web_apps
from connectors.web import documents as web_documents
from connectors.web import gaps as web_gaps
from connectors.web import login as web_login
from connectors.web import router as web_router
from connectors.wecom import router as wecom_router
from connectors.wecom_bot import router as wecom_bot_router
from knowledge.errors import GongkaiError

log = logging.getLogger(__name__)
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_app(settings: Settings | None = None, *, run_worker: bool = True) -> FastAPI:
    """``run_worker=False``: acknowledge WeCom callbacks only; ``gongkai worker`` answers them."""
    from assistant.process import Gongkai

    return Gongkai(settings).app(run_worker=run_worker)


def build_app(settings: Settings, lifespan: Lifespan) -> FastAPI:
    """Routes, middleware (body limit, sign-in) and error handlers; ``lifespan`` comes from the process.

    The seams: ``install_auth`` is where sign-in installs its middleware and dependencies; every /api
    router gets the rate limit as a dependency here.
    """
    # docs_url/redoc_url off: FastAPI's pages load Swagger UI from a CDN; assistant.api.docs serves local copies
    app = FastAPI(title="政务公开助手 gongkai", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.rate_limits = {"ip": RateLimiter(settings.api_rate_per_minute),
                             "member": RateLimiter(settings.member_rate_per_minute)}
    _install_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    install_auth(app, settings)  # outside the body limit: every route below but the public few needs a sign-in
    for module in (health, docs, wecom_router, wecom_bot_router, web_router, web_login, web_apps, web_documents,
                   web_gaps):
        app.include_router(module.router)
    for module in (ask, classify, duties, deadline, period, redact, feedback):
        app.include_router(module.router, dependencies=[Depends(rate_limit)])
    return app


_HTTP_MESSAGES = {
    400: "请求体无法解析（格式错误或嵌套过深），请检查后重试。",
    404: "没有这个页面或接口。",
    405: "该接口不支持这种请求方法。",
    413: "请求内容过大。",
}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(GongkaiError)
    async def _gongkai_error(request: Request, exc: GongkaiError) -> JSONResponse:
        log.info("%s %s -> %s", request.method, request.url.path, type(exc).__name__)
        return JSONResponse({"error": exc.user_message}, status_code=exc.http_status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI's own refusals (unparsable body, unknown path, wrong method) in Chinese like ours
        message = _HTTP_MESSAGES.get(exc.status_code, "请求无法处理，请检查后重试。")
        return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        if any(err.get("type") == "json_invalid" for err in exc.errors()):
            return JSONResponse({"error": "请求体不是有效的 JSON，请检查格式。"}, status_code=400)
        fields = sorted({".".join(str(p) for p in err.get("loc", ())[1:]) for err in exc.errors()})
        return JSONResponse({"error": f"请求参数不正确：{'、'.join(f for f in fields if f) or '请求体'}"}, status_code=422)

    @app.exception_handler(Exception)
    async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s", request.url.path)
        return JSONResponse({"error": "内部错误，请联系管理员查看日志。"}, status_code=500)
