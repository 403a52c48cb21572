"""Fixed reply texts, kept as data in texts.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml


@cache
def texts() -> dict[str, Any]:
    data = yaml.safe_load((Path(__file__).with_name("texts.yaml")).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def text(name: str, **values: str) -> str:
    return str(texts()[name]).format(**values)


def welcome() -> str:
    try:
        from assistant.help import welcome_text  # the router's help module, when present
    except ImportError:
        return text("welcome")
    return welcome_text()


def unsupported(msg_type: str) -> str:
    kind = texts()["unsupported_kinds"].get(msg_type, msg_type)
    return text("unsupported", kind=kind)
