"""The 帮助 text and the welcome text shown when a user opens the assistant in WeCom."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml


@cache
def _texts() -> dict[str, str]:
    data: dict[str, str] = yaml.safe_load(
        resources.files("assistant").joinpath("help.yaml").read_text(encoding="utf-8")
    )
    return data


def help_text() -> str:
    """What the assistant can do, with one example per capability and the slash commands."""
    return _texts()["help"].strip()


def welcome_text() -> str:
    """A short greeting for the enter_agent event."""
    return _texts()["welcome"].strip()
