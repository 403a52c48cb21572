"""Typed FastAPI dependencies: everything a handler needs comes from ``app.state`` through here."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.engine import Engine
from assistant.settings import Settings


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


EngineDep = Annotated[Engine, Depends(_engine)]
SettingsDep = Annotated[Settings, Depends(_settings)]
