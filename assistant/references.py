"""What a message or an answer refers to: list items, articles, citations. Pure text reading.

- ``list_items(answer)``: the enumerated lines of an answer's body ("1. 〔三〕全面编制…（牵头）", "- 〔一〕…",
  "①…"), not its 依据 block, each with the section it names, so "第三项" after a list means its third line;
- ``article_ref(text)``: "第十五条" / "条例第三十三条" / "复议法第二十条" → (document or None, "第十五条");
- ``cited(answer)``: every (document, section) an answer cites: 〔《…》…〕 marks and a tool's "依据：" lines
  ("依据：《政府信息公开条例》第四十九条", "依据：条例第三十一条：…；条例第三十三条：…").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMERALS = "一二三四五六七八九十"
_CN_NUMBER = rf"[{NUMERALS}百零〇两\d]+"
_ITEM_REF = re.compile(rf"第\s*({_CN_NUMBER})\s*(?:小|大)?(项|点|条|款|个|类|件|个任务|项任务)")
_ARTICLE = re.compile(rf"(?P<doc>[\u4e00-\u9fff]{{0,16}}?(?:条例|法|办法|规定|意见|要点|规程|通知))?\s*第\s*(?P<n>{_CN_NUMBER})\s*条")
_CITATION = re.compile(r"〔《([^》]+)》([^〕]*)〕")
_PLAN_SECTION = re.compile(r"〔([一二三四五六七八九十]+(?:\([一二三四五六七八九十]+\))?)〕")
_BASIS_REF = re.compile(rf"(?:《([^》]+)》|(条例))\s*(第{_CN_NUMBER}条)")
_LIST_LINE = re.compile(r"^\s*(?:(\d{1,2})[.、．]|[-•·]|[①②③④⑤⑥⑦⑧⑨⑩])\s*(.+)$")
_TITLE_IN_HEAD = re.compile(r"《([^》]+)》")
DEFAULT_REGULATION = "政府信息公开条例"


@dataclass(frozen=True)
class ListItem:
    text: str  # the line without its number or bullet
    section: str | None  # the section it names (〔三〕, 〔《…》第十六条〕), if any
    title: str | None  # the document of that section, if known


def cn_int(raw: str) -> int | None:
    """12 / 十二 / 三十三 / 一百零一 → int; None for anything else."""
    if raw.isdigit():
        return int(raw)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    total, current = 0, 0
    for ch in raw:
        if ch in digits:
            current = digits[ch]
        elif ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current = 0
        else:
            return None
    return total + current


def item_ref(text: str) -> tuple[int, str] | None:
    """(N, the word after it) for "第三项" / "第2点" / "第十六条"; None without one."""
    m = _ITEM_REF.search(text)
    n = cn_int(m[1]) if m else None
    return (n, m[2]) if m and n else None


def article_ref(text: str) -> tuple[str | None, str] | None:
    """(the document named before it, or None; "第N条" in Chinese numerals) for an article reference."""
    m = _ARTICLE.search(text)
    n = cn_int(m["n"]) if m else None
    if not m or not n:
        return None
    return (m["doc"] or None), f"第{to_cn(n)}条"


def article_question(text: str, asks: list[str]) -> tuple[str | None, str] | None:
    """The article a message asks to see ("条例第十五条是什么", "第三十三条原文呢"): an article reference and,
    once it and the ask words are removed, nothing left; None for a question that merely names one."""
    m = _ARTICLE.search(text)
    ref = article_ref(text)
    if m is None or ref is None:
        return None
    rest = re.sub(r"[\s?？。!！，,、:：]", "", text[: m.start()] + text[m.end():])
    for word in sorted(asks, key=len, reverse=True):
        rest = rest.replace(word, "")
    return ref if not rest else None


def to_cn(n: int) -> str:
    """33 → 三十三, 10 → 十, 101 → 一百零一 (how the digest writes article numbers)."""
    if n < 10:
        return NUMERALS[n - 1] if n else "零"
    if n < 20:
        return "十" + (NUMERALS[n - 11] if n > 10 else "")
    if n < 100:
        return NUMERALS[n // 10 - 1] + "十" + (NUMERALS[n % 10 - 1] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + to_cn(rest) if rest < 10 else ("一" + to_cn(rest) if rest < 20 else to_cn(rest)))
    return NUMERALS[n // 100 - 1] + "百" + tail


def _body(answer: str) -> str:
    """The answer without its 依据 block (a numbered list of sources, not of content)."""
    return re.split(r"\n\s*依据[:：]\s*\n", answer, maxsplit=1)[0]


def list_items(answer: str, *, minimum: int = 2) -> list[ListItem]:
    """The enumerated lines of the answer's body in the order shown (numbered lines first, as printed); none
    when fewer than ``minimum`` (one line is no list to pick "第二项" from, but it still cites its section)."""
    head = _TITLE_IN_HEAD.search(answer[:80])
    doc = head[1] if head else None
    items = []
    for line in _body(answer).splitlines():
        m = _LIST_LINE.match(line)
        if not m:
            continue
        text = m[2].strip()
        cite = _CITATION.search(text)
        plan = _PLAN_SECTION.search(text)
        if cite:
            items.append(ListItem(text, cite[2] or None, cite[1]))
        elif plan:
            items.append(ListItem(text, plan[1], doc))
        else:
            items.append(ListItem(text, None, None))
    return items if len(items) >= minimum else []


def cited(answer: str) -> list[tuple[str, str]]:
    """Every (document, section) the answer cites, first mention first."""
    found = [(m[1], m[2]) for m in _CITATION.finditer(answer)]
    for line in answer.splitlines():
        if line.lstrip("*").startswith("依据"):
            found += [(m[1] or DEFAULT_REGULATION, m[3]) for m in _BASIS_REF.finditer(line)]
    return list(dict.fromkeys(found))


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def pick_document(named: str | None, titles: list[str], fallback: str | None) -> str | None:
    """The document a name such as "条例" / "那复议法" / "政府信息公开条例" means among ``titles``: the one
    sharing the longest ending with it (at least three characters), "…条例" alone the 条例 itself."""
    if not named:
        return fallback
    name = named.removeprefix("中华人民共和国")
    best = max(titles, key=lambda t: (_common_suffix(name, t), -len(t)), default=None)
    if best is not None and _common_suffix(name, best) >= 3:
        return best
    if name.endswith("条例"):
        return DEFAULT_REGULATION if DEFAULT_REGULATION in titles else fallback
    return fallback
