"""The explicit 公开属性 rules (data in tools/data/attribute_rules.yaml), matched in their file order.

Rules read the elements of the 公文 (tools/gongwen.py), not the first line: ``title`` is the real 标题
(or a 简报/纪要 masthead when there is no title), ``head`` is the 版头 (密级, 标注, 发文字号 …) plus
the title, the 主送 and the opening of the 正文, ``markings`` is the 版头 alone, ``body`` is everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from tools.gongwen import Gongwen

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
    genres: frozenset[str] = frozenset()  # the rule applies only to these 文种 (empty: any)
    not_genres: frozenset[str] = frozenset()  # … and never to these
    title_patterns: tuple[re.Pattern[str], ...] = ()  # the title must also match one of these
    keep_exceptions: bool = True  # False: no 惩戒公示 exception excuses personal data (处罚决定书)
    addressee_patterns: tuple[re.Pattern[str], ...] = ()  # the single 主送 must match one of these …
    unless_addressee: tuple[re.Pattern[str], ...] = ()  # … and none of these
    needs_category: bool = False  # the subject must name a category of 条例第二十、二十一条 (a positive rule)
    categories: frozenset[str] = frozenset()  # … one of these category ids (empty: any)


@dataclass(frozen=True)
class RuleHit:
    rule: Rule
    match: str
    addressee: str = ""
    category: tuple[str, str] = ("", "")  # (the word that named it, its legal basis) for needs_category rules

    @property
    def reason(self) -> str:
        return (self.rule.reason.replace("{match}", self.match).replace("{addressee}", self.addressee)
                .replace("{category}", self.category[0]))

    @property
    def basis(self) -> str:
        return f"{self.rule.basis}；{self.category[1]}" if self.category[1] else self.rule.basis


@dataclass(frozen=True)
class Exception_:
    """惩戒公示 / 强制性信息披露: the personal-data types such a document may publish as they are."""

    id: str
    patterns: tuple[re.Pattern[str], ...]
    excused: frozenset[str]
    reason: str
    basis: str = ""  # the exception's own legal basis ("": the plan's 五(二), 除惩戒公示、强制性信息披露外)


@dataclass(frozen=True)
class Category:
    """An active-disclosure category (条例第二十条 item, 第二十一条 field, or a 方案 requirement)."""

    id: str
    name: str
    basis: str
    words: tuple[str, ...]
    title_only: bool = False


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    exceptions: tuple[Exception_, ...]
    commercial_secret: tuple[str, ...]
    redact_types: frozenset[str]
    redaction_basis: str
    categories: tuple[Category, ...]
    genres: tuple[tuple[str, re.Pattern[str]], ...]


def _compile(patterns: list[str] | None) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns or [])


def _rule(raw: dict[str, Any]) -> Rule:
    return Rule(id=raw["id"], group=raw["group"], label=raw["label"], where=raw["where"],
                patterns=_compile(raw["patterns"]), unless=_compile(raw.get("unless")),
                reason=raw["reason"], basis=raw["basis"], confidence=float(raw["confidence"]),
                requires_single_addressee=bool(raw.get("requires_single_addressee", False)),
                genres=frozenset(raw.get("genres") or ()), not_genres=frozenset(raw.get("not_genres") or ()), title_patterns=_compile(raw.get("title_patterns")),
                keep_exceptions=bool(raw.get("keep_exceptions", True)),
                addressee_patterns=_compile(raw.get("addressee_patterns")), unless_addressee=_compile(raw.get("unless_addressee")),
                needs_category=bool(raw.get("needs_category", False)), categories=frozenset(raw.get("categories") or ()))


@cache
def rulebook() -> RuleBook:
    """The rules file, parsed once."""
    text = resources.files("tools").joinpath("data/attribute_rules.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return RuleBook(
        rules=tuple(_rule(r) for r in raw["rules"]),
        exceptions=tuple(Exception_(e["id"], _compile(e["patterns"]), frozenset(e["excused"]), e["reason"],
                                    e.get("basis", ""))
                         for e in raw["disclosure_exceptions"]),
        commercial_secret=tuple(raw["commercial_secret"]),
        redact_types=frozenset(raw["redact_types"]),
        redaction_basis=raw["redaction_basis"],
        categories=tuple(Category(c["id"], c["name"], c["basis"], tuple(str(w) for w in c["words"]), bool(c.get("title_only", False)))
                         for c in raw["categories"]),
        genres=tuple((g["name"], re.compile(g["pattern"])) for g in raw["genres"]),
    )


def guess_title(text: str) -> str:
    """A fallback title: the first short line that is not a marking (密级, 文号, 紧急程度) or a 主送 line."""
    lines = [line.strip() for line in text.strip().splitlines()[:6] if line.strip()]
    for line in lines:
        if _TITLE_SKIP.search(line) or line.endswith(("：", ":")) or len(line) > 80:
            continue
        return line
    return ""


_TRAILING_NOTE = re.compile(r"[（(][^）)]{1,16}[）)]$")
_MASTHEAD_GENRE = re.compile(r"(简报|快报|专报|动态|纪要|通讯|政务信息)$")


# "〔2021〕第6期", "2026年第15期", "（第6期）": the issue line of a 简报, not its title
_ISSUE_NUMBER = re.compile(r"^[（(]?(?:[〔\[]?\d{4}[〕\]年]?)?第?\d+期[）)]?$")


def real_title(doc: Gongwen) -> str:
    """The 标题, or "" when what the reader took for it is the 期号 ("〔2021〕第6期") of a 简报/纪要."""
    return "" if _ISSUE_NUMBER.search(doc.title.replace(" ", "")) else doc.title


def genre_line(doc: Gongwen) -> str:
    """The line that names the 文种: a 简报/纪要 masthead line when there is one, else the title, else the
    last line of a two-line 版头 ("某某县市场监督管理局" / "2021年第一季度食品安全监督抽检信息")."""
    mast = [line.replace(" ", "") for line in doc.issuer_mark.splitlines() if line.strip()]
    if line := next((m for m in mast if _MASTHEAD_GENRE.search(m)), ""):
        return line
    if title := real_title(doc):
        return title
    return mast[-1] if len(mast) > 1 else ""


def genre(doc: Gongwen) -> str:
    """The 文种 (通知, 请示, 简报, 行政处罚决定书 …) read from the title or masthead, or ""."""
    line = genre_line(doc)
    bare = _TRAILING_NOTE.sub("", line)  # "……办法（试行）" is an 办法
    for name, pattern in rulebook().genres:
        if pattern.search(line) or pattern.search(bare):
            return name
    return ""


# "县财政局和县审计局": two parties; the 和 inside 县林业和草原局 or 住房和城乡建设局 joins no two organisations
_TWO_PARTIES = re.compile(r"(?:局|政府|办公室|委员会|委|办|中心|公司|院|所|站|队|镇|乡|街道|社区|村委会)[和及与]")


def single_addressee(doc: Gongwen, text: str = "") -> str:
    """The 主送 party when the document is addressed to exactly one person or organisation, else ""."""
    who = doc.addressees
    if not who:
        m = _ADDRESSEE.search(text[:400])
        who = m.group(1) if m else ""
    if not who or who.startswith(("各", "全县", "县级各", "县直各")) or any(sep in who for sep in "、，,;；") \
            or _TWO_PARTIES.search(who):
        return ""
    return who


@dataclass(frozen=True)
class Scopes:
    """The texts each rule ``where`` reads, built once per document."""

    title: str
    head: str
    markings: str
    body: str
    genre: str
    addressee: str
    addressees: str  # the 主送 line, or the head when the reader found none
    subject: str = ""  # title + 主送 + opening of the 正文: where a positive rule looks for a category
    lead: str = ""  # 版头 + title + 主送 + 附注, without the 正文: what the document is ABOUT and who it is for

    def get(self, where: str) -> str:
        return {"title": self.title, "head": self.head, "markings": self.markings,
                "addressees": self.addressees, "lead": self.lead}.get(where, self.body)


def _subject_of(title: str) -> str:
    """The title without its issuer ("某某县教育体育局关于……" → "……"): an organ's name is not a category."""
    return title.split("关于", 1)[1] if "关于" in title else title


def scopes(doc: Gongwen, text: str) -> Scopes:
    """The rule scopes of a read 公文."""
    title = real_title(doc) or genre_line(doc)
    body_start = (doc.body or text)[:HEAD_CHARS]
    # the 附件说明 names what is sent ("附件：……方案（征求意见稿）"): a draft or an internal list attached is a signal too
    head = "\n".join(p for p in (doc.head, title, doc.addressees, body_start, doc.attachments, *doc.notes) if p)
    return Scopes(title, head, "\n".join(p for p in (doc.head, *doc.notes) if p), title + "\n" + text,
                  genre(doc), single_addressee(doc, text), doc.addressees or head,
                  "\n".join(p for p in (_subject_of(title), doc.addressees, body_start) if p),
                  "\n".join(p for p in (doc.head, title, doc.addressees, *doc.notes) if p) if doc.body else head)


def _matches(rule: Rule, sc: Scopes) -> RuleHit | None:
    scope = sc.get(rule.where)
    if rule.genres and sc.genre not in rule.genres or sc.genre in rule.not_genres:
        return None
    if rule.title_patterns and not any(p.search(sc.title) for p in rule.title_patterns):
        return None
    if any(p.search(scope) for p in rule.unless) or rule.requires_single_addressee and not sc.addressee:
        return None
    if rule.addressee_patterns and not (any(p.search(sc.addressee) for p in rule.addressee_patterns)
                                        and not any(p.search(sc.addressee) for p in rule.unless_addressee)):
        return None
    entry = category_entry(sc.subject) if rule.needs_category else None
    found = (entry[1], entry[0].basis) if entry and (not rule.categories or entry[0].id in rule.categories) else None
    if rule.needs_category and found is None:
        return None
    for pattern in rule.patterns:
        m = pattern.search(scope)
        if m:
            return RuleHit(rule, m.group(), sc.addressee, found or ("", ""))
    return None


def first_hit(sc: Scopes) -> RuleHit | None:
    """The first rule (in file order) whose patterns match and whose vetoes don't."""
    for rule in rulebook().rules:
        if hit := _matches(rule, sc):
            return hit
    return None


def all_hits(sc: Scopes, groups: frozenset[str]) -> list[RuleHit]:
    """Every rule of ``groups`` that matches (the safety signals: secret, internal, process)."""
    return [hit for rule in rulebook().rules if rule.group in groups and (hit := _matches(rule, sc))]


def exception_hit(title: str, text: str) -> tuple[Exception_, str] | None:
    """(exception, reason) when the document is 惩戒公示 or a legally required disclosure."""
    scope = title + "\n" + text[:HEAD_CHARS * 2]
    for exc in rulebook().exceptions:
        for pattern in exc.patterns:
            m = pattern.search(scope)
            if m:
                return exc, exc.reason.replace("{match}", m.group())
    return None


def category_entry(text: str) -> tuple[Category, str] | None:
    """The first category (data: ``categories`` in the rules file) ``text`` names, and the word that named it.

    This is what makes a rule *positive*: 主动公开 applies to information in these categories (条例第十九至
    二十一条 and the 方案), so a 通知 to all 镇乡 or a 方案 is published only when its subject names one of them.
    The first line of ``text`` is the title (where ``title_only`` words count).
    """
    title = text.split("\n", 1)[0]
    for cat in rulebook().categories:
        where = title if cat.title_only else text
        if word := next((w for w in cat.words if w in where), ""):
            return cat, word
    return None


def category(text: str) -> tuple[str, str] | None:
    """(word, basis) of the first category ``text`` names, or None (see ``category_entry``)."""
    found = category_entry(text)
    return (found[1], found[0].basis) if found else None


def art20_item(text: str) -> str:
    """The art. 20 item (Chinese numeral) of the first category ``text`` names when it is one, or ""."""
    found = category_entry(text)
    if found and (m := re.search(r"第二十条第（(.+?)）项", found[0].basis)):
        return m.group(1)
    return ""
