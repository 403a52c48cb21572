"""The fast YAML reader gives the data PyYAML's Python ``safe_load`` gives, for every packaged data file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.yaml_data import safe_load

ROOT = Path(__file__).resolve().parents[1]
PACKAGED = sorted(p for folder in ("assistant", "knowledge", "tools", "connectors") for p in (ROOT / folder).rglob("*.yaml"))


@pytest.mark.parametrize("path", PACKAGED, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_same_data_as_the_python_parser(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert safe_load(text) == yaml.safe_load(text)


def test_bad_yaml_raises_the_same_error_class() -> None:
    with pytest.raises(yaml.YAMLError):
        safe_load("units: [县档案馆\n  - 未闭合")
