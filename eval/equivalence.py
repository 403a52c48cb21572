"""What counts as the same words when grading: numbers, dates, unit names, review bodies, word classes.

``canonical`` rewrites a text so that equal facts look equal (六十日 → 60日, 三月底前 → 3月31日前,
县卫健局 → 县卫生健康局); the word classes and review-body rules come from ``eval/equivalence.yaml``.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.county import county_cache
from knowledge.units import UnitRegistry, load_units

DATA = Path(__file__).resolve().parent / "equivalence.yaml"

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_POWERS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万]+")
# 两 is a number only before a measure word (两个月, 两日), not in 两者 / 两项制度 … is fine either way
_MEASURE = "个日天周月年次项条款名人份件元倍"
_STRIP = re.compile(r"[\s\u3000]+")
NEGATION = ("不", "没", "未", "无", "非")
_NEGATED_NEED = ("不需要", "不用再", "没必要")


def chinese_number(word: str) -> int | None:
    """二十 → 20, 三十一 → 31, 一百零五 → 105, 二〇二六 → 2026; None for a run that is not a number."""
    if all(ch in _DIGITS for ch in word):  # digit by digit: 二〇二六
        return int("".join(str(_DIGITS[ch]) for ch in word)) if len(word) > 1 or word != "两" else 2
    total, section, current = 0, 0, 0
    for ch in word:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "万":
            total += (section + current) * 10000
            section, current = 0, 0
        else:
            section += (current or 1) * _POWERS[ch]
            current = 0
    return total + section + current


def _numerals_to_digits(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        after = text[m.end() : m.end() + 1]
        if word == "两" and (not after or after not in _MEASURE):
            return word
        if word == "万" or (word.startswith("万") and len(word) > 1):
            return word
        value = chinese_number(word)
        return word if value is None else str(value)

    return _NUMERAL.sub(repl, text)


def _month_end(m: re.Match[str]) -> str:
    month = int(m.group(1))
    if not 1 <= month <= 12:
        return m.group(0)
    return f"{month}月{calendar.monthrange(2001, month)[1]}日"  # a common year: 2月底 is 2月28日


_DATE_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"(\d{1,2})月(?:底|末|月底|月末)"), _month_end),
    (re.compile(r"年底|年末"), "12月31日"),
    (re.compile(r"(\d{1,2})月(\d{1,2})号"), r"\1月\2日"),
    (re.compile(r"(\d+)个?(自然日|日历日)"), r"\1日\2"),  # 六十个自然日: both 60日 and 自然日
    (re.compile(r"(\d+)个?天"), r"\1日"),
    (re.compile(r"(\d+)个星期|(\d+)周"), lambda m: f"{int(m.group(1) or m.group(2)) * 7}日"),
    (re.compile(r"半年"), "6个月"),
    (re.compile(r"(?:之|以)前"), "前"),
    (re.compile(r"(?:之|以)内"), "内"),
)


def _dates(text: str) -> str:
    for pattern, repl in _DATE_RULES:
        text = pattern.sub(repl, text)
    return text


@county_cache
def _units() -> UnitRegistry:
    return load_units()


def canonical(text: str, *, units: UnitRegistry | None = None) -> str:
    """Width-folded, lower-case, no spaces; unit names canonical, numbers in digits, date phrases as dates."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _STRIP.sub("", text)
    text = (units or _units()).spell_out(text)
    text = _numerals_to_digits(text)
    return _dates(text)


def squeeze(text: str) -> str:
    """``canonical`` without punctuation: what substring matches compare."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZS")


@dataclass(frozen=True)
class Rules:
    classes: tuple[frozenset[str], ...]
    bodies: dict[str, frozenset[str]]
    actors: tuple[tuple[str, tuple[str, ...]], ...]
    reviewer: dict[str, str]
    relative: frozenset[str]

    def class_of(self, word: str) -> frozenset[str]:
        """Every way to say ``word`` (itself alone when it is in no class)."""
        found = [c for c in self.classes if word in c]
        return frozenset().union(*found) if found else frozenset({word})

    def class_members(self) -> list[str]:
        """All class members, longest first (how a fact is cut into elements)."""
        return sorted({w for c in self.classes for w in c}, key=len, reverse=True)


@functools.cache
def rules(path: Path = DATA) -> Rules:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    norm = functools.partial(lambda t: squeeze(canonical(str(t))))
    review = raw["review_bodies"]
    return Rules(
        classes=tuple(frozenset(norm(w) for w in group) for group in raw["classes"]),
        bodies={k: frozenset(norm(w) for w in v) for k, v in review["bodies"].items()},
        actors=tuple((k, tuple(norm(w) for w in v)) for k, v in review["actors"].items()),
        reviewer=dict(review["reviewer"]),
        relative=frozenset(norm(w) for w in review["relative"]),
    )


def present(needle: str, hay: str) -> bool:
    """``needle`` occurs in ``hay`` at least once not negated (不/没/未… just before it), numbers whole."""
    if not needle:
        return False
    start = hay.find(needle)
    while start >= 0:
        before = hay[max(0, start - 2) : start]
        digit_cut = needle[0].isdigit() and start > 0 and hay[start - 1].isdigit()
        digit_cut = digit_cut or (needle[-1].isdigit() and hay[start + len(needle) : start + len(needle) + 1].isdigit())
        negated = any(neg in before for neg in NEGATION) or hay[max(0, start - 3) : start] in _NEGATED_NEED
        negated = negated and not needle.startswith(NEGATION)
        if not digit_cut and not negated:
            return True
        start = hay.find(needle, start + 1)
    return False


def actor_of(question: str, *, units: UnitRegistry | None = None) -> str | None:
    """Whose act a review question is about: township, county_department, county_government, or None."""
    text = squeeze(canonical(question, units=units))
    if re.search(r"以县(?:人民)?政府(?:的)?名义", text):
        return "county_government"
    for unit in (units or _units()).find_in_text(text):
        return "township" if unit.is_township else "county_department"
    for actor, words in rules().actors:
        if any(w in text for w in words):
            return actor
    return None


def body_target(fact: str, actor: str | None) -> str | None:
    """The body a key fact names (上一级政府 resolved for ``actor``), or None when it names none."""
    r = rules()
    if any(w in fact for w in r.relative):
        return r.reviewer.get(actor) if actor in ("township", "county_government") else None
    for body, names in r.bodies.items():
        if any(n in fact for n in names):
            return body
    return None


def names_body(answer: str, body: str, actor: str | None) -> bool:
    """The answer names ``body`` itself, or says 上一级 when that is ``body`` for this actor."""
    r = rules()
    if any(present(n, answer) for n in r.bodies.get(body, ())):
        return True
    relative_ok = actor in ("township", "county_government") and r.reviewer.get(actor) == body
    return relative_ok and any(present(w, answer) for w in r.relative)
