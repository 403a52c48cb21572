"""Typed FastAPI dependencies: everything a handler needs comes from ``app.state`` through here."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.engine import Engine
from assistant.pool import HeavyPool
from assistant.settings import Settings


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _pool(request: Request) -> HeavyPool:
    pool: HeavyPool = request.app.state.pool
    return pool


EngineDep = Annotated[Engine, Depends(_engine)]
PoolDep = Annotated[HeavyPool, Depends(_pool)]
SettingsDep = Annotated[Settings, Depends(_settings)]
