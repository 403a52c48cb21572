"""Helpers shared by the CLI commands."""

from __future__ import annotations

import json
from typing import Any

import click

from assistant.settings import Settings


def load_settings() -> Settings:
    return Settings()


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
