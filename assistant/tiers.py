"""An amount worked out from a tiered fee rule the answer quotes, for the quantity the question names.

"申请人要50页纸质件，按量收多少钱" against "1至30页免费，31至100页每页10元，101至200页每页20元，201页以上每页40元"
is 200元 (超额累进: each page pays its own tier's rate); "第35件按件收多少钱一件" against "第1至10件不收费，第11至30件
每件100元，从第31件起每10件为一档、每升一档每件加收100元" is 200元 a request (the request's own tier). The tiers are
read from the quoted sentence, never written here; a question without a count, or a count the tiers do not
cover, gets None (the quote then speaks for itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNIT = "页件"
_RANGE = re.compile(rf"第?(\d+)\s*至\s*第?(\d+)\s*([{_UNIT}])(?:免费|不收费|不收取费用|每\3(\d+)元)")
_OPEN = re.compile(rf"第?(\d+)\s*([{_UNIT}])以上每\2(\d+)元")
_STEP = re.compile(rf"第(\d+)([{_UNIT}])起每(\d+)\2为?一档[^。；]{{0,8}}?加收(\d+)元")
_ASKED = re.compile(rf"(?<![\d至到])第?(\d+)\s*([{_UNIT}])")
_EACH = re.compile(r"每件|一件|单价|每份")


@dataclass(frozen=True)
class _Tier:
    first: int
    last: int | None  # None: open-ended
    rate: int


def tiered_amount(question: str, sentence: str) -> str | None:
    """The conclusion line: the amount for the question's count under the sentence's tiers, or None."""
    asked = _ASKED.search(question)
    if asked is None:
        return None
    count, unit = int(asked.group(1)), asked.group(2)
    tiers = _tiers(sentence, unit)
    if not tiers or not any(t.first <= count and (t.last is None or count <= t.last) for t in tiers):
        return _stepped(sentence, unit, count, tiers)
    if unit == "件" or _EACH.search(question):  # a request pays its own tier's rate
        rate = next(t.rate for t in tiers if t.first <= count and (t.last is None or count <= t.last))
        return f"按此标准，第{count}{unit}{'不收费' if rate == 0 else f'每{unit}{rate}元'}。"
    parts, total = [], 0
    for t in tiers:
        top = count if t.last is None else min(count, t.last)
        if top < t.first:
            continue
        n = top - t.first + 1
        total += n * t.rate
        parts.append(f"第{t.first}至{top}{unit}{'免费' if t.rate == 0 else f'{n}{unit}×{t.rate}元'}")
    amount = "不收费" if total == 0 else f"共{total}元"
    return f"按此标准，{count}{unit}{amount}（{'，'.join(parts)}）。"


def _tiers(sentence: str, unit: str) -> list[_Tier]:
    tiers = [_Tier(int(m.group(1)), int(m.group(2)), int(m.group(4) or 0))
             for m in _RANGE.finditer(sentence) if m.group(3) == unit]
    tiers += [_Tier(int(m.group(1)), None, int(m.group(3))) for m in _OPEN.finditer(sentence) if m.group(2) == unit]
    return sorted(tiers, key=lambda t: t.first)


def _stepped(sentence: str, unit: str, count: int, tiers: list[_Tier]) -> str | None:
    """"从第31件起每10件为一档、每升一档每件加收100元": the rate of the count's step above the last closed tier."""
    m = _STEP.search(sentence)
    if m is None or m.group(2) != unit or not tiers:
        return None
    start, size, add = int(m.group(1)), int(m.group(3)), int(m.group(4))
    if count < start or size <= 0:
        return None
    step = (count - start) // size
    rate = tiers[-1].rate + add * (step + 1)
    first = start + step * size
    return f"按此推算，第{count}{unit}在第{first}至{first + size - 1}{unit}一档，每{unit}{rate}元。"
