"""Fixed reply texts of the bot, kept as data in texts.yaml (the shared ones come from connectors.wecom)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from connectors.wecom.texts import text as shared_text
from connectors.wecom.texts import unsupported, welcome
from knowledge.loaders import file_types_text

__all__ = ["bot_text", "shared_text", "unsupported", "welcome"]


@cache
def _texts() -> dict[str, str]:
    data = yaml.safe_load((Path(__file__).with_name("texts.yaml")).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return {str(k): str(v) for k, v in data.items()}


def bot_text(name: str, **values: str) -> str:
    """A fixed reply; ``{types}`` is always the accepted file types (``knowledge.loaders``)."""
    return _texts()[name].format(types=file_types_text(), **values)
