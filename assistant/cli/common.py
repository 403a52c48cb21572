"""Helpers shared by the CLI commands."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from assistant.settings import Settings


def load_settings() -> Settings:
    """The settings (pydantic-settings takes ~0.2 s to import: only commands that need them pay)."""
    from assistant.settings import Settings
    from knowledge.county import use_county_dir

    settings = Settings()
    use_county_dir(settings.county_path)  # before any command reads units or plans
    return settings


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__", re.S)
_HEADING = re.compile(r"^#{1,6}\s+", re.M)


def plain(text: str) -> str:
    """Terminal text: the Markdown the web page and WeCom render (**bold**, # headings) without its markers."""
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    return _HEADING.sub("", text).replace("**", "")


def first_build_notice(seconds: int) -> None:
    """What a first ``gongkai ask`` in an empty data directory shows while the index is built."""
    click.echo(f"首次使用，正在建立索引（约 {seconds} 秒）…", err=True)
