"""Personal-data finder and shape-keeping masker for draft 公文, chats and logs.

``find_pii`` is pure: text in, findings out. Detectors run in priority order (e-mail, 身份证, 信用代码,
bank card, mobile, landline, plate, address, name); a later finding that overlaps an earlier one is
dropped. Every digit detector insists on a boundary, so a number inside a longer digit run, a
decimal amount or a 文号 never matches. 统一社会信用代码 are reported with ``private=False``: an
organisation's code is not personal data and is never masked.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tools import checksums
from tools.pii_address import find_addresses
from tools.pii_names import find_names

_B = r"(?<![0-9A-Za-z])(?<!\d\.)"  # left boundary: not inside a longer number / code
_E = r"(?![0-9A-Za-z])(?!\.\d)"  # right boundary: not followed by more digits or decimals

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", re.ASCII)
_ID18 = re.compile(_B + r"\d{17}[\dXx]" + _E)
_ID15 = re.compile(_B + r"\d{15}" + _E)
_CREDIT = re.compile(_B + r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}" + _E)
_BANK = re.compile(_B + r"(?:\d{4}[ -]){3}\d{4}(?:[ -]?\d{1,3})?" + _E + r"|" + _B + r"\d{16,19}" + _E)
_MOBILE = re.compile(r"(?<![0-9A-Za-z+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}" + _E)
_LANDLINE = re.compile(_B + r"(?:[(（]0\d{2,3}[)）]\s?|0\d{2,3}[-－—])[2-9]\d{6,7}(?:-\d{1,4})?" + _E)
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"[A-HJ-NP-Z][·•.\s]?[A-HJ-NP-Z0-9]{5,6}(?![0-9A-Za-z])"
)
# First digits of real 省级 administrative division codes (11 北京 … 65 新疆).
_PROVINCES = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"]
)
_BANK_CONTEXT = re.compile(r"卡号|账号|帐号|银行|银行卡|开户|存折|社保卡|一卡通")
_PRIVATE_NEIGHBOURS = frozenset({"id_card", "mobile", "bank_card", "address", "plate", "email"})


@dataclass(frozen=True)
class Finding:
    """One piece of personal (or organisation) data found in a text."""

    type: str
    text: str
    start: int
    end: int
    masked: str
    private: bool = True

    def as_dict(self) -> dict[str, object]:
        return {"type": self.type, "text": self.text, "start": self.start, "end": self.end,
                "masked": self.masked, "private": self.private}


def _keep(value: str, head: int, tail: int) -> str:
    """Mask every digit/letter between the first ``head`` and the last ``tail`` of them, keeping separators."""
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    hidden = set(positions[head: len(positions) - tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(value))


def _emails(text: str) -> Iterator[Finding]:
    for m in _EMAIL.finditer(text):
        local, _, domain = m.group().partition("@")
        yield Finding("email", m.group(), m.start(), m.end(), f"{local[0]}***@{domain}")


def _id_cards(text: str) -> Iterator[Finding]:
    for m in _ID18.finditer(text):
        value = m.group()
        if value[:2] in _PROVINCES and checksums.valid_id18(value) and checksums.plausible_birth(value[6:14]):
            yield Finding("id_card", value, m.start(), m.end(), _keep(value, 4, 2))
    for m in _ID15.finditer(text):
        value = m.group()
        if value[:2] in _PROVINCES and checksums.plausible_birth("19" + value[6:12]):
            yield Finding("id_card", value, m.start(), m.end(), _keep(value, 4, 2))


def _credit_codes(text: str) -> Iterator[Finding]:
    for m in _CREDIT.finditer(text):
        value = m.group()
        if checksums.valid_credit_code(value) and not value.isdigit() or _is_digit_credit(text, m):
            yield Finding("credit_code", value, m.start(), m.end(), value, private=False)


def _is_digit_credit(text: str, m: re.Match[str]) -> bool:
    """An all-digit code counts only with a 信用代码 label nearby (otherwise it may be an ID or account)."""
    return (m.group().isdigit() and checksums.valid_credit_code(m.group())
            and "信用代码" in text[max(0, m.start() - 15): m.start()])


def _bank_cards(text: str) -> Iterator[Finding]:
    for m in _BANK.finditer(text):
        value = m.group()
        digits = re.sub(r"\D", "", value)
        if not 16 <= len(digits) <= 19 or not checksums.luhn_valid(digits):
            continue
        context = text[max(0, m.start() - 12): m.start()]
        if digits[0] in "3456" or _BANK_CONTEXT.search(context):
            yield Finding("bank_card", value, m.start(), m.end(), _keep(value, 4, 4))


def _mobiles(text: str) -> Iterator[Finding]:
    for m in _MOBILE.finditer(text):
        value = m.group()
        prefix = len(value) - len(value.lstrip("+86 -")) if value.startswith(("+86", "86")) else 0
        body = value[prefix:]
        yield Finding("mobile", value, m.start(), m.end(), value[:prefix] + _keep(body, 3, 4))


def _landlines(text: str) -> Iterator[Finding]:
    for m in _LANDLINE.finditer(text):
        value = m.group()
        split = max(value.find("-"), value.find("－"), value.find("—"), value.find(")"), value.find("）"))
        area, local = value[: split + 1], value[split + 1:]
        yield Finding("landline", value, m.start(), m.end(), area + _keep(local, 0, 4))


def _plates(text: str) -> Iterator[Finding]:
    for m in _PLATE.finditer(text):
        value = m.group()
        tail = re.sub(r"[·•.\s]", "", value[2:])
        if not any(ch.isdigit() for ch in tail):
            continue
        yield Finding("plate", value, m.start(), m.end(), value[:-len(tail)] + _keep(tail, 0, 2))


_DETECTORS: tuple[Callable[[str], Iterator[Finding]], ...] = (
    _emails, _id_cards, _credit_codes, _bank_cards, _mobiles, _landlines, _plates,
)


class _Spans:
    """Accepted findings kept sorted by start, so an overlap check is a binary search, not a scan."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.items: list[Finding] = []

    def add(self, f: Finding) -> bool:
        """Keep ``f`` unless it overlaps a finding already kept; True when kept."""
        i = bisect.bisect_left(self.starts, f.start)
        if i > 0 and self.items[i - 1].end > f.start or i < len(self.items) and self.items[i].start < f.end:
            return False
        self.starts.insert(i, f.start)
        self.items.insert(i, f)
        return True


def find_pii(text: str) -> list[Finding]:
    """Find personal data (and 统一社会信用代码) in ``text``, sorted by position.

    Args:
        text: any text: a draft 公文, a chat message, a log line.

    Returns:
        Non-overlapping findings; ``private`` is False for organisation data (信用代码) and for
        office contact numbers that are not next to a person's data.
    """
    spans = _Spans()
    for detector in _DETECTORS:
        for f in detector(text):
            spans.add(f)
    for value, start, end, masked in find_addresses(text):
        spans.add(Finding("address", value, start, end, masked))
    anchors = [(f.start, f.end) for f in spans.items if f.type in _PRIVATE_NEIGHBOURS and f.private]
    for value, start, end, masked in find_names(text, anchors):
        spans.add(Finding("name", value, start, end, masked))
    return _settle_landlines(text, spans.items)


def _settle_landlines(text: str, findings: list[Finding]) -> list[Finding]:
    """A landline is personal only on a line that also carries a person's name; else it is an office number."""
    newlines = [i for i, ch in enumerate(text) if ch == "\n"] if "\n" in text else []

    def line_of(pos: int) -> int:
        return bisect.bisect_left(newlines, pos)

    name_lines = {line_of(f.start) for f in findings if f.type == "name"}
    out = []
    for f in findings:
        if f.type == "landline" and line_of(f.start) not in name_lines:
            f = Finding(f.type, f.text, f.start, f.end, f.masked, private=False)
        out.append(f)
    return out


def redact(text: str, findings: list[Finding]) -> str:
    """Replace each private finding's span with its masked form; other findings stay as they are."""
    parts, last = [], 0
    for f in sorted(findings, key=lambda f: f.start):
        if not f.private or f.start < last:
            continue
        parts += [text[last: f.start], f.masked]
        last = f.end
    parts.append(text[last:])
    return "".join(parts)


def mask_text(text: str) -> str:
    """The text with every piece of personal data masked in place (shape kept: 139****6655)."""
    if not text:
        return text
    return redact(text, find_pii(text))
