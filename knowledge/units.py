"""The unit registry: canonical names, aliases, fuzzy lookup.

``resolve`` tries, in order: an exact (normalised) name or alias; containment (the input is part
of exactly one unit's name, or names exactly one unit inside a longer phrase); one-character typos
(edit distance). Input that fits several units raises :class:`Ambiguous`; input that fits none,
or names a county office the plan does not mention (``absent`` in units.yaml), raises
:class:`UnitNotFound` with the closest known names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from knowledge.county import UNITS_FILE, county_dir, load_county
from knowledge.errors import Ambiguous, BadInput, ConfigError, NotFound
from knowledge.yaml_data import safe_load

KINDS = ("department", "township", "enterprise")
_MAX_LISTED = 8
MAX_NAME_CHARS = 100  # longer input is a pasted text, not a unit name
_MAX_FUZZY_CHARS = 20
_MAX_SCAN_CHARS = 500  # typo search in free text looks at the opening of a message only
_UNIT_ENDINGS = frozenset("局办镇乡")
_STRIP = re.compile(r"[\s\u3000,，。.、;；:：!！?？\"'“”‘’()（）《》〈〉【】\[\]]+")


class UnitNotFound(NotFound):
    """No plan unit matches; ``candidates`` holds the closest known names."""

    def __init__(self, user_message: str, *, candidates: list[str], detail: str = "") -> None:
        super().__init__(user_message, detail=detail)
        self.candidates = candidates


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()

    @property
    def is_township(self) -> bool:
        return self.kind == "township"

    @property
    def is_department(self) -> bool:
        return self.kind == "department"


def normalise(text: str) -> str:
    """Width-fold, drop spaces and punctuation, and write the county's and prefecture's full names the
    way the plan does (county.yaml: 某某县 → 县, 某某州 → 州)."""
    text = _STRIP.sub("", unicodedata.normalize("NFKC", text))
    for prefix, short in load_county().prefix_map:
        if text.startswith(prefix):
            return short + text[len(prefix) :]
    return text


def _variants(term: str, unit: Unit) -> set[str]:
    county = load_county()
    own, upper = county.county_prefix, county.prefecture_prefix
    key = normalise(term)
    keys = {key}
    if own and key.startswith(own) and len(key) > len(own) + 1:
        keys.add(key[len(own) :])
    elif own and unit.kind != "township" and not key.startswith(tuple(p for p in (own, upper) if p)):
        keys.add(own + key)
    return keys


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two short strings."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _similarity(a: str, b: str) -> float:
    """Closeness for suggestions: shared characters, penalised by edit distance."""
    shared = len(set(a) & set(b)) / max(len(set(a) | set(b)), 1)
    return shared - 0.05 * edit_distance(a, b)


class UnitRegistry:
    """All plan units with their aliases; build with :func:`load_units` or from a list of units."""

    def __init__(self, units: Sequence[Unit], absent: Iterable[str] = ()) -> None:
        self.units: list[Unit] = list(units)
        self._by_name = {u.name: u for u in self.units}
        self._keys: dict[str, list[Unit]] = {}
        for unit in self.units:
            for term in (unit.name, *unit.aliases):
                for key in _variants(term, unit):
                    bucket = self._keys.setdefault(key, [])
                    if unit not in bucket:
                        bucket.append(unit)
        self.absent = tuple(absent)
        self._absent = {k for name in self.absent for k in _variants(name, Unit(name, "department"))}
        self._by_first: dict[str, list[str]] = {}
        for key in sorted(self._keys, key=len, reverse=True):
            self._by_first.setdefault(key[0], []).append(key)

    def __len__(self) -> int:
        return len(self.units)

    def with_units(self, extra: Sequence[Unit]) -> UnitRegistry:
        """This registry plus ``extra`` units (those whose canonical name it already has are skipped)."""
        added = [u for u in extra if u.name not in self._by_name]
        return self if not added else UnitRegistry([*self.units, *added], absent=self.absent)

    def exact(self, name: str) -> Unit | None:
        """The one unit whose name or alias is exactly ``name`` (after normalising), or None."""
        found = self._keys.get(normalise(name), [])
        return found[0] if len(found) == 1 else None

    def get(self, name: str) -> Unit | None:
        """The unit with this exact canonical name, or None."""
        return self._by_name.get(name)

    def all_terms(self) -> list[str]:
        """Canonical names and aliases (for the tokenizer's user dictionary)."""
        terms = (t for u in self.units for t in (u.name, *u.aliases))
        return list(dict.fromkeys(terms))

    def resolve(self, name: str) -> Unit:
        """The unit meant by ``name`` as people type it (full name, short name, one typo).

        Raises:
            BadInput: empty input.
            Ambiguous: the input fits several units; ``candidates`` lists their canonical names.
            UnitNotFound: no unit fits; ``candidates`` lists the closest canonical names.
        """
        key = normalise(name)
        if not key:
            raise BadInput("请输入单位名称，例如：县卫生健康局、卫健局、凤羽镇。")
        if len(key) > MAX_NAME_CHARS:
            raise BadInput(f"单位名称过长（超过{MAX_NAME_CHARS}字），请只输入单位名称。")
        exact = self._keys.get(key, [])
        if len(exact) == 1:
            return exact[0]
        if exact:
            raise self._ambiguous(name, exact)
        if key in self._absent:
            raise self._not_found(name, key)
        return self._containment(name, key) or self._fuzzy(name, key)

    def _containment(self, name: str, key: str) -> Unit | None:
        inside = self.find_in_text(key)
        if len(set(inside)) == 1:
            return inside[0]
        holders = self._unique(u for k, us in self._keys.items() if key in k for u in us)
        if len(holders) == 1 and len(key) >= 2:
            return holders[0]
        if len(holders) > 1:
            raise self._ambiguous(name, holders)
        return None

    def _fuzzy(self, name: str, key: str) -> Unit:
        matches = self._nearest(key)
        if not matches:
            raise self._not_found(name, key)
        if len(matches) > 1:
            raise self._ambiguous(name, matches)
        return matches[0]

    def _nearest(self, key: str) -> list[Unit]:
        """Units whose name or alias is within the typo limit of ``key``; [] when none is close enough."""
        limit = 1 if len(key) <= 5 else 2
        if len(key) > _MAX_FUZZY_CHARS:
            return []
        # edit distance is at least the length difference: skip names that cannot be within the limit
        scored = [
            (edit_distance(key, k), us)
            for k, us in self._keys.items()
            if len(k) >= 2 and abs(len(k) - len(key)) <= limit
        ]
        best = min((d for d, _ in scored), default=limit + 1)
        near_absent = min(
            (edit_distance(key, a) for a in self._absent if abs(len(a) - len(key)) <= limit), default=limit + 1
        )
        if best > limit or near_absent <= best:
            return []
        matches = self._unique(u for d, us in scored if d == best for u in us)
        # people usually get the first character right (卫建局 means 卫健局, not 住建局)
        same_start = [u for u in matches if any(k[0] == key[0] for k in self._keys_of(u))]
        return same_start or matches

    def suggestions(self, text: str, n: int = 3) -> list[str]:
        """The ``n`` canonical names closest to ``text``."""
        key = normalise(text)
        best: dict[str, float] = {}
        for k, units in self._keys.items():
            score = _similarity(key, k)
            for unit in units:
                best[unit.name] = max(best.get(unit.name, -1.0), score)
        return sorted(best, key=lambda u: -best[u])[:n]

    def find_in_text(self, text: str) -> list[Unit]:
        """Units mentioned in a free sentence, in order of first mention (longest names win).

        When no name matches exactly, a word ending in 局/办/镇/乡 that is one character away from
        exactly one unit's name counts too (卫建局有哪些任务, 凤雨镇的职责).
        """
        text = unicodedata.normalize("NFKC", text)
        return self._exact_mentions(text) or self._typo_mentions(text)

    def spell_out(self, text: str) -> str:
        """``text`` with every unambiguous unit mention written as its canonical name (县卫健局 → 县卫生健康局)."""
        out: list[str] = []
        i = 0
        while i < len(text):
            key = next((k for k in self._by_first.get(text[i], ()) if text.startswith(k, i)), None)
            if key is None or len(self._keys[key]) != 1:
                out.append(text[i])
                i += 1
                continue
            out.append(self._keys[key][0].name)
            i += len(key)
        return "".join(out)

    def _typo_mentions(self, text: str) -> list[Unit]:
        found: list[Unit] = []
        for end, char in enumerate(text[:_MAX_SCAN_CHARS], 1):
            if char not in _UNIT_ENDINGS:
                continue
            for start in range(max(0, end - 8), end - 2):
                unit = self._typo_match(text[start:end])
                if unit is not None:
                    found.extend([unit] if unit not in found else [])
                    break
        return found

    def _typo_match(self, word: str) -> Unit | None:
        matches = self._nearest(normalise(word))
        return matches[0] if len(matches) == 1 else None

    def _exact_mentions(self, text: str) -> list[Unit]:
        found: list[Unit] = []
        i = 0
        while i < len(text):
            key = next((k for k in self._by_first.get(text[i], ()) if text.startswith(k, i)), None)
            if key is None:
                i += 1
                continue
            found.extend(u for u in self._keys[key] if u not in found)
            i += len(key)
        return found

    def _keys_of(self, unit: Unit) -> list[str]:
        return [k for k, us in self._keys.items() if unit in us]

    @staticmethod
    def _unique(units: Iterable[Unit]) -> list[Unit]:
        return list(dict.fromkeys(units))

    def _ambiguous(self, name: str, units: list[Unit]) -> Ambiguous:
        names = [u.name for u in units]
        listed = "、".join(names[:_MAX_LISTED]) + (
            f"等{len(names)}个单位" if len(names) > _MAX_LISTED else ""
        )
        return Ambiguous(
            f"“{name.strip()[:30]}”可能指：{listed}。请说明是哪一个单位。",
            candidates=names,
            detail=f"ambiguous unit, {len(names)} candidates",
        )

    def _not_found(self, name: str, key: str) -> UnitNotFound:
        close = self.suggestions(key)
        return UnitNotFound(
            f"方案中未找到该单位“{name.strip()[:30]}”。最接近的单位：{'、'.join(close)}。",
            candidates=close,
            detail=f"unknown unit, input length {len(name)}",
        )


def registry_from_data(data: Any) -> UnitRegistry:
    """Build a registry from the parsed units.yaml mapping."""
    try:
        units = [
            Unit(str(item["name"]), str(item["kind"]), tuple(str(a) for a in item.get("aliases") or ()))
            for item in data["units"]
        ]
    except (KeyError, TypeError) as exc:
        raise ConfigError("单位清单文件格式有误。", detail=f"units.yaml: {exc!r}") from exc
    bad = [u.name for u in units if u.kind not in KINDS]
    if bad:
        raise ConfigError("单位清单文件格式有误。", detail=f"units.yaml: unknown kind for {bad}")
    return UnitRegistry(units, absent=[str(a) for a in data.get("absent") or ()])


def load_units(directory: Path | None = None) -> UnitRegistry:
    """The unit registry of a county data folder (default: the active one), loaded once per process."""
    return _load_units(directory or county_dir())


@cache
def _load_units(directory: Path) -> UnitRegistry:
    path = directory / UNITS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError("县情数据目录中缺少单位清单 units.yaml，请先运行 gongkai init。", detail=str(path)) from exc
    return registry_from_data(safe_load(text) or {"units": []})
