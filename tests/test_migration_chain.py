"""The migrations form one chain: unique revision ids and exactly one head (two engineers adding a
migration at the same time must renumber, or ``alembic upgrade head`` stops working)."""

from __future__ import annotations

import re

from alembic.script import ScriptDirectory

from assistant.storage.db import alembic_config

VERSIONS = alembic_config().get_main_option("script_location") or ""


def test_revision_ids_are_unique_and_there_is_one_head() -> None:
    from pathlib import Path

    files = sorted(Path(VERSIONS, "versions").glob("[0-9]*.py"))
    ids = [re.search(r'^revision = "([^"]+)"', f.read_text(encoding="utf-8"), re.M).group(1) for f in files]  # type: ignore[union-attr]
    assert len(ids) == len(set(ids)), dict(zip([f.name for f in files], ids, strict=True))
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_the_head_read_without_alembic_is_alembics_head() -> None:
    from assistant.storage.db import script_head

    assert script_head() == ScriptDirectory.from_config(alembic_config()).get_current_head()

