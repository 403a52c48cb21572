"""The county a data set describes: its names, its plan vocabulary and where its data files live.

A county data folder holds ``county.yaml`` (names, collective terms, clause labels), ``units.yaml``
(the unit registry) and optionally the built-in plan (``plan.txt``). The packaged folder
(knowledge/sources) is the default; ``use_county_dir`` points the process at another one (the
settings' ``county_dir``, written by ``gongkai init``). Nothing else in the code names a county.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml

from knowledge.errors import ConfigError
from knowledge.yaml_data import safe_load

COUNTY_FILE, UNITS_FILE = "county.yaml", "units.yaml"
_active: list[Path | None] = [None]
_clearers: list[Callable[[], None]] = []
F = TypeVar("F", bound=Callable[..., Any])


def county_cache(fn: F) -> F:
    """``functools.cache`` for a value derived from the active county's data: forgotten when the process
    is pointed at another county data folder (a process normally never is; tests are)."""
    cached = cache(fn)
    _clearers.append(cached.cache_clear)
    return cached  # type: ignore[return-value]


@dataclass(frozen=True)
class PlanTerms:
    """The words a plan's 责任单位 clauses are written in (from county.yaml)."""

    department_collectives: tuple[str, ...]
    township_collectives: tuple[str, ...]
    lead_labels: tuple[str, ...]
    unit_labels: tuple[str, ...]
    unit_prefixes: tuple[str, ...]
    unit_endings: tuple[str, ...]
    township_endings: tuple[str, ...] = ()

    @property
    def collectives(self) -> tuple[str, ...]:
        return self.department_collectives + self.township_collectives

    @property
    def labels(self) -> tuple[str, ...]:
        """Every clause label, longest first (县级牵头部门 before 牵头部门)."""
        return tuple(sorted(self.lead_labels + self.unit_labels, key=len, reverse=True))

    def unit_pattern(self) -> re.Pattern[str]:
        """A party written like a government unit: 县…局 / 县…办 / 县…办公室 / 州…分局, or one township
        (桃源镇, 石门乡人民政府)."""
        prefixes = "".join(re.escape(p) for p in self.unit_prefixes)
        endings = "|".join(re.escape(e) for e in self.unit_endings)
        towns = "".join(re.escape(e) for e in self.township_endings if len(e) == 1)
        # not a collective written another way (有关镇乡, 各乡镇, 全县各镇)
        township = rf"|^(?!各|有关|相关|全|所有|其他|其余)[\u4e00-\u9fff]{{2,8}}[{towns}](?:人民政府)?$" if towns else ""
        return re.compile(rf"^[{prefixes}].+({endings})${township}")


@dataclass(frozen=True)
class County:
    name: str
    aliases: tuple[str, ...]
    prefecture: str
    prefecture_aliases: tuple[str, ...]
    county_prefix: str
    prefecture_prefix: str
    terms: PlanTerms
    township_endings: tuple[str, ...]
    directory: Path
    plan_file: str = ""

    @property
    def prefix_map(self) -> tuple[tuple[str, str], ...]:
        """Full names written before a unit and the short prefix the plan uses instead, longest first."""
        pairs = [(n, self.county_prefix) for n in (self.name, *self.aliases)]
        pairs += [(n, self.prefecture_prefix) for n in (self.prefecture, *self.prefecture_aliases)]
        return tuple(sorted(((n, p) for n, p in pairs if n and n != p), key=lambda x: -len(x[0])))

    def place_prefix(self) -> str:
        """A regex fragment for the prefecture's and the county's full names written before a place
        ("某某州某某县…镇"), each optional; short names without a level word are left out."""
        upper = [n for n in (self.prefecture, *self.prefecture_aliases) if n.endswith(("州", "市", "地区", "盟"))]
        own = [n for n in (self.name, *self.aliases) if n.endswith(("县", "市", "区", "旗"))]
        parts = ("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) for names in (upper, own))
        return "".join(f"(?:{alternatives})?" for alternatives in parts if alternatives)

    def builtin_plan_text(self) -> str | None:
        """The text of the data set's own plan, or None when it has none."""
        if not self.plan_file:
            return None
        path = self.directory / self.plan_file
        return path.read_text(encoding="utf-8") if path.is_file() else None


def packaged_dir() -> Path:
    return Path(str(resources.files("knowledge").joinpath("sources")))


def use_county_dir(directory: Path | None) -> None:
    """Point this process at a county data folder (None: the packaged one). Called once at start."""
    if directory != _active[0]:
        _active[0] = directory
        for clear in _clearers:
            clear()


def county_dir() -> Path:
    """The county data folder this process uses."""
    return _active[0] or packaged_dir()


def load_county(directory: Path | None = None) -> County:
    """The county of ``directory`` (default: the active folder), read once per process."""
    return _load_county(directory or county_dir())


@cache
def _load_county(directory: Path) -> County:
    path = directory / COUNTY_FILE
    try:
        data: dict[str, Any] = safe_load(path.read_text(encoding="utf-8"))
        return _county_from_data(data, directory)
    except FileNotFoundError as exc:
        raise ConfigError("县情数据目录中缺少 county.yaml，请先运行 gongkai init。", detail=str(path)) from exc
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError("县情数据文件 county.yaml 格式有误。", detail=f"{path}: {exc!r}") from exc


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value or ())


def _county_from_data(data: dict[str, Any], directory: Path) -> County:
    county_prefix, prefecture_prefix = str(data["county_prefix"]), str(data["prefecture_prefix"])
    terms = PlanTerms(
        department_collectives=_strings(data["collectives"]["department"]),
        township_collectives=_strings(data["collectives"]["township"]),
        lead_labels=_strings(data["lead_labels"]),
        unit_labels=_strings(data["unit_labels"]),
        unit_prefixes=tuple(dict.fromkeys(p for p in (county_prefix, prefecture_prefix) if p)),
        unit_endings=_strings(data["unit_endings"]),
        township_endings=_strings(data.get("township_endings")),
    )
    return County(
        name=str(data["county"]),
        aliases=_strings(data.get("county_aliases")),
        prefecture=str(data.get("prefecture") or ""),
        prefecture_aliases=_strings(data.get("prefecture_aliases")),
        county_prefix=county_prefix,
        prefecture_prefix=prefecture_prefix,
        terms=terms,
        township_endings=_strings(data.get("township_endings")),
        directory=directory,
        plan_file=str(data.get("plan") or ""),
    )
