"""Fixed reply texts, kept as data in texts.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from knowledge.loaders import file_types_text, size_text


@cache
def texts() -> dict[str, Any]:
    data = yaml.safe_load((Path(__file__).with_name("texts.yaml")).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def text(name: str, **values: str) -> str:
    """A fixed reply; ``{types}`` is always the accepted file types (``knowledge.loaders``)."""
    return str(texts()[name]).format(types=file_types_text(), **values)


def welcome() -> str:
    try:
        from assistant.help import welcome_text  # the router's help module, when present
    except ImportError:
        return text("welcome")
    return welcome_text()


def unsupported(msg_type: str, *, max_file_bytes: int) -> str:
    kind = texts()["unsupported_kinds"].get(msg_type, msg_type)
    return text("unsupported", kind=kind, mb=size_text(max_file_bytes))
