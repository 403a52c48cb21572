"""Helpers shared by the CLI commands."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from assistant.settings import Settings


def load_settings() -> Settings:
    """The settings (pydantic-settings takes ~0.2 s to import: only commands that need them pay)."""
    from assistant.settings import Settings

    return Settings()


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
