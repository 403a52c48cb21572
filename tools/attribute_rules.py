"""The explicit 公开属性 rules (data in tools/data/attribute_rules.yaml), matched in their file order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

HEAD_CHARS = 150
_ADDRESSEE = re.compile(r"^\s*([^\s：:，,。；;]{2,30})[：:]\s*$", re.MULTILINE)
_TITLE_SKIP = re.compile(r"★|^\S{0,12}〔\d{4}〕\d+号$|^(?:特急|加急|平急|签发人|密级)|^（此件.{2,6}）$")


@dataclass(frozen=True)
class Rule:
    id: str
    group: str
    label: str
    where: str
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]
    reason: str
    basis: str
    confidence: float
    requires_single_addressee: bool = False


@dataclass(frozen=True)
class RuleHit:
    rule: Rule
    match: str
    addressee: str = ""

    @property
    def reason(self) -> str:
        return self.rule.reason.replace("{match}", self.match).replace("{addressee}", self.addressee)


@dataclass(frozen=True)
class Exception_:
    """惩戒公示 / 强制性信息披露: the personal-data types such a document may publish as they are."""

    id: str
    patterns: tuple[re.Pattern[str], ...]
    excused: frozenset[str]
    reason: str


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    exceptions: tuple[Exception_, ...]
    commercial_secret: tuple[str, ...]
    redact_types: frozenset[str]
    redaction_basis: str
    art20_items: dict[str, tuple[str, ...]]
    art21_fields: tuple[str, ...]


def _compile(patterns: list[str] | None) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns or [])


def _rule(raw: dict[str, Any]) -> Rule:
    return Rule(id=raw["id"], group=raw["group"], label=raw["label"], where=raw["where"],
                patterns=_compile(raw["patterns"]), unless=_compile(raw.get("unless")),
                reason=raw["reason"], basis=raw["basis"], confidence=float(raw["confidence"]),
                requires_single_addressee=bool(raw.get("requires_single_addressee", False)))


@cache
def rulebook() -> RuleBook:
    """The rules file, parsed once."""
    text = resources.files("tools").joinpath("data/attribute_rules.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return RuleBook(
        rules=tuple(_rule(r) for r in raw["rules"]),
        exceptions=tuple(Exception_(e["id"], _compile(e["patterns"]), frozenset(e["excused"]), e["reason"])
                         for e in raw["disclosure_exceptions"]),
        commercial_secret=tuple(raw["commercial_secret"]),
        redact_types=frozenset(raw["redact_types"]),
        redaction_basis=raw["redaction_basis"],
        art20_items={k: tuple(v) for k, v in raw["art20_items"].items()},
        art21_fields=tuple(raw["art21_fields"]),
    )


def guess_title(text: str) -> str:
    """The document's title: the first short line that is not a marking (密级, 文号, 紧急程度) or a 主送 line."""
    lines = [line.strip() for line in text.strip().splitlines()[:6] if line.strip()]
    for line in lines:
        if _TITLE_SKIP.search(line) or line.endswith(("：", ":")) or len(line) > 80:
            continue
        return line
    return ""


def single_addressee(text: str) -> str:
    """The 主送 party when the document is addressed to exactly one person or organisation, else ""."""
    m = _ADDRESSEE.search(text[:400])
    if m is None:
        return ""
    who = m.group(1)
    if who.startswith(("各", "全县", "县级各", "县直各")) or any(sep in who for sep in "、和及"):
        return ""
    return who


def _where(rule: Rule, title: str, text: str) -> str:
    if rule.where == "title":
        return title
    if rule.where == "head":
        return title + "\n" + text[:HEAD_CHARS]
    return title + "\n" + text


def first_hit(title: str, text: str) -> RuleHit | None:
    """The first rule (in file order) whose patterns match and whose vetoes don't."""
    addressee = single_addressee(text)
    for rule in rulebook().rules:
        scope = _where(rule, title, text)
        if any(p.search(scope) for p in rule.unless):
            continue
        if rule.requires_single_addressee and not addressee:
            continue
        for pattern in rule.patterns:
            m = pattern.search(scope)
            if m:
                return RuleHit(rule, m.group(), addressee)
    return None


def exception_hit(title: str, text: str) -> tuple[Exception_, str] | None:
    """(exception, reason) when the document is 惩戒公示 or a legally required disclosure."""
    scope = title + "\n" + text[:HEAD_CHARS * 2]
    for exc in rulebook().exceptions:
        for pattern in exc.patterns:
            m = pattern.search(scope)
            if m:
                return exc, exc.reason.replace("{match}", m.group())
    return None


def art20_item(text: str) -> str:
    """The first art. 20 item (Chinese numeral) whose keywords occur in ``text``, or ""."""
    for item, words in rulebook().art20_items.items():
        if any(w in text for w in words):
            return item
    return ""
