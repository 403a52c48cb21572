"""A starter county data set for ``gongkai init``: county.yaml and units.yaml for a county of one's own.

The clause vocabulary (collective terms, labels, unit endings) comes from the starter template
(knowledge/sources/county_starter.yaml) with the county's level word (县/市/区/旗) put in; the unit list starts with the townships given and
grows from the plans the county ingests (their units are proposed, see knowledge/proposals.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from knowledge.county import COUNTY_FILE, UNITS_FILE, packaged_dir
from knowledge.errors import BadInput

STARTER_FILE = "county_starter.yaml"
_COUNTY_LEVELS = "县市区旗"
_PREFECTURE_LEVELS = ("自治州", "地区", "州", "市", "盟")
_NAME_MAX = 20


def level_word(name: str, levels: tuple[str, ...] | str, default: str) -> str:
    """The level a name ends with (某某县 → 县, 某某自治州 → 州, 某某市 → 市)."""
    for level in levels:
        if name.endswith(level):
            return "州" if level == "自治州" else level
    return default


def starter_county(county: str, prefecture: str) -> dict[str, Any]:
    """county.yaml's content for a new county (pure over the starter template)."""
    template: dict[str, Any] = yaml.safe_load((packaged_dir() / STARTER_FILE).read_text(encoding="utf-8"))
    own = level_word(county, _COUNTY_LEVELS, "县")
    upper = level_word(prefecture, _PREFECTURE_LEVELS, "州") if prefecture else ""
    short = county[: -len(own)] if county.endswith(own) and len(county) > len(own) + 1 else ""

    def fill(items: list[str]) -> list[str]:
        return [str(item).replace("{level}", own) for item in items]

    return {
        "county": county,
        "county_aliases": [short] if short else [],
        "prefecture": prefecture,
        "prefecture_aliases": [],
        "county_prefix": own,
        "prefecture_prefix": upper,
        "collectives": {"department": fill(template["collectives"]["department"]),
                        "township": fill(template["collectives"]["township"])},
        "lead_labels": fill(template["lead_labels"]),
        "unit_labels": fill(template["unit_labels"]),
        "unit_endings": fill(template["unit_endings"]),
        "township_endings": fill(template["township_endings"]),
        "plan": "",
    }


def starter_units(townships: list[str], endings: list[str]) -> dict[str, Any]:
    """units.yaml's content: the townships' governments (凤羽镇 → 凤羽镇人民政府, aliases 凤羽镇, 凤羽)."""
    units = []
    for town in dict.fromkeys(t.strip() for t in townships if t.strip()):
        if not town.endswith(tuple(endings)):
            raise BadInput(f"镇乡名“{town[:_NAME_MAX]}”应以“{'”或“'.join(endings)}”结尾，例如：桃源镇。")
        aliases = [town] + ([town[:-1]] if len(town) > 2 else [])
        units.append({"name": f"{town}人民政府", "kind": "township", "aliases": aliases})
    return {"units": units, "absent": []}


def write_starter(directory: Path, *, county: str, prefecture: str, townships: list[str], force: bool) -> Path:
    """Write county.yaml and units.yaml into ``directory``; refuses to overwrite unless ``force``."""
    county, prefecture = county.strip(), prefecture.strip()
    if not county or len(county) > _NAME_MAX or len(prefecture) > _NAME_MAX:
        raise BadInput(f"请给出县名（{_NAME_MAX}字以内），例如：gongkai init --county 某某县 --prefecture 某某州")
    if (directory / COUNTY_FILE).exists() and not force:
        raise BadInput(f"{directory} 中已有县情数据；要覆盖请加 --force。")
    data = starter_county(county, prefecture)
    units = starter_units(townships, data["township_endings"])
    directory.mkdir(parents=True, exist_ok=True)
    header = f"# {county}的县情数据（gongkai init 生成，可直接编辑）。各字段的含义见安装包内置示例的 county.yaml。\n"
    (directory / COUNTY_FILE).write_text(header + _dump(data), encoding="utf-8")
    units_header = "# 单位清单：name 全称、kind（department/township/enterprise）、aliases 简称。导入方案后用\n" \
                   "# gongkai units proposals 查看方案中出现的新单位，确认后即加入。\n"
    (directory / UNITS_FILE).write_text(units_header + _dump(units), encoding="utf-8")
    return directory


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
