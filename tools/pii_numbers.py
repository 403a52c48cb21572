"""Number-shaped personal data by shape and context: 身份证号, bank cards, 信用代码, phones, e-mail, plates,
and by their label: QQ号/微信号, passport numbers.

The check digits are evidence, not a gate. A number that passes GB 11643 (or Luhn, for a card with a
card-like prefix) is found anywhere; an ID- or card-shaped number whose check fails is found only
in an ID/account context (the nearest label before it, or its table column header, see
tools/pii_context.py) and carries the flag 校验位不符. Every detector works on a text whose
full-width digits and letters were folded to ASCII one-for-one, so offsets are the original's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tools import checksums
from tools.pii_context import TextContext
from tools.pii_finding import CHECK_FAILED, Finding, keep_ends

_B = r"(?<![0-9A-Za-z])(?<!\d\.)"  # left boundary: not inside a longer number / code
_E = r"(?![0-9A-Za-z])(?!\.\d)"  # right boundary: not followed by more digits or decimals

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w@])", re.ASCII)
# A long number written whole (18 with X, 15-19 digits) or in groups ("6229 0888 8539 3363 385", "532932 19810313 0505").
# (a card of 17 digits in 4s leaves one digit in its last group: "6228 4807 6215 0093 3")
_LONG = re.compile(_B + r"(?:\d{17}[\dXx]|\d{15,19}|\d{4}(?: \d{4}){3} \d|\d{4,8}(?:[ -]\d{2,8}){1,4}[Xx]?)" + _E)
# an ID typed with its groups in odd places ("5329261979 1223 0547", "53293119900102471 8"): joined only to 18
_SPLIT = re.compile(_B + r"\d{1,17}(?:[ -]\d{1,17}){1,3}[Xx]?" + _E)
# a 残疾人证号 (第二代): the holder's 18-character 身份证号 and two digits (残疾类别, 残疾等级) written as one number
_ID_PLUS_TWO = re.compile(_B + r"\d{17}[\dXx]\d{2}" + _E)
_CREDIT = re.compile(_B + r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}" + _E)
# 11 digits from 13x-19x, whole or split by at most two spaces/hyphens anywhere (139 8872 6655, 1398 8726 655)
_MOBILE = re.compile(r"(?<![0-9A-Za-z+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}" + _E)
_LANDLINE = re.compile(_B + r"(?:[(（]0\d{2,3}[)）]\s?|0\d{2,3}[-—－ ])[2-9]\d{6,7}(?:(?:-|转)\d{1,4})?" + _E)
_LOCAL_LANDLINE = re.compile(r"(?:电话|座机|固话|宅电)(?:号码)?(?:[（(][\u4e00-\u9fff]{1,4}[）)])?[：:\s]*([2-9]\d{6,7})" + _E)
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r" ?[A-HJ-NP-Z](?:[·•. -]?[A-HJ-NP-Z0-9]){5,6}(?![0-9A-Za-z])"
)
# First digits of real 省级 administrative division codes (11 北京 … 65 新疆).
_PROVINCES = frozenset(str(code) for code in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
                                               44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65))
_BANK_CONTEXT = re.compile(r"卡号|账号|帐号|银行|银行卡|开户|存折|社保卡|一卡通|信用卡|账户")
# a card or passbook named right before the number, whatever its kind (工资卡, 医保卡, 惠农一折通, 存折号)
_CARD_WORD_BEFORE = re.compile(r"[\u4e00-\u9fff](?:卡|折|一折通|账户|帐户)(?:号|号码|账号)?[：:为是\s]*$")
FULLWIDTH = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ＠．－＿\u3000＋",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@.-_ +",
)


def emails(norm: str, text: str, ctx: TextContext) -> Iterator[Finding]:
    for m in _EMAIL.finditer(norm):
        value = text[m.start(): m.end()]
        local, _, domain = value.partition("@")
        masked = local[0] + "*" * (len(local) - 1) + "@" + domain if len(local) > 1 else "*@" + domain
        yield Finding("email", value, m.start(), m.end(), masked, private=ctx.label_before(m.start(), 12) != "public")


def _id_valid(digits: str) -> bool:
    if digits[:2] not in _PROVINCES:
        return False
    if len(digits) == 15:
        return digits.isdigit() and checksums.plausible_birth("19" + digits[6:12])
    return checksums.valid_id18(digits) and checksums.plausible_birth(digits[6:14])


def _classify_long(digits: str, label: str | None, before: str) -> tuple[str, tuple[str, ...]] | None:
    """(type, flags) for a long number given the label before it, or None when it is not personal data."""
    id_shaped = len(digits) == 15 and digits.isdigit() or len(digits) == 18 and digits[:17].isdigit()
    card_shaped = 16 <= len(digits) <= 19 and digits.isdigit()
    if label == "id" and id_shaped:
        check_ok = len(digits) == 15 or checksums.valid_id18(digits)
        return "id_card", () if check_ok else (CHECK_FAILED,)
    if card_shaped and (label == "account" or label is None and _CARD_WORD_BEFORE.search(before)):
        return "bank_card", () if checksums.luhn_valid(digits) else (CHECK_FAILED,)
    if id_shaped and _id_valid(digits) and not (label == "account" and checksums.luhn_valid(digits)):
        return "id_card", ()
    if card_shaped and checksums.luhn_valid(digits) and label != "other" and (
            digits[0] in "3456" or _BANK_CONTEXT.search(before)):
        return "bank_card", ()
    if (label is None and len(digits) == 18 and digits[:17].isdigit() and digits[:2] in _PROVINCES
            and checksums.plausible_birth(digits[6:14])):
        return "id_card", (CHECK_FAILED,)  # a province, a birth date, the length: a mistyped 身份证号, label or not
    return None


def _split_ids(norm: str, ctx: TextContext) -> Iterator[tuple[int, int, tuple[str, ...]]]:
    """(start, end, flags) of IDs whose digits are grouped anywhere, from a run of groups: consecutive groups that
    join to 18 characters make an ID when an ID label is before them or the check digit holds."""
    for m in _SPLIT.finditer(norm):
        groups = [(g.start(), g.end()) for g in re.finditer(r"\d+[Xx]?", m.group())]
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                s, e = m.start() + groups[i][0], m.start() + groups[j][1]
                digits = re.sub(r"[ -]", "", norm[s:e]).upper()
                if len(digits) > 18:
                    break
                if len(digits) < 18 or not digits[:17].isdigit():
                    continue
                if _id_valid(digits):
                    yield s, e, ()
                elif ctx.label_before(s) == "id" and checksums.plausible_birth(digits[6:14]):
                    yield s, e, (CHECK_FAILED,)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def long_numbers(norm: str, text: str, ctx: TextContext) -> Iterator[Finding]:
    """身份证号 (18/15) and bank cards (16-19 digits), whole or in groups."""
    taken: list[tuple[int, int]] = []
    for s, e, flags in _split_ids(norm, ctx):
        if _overlaps(s, e, taken):
            continue
        value = text[s:e]
        if re.fullmatch(r"\d{17}[\dXx]|\d{6}[ -]\d{8}[ -]\d{3}[\dXx]", norm[s:e]):
            continue  # the usual forms: the whole-number pass below reads them
        taken.append((s, e))
        yield Finding("id_card", value, s, e, keep_ends(value, 4, 2), flags=flags)
    for m in _ID_PLUS_TWO.finditer(norm):
        inside = _id_inside(norm[m.start(): m.start() + 18].upper(), ctx.label_before(m.start()))
        if inside is not None:
            value = text[m.start(): m.end()]
            taken.append((m.start(), m.end()))
            yield Finding("id_card", value, m.start(), m.end(), keep_ends(value, 4, 2), flags=inside)
    for m in _LONG.finditer(norm):
        if _overlaps(m.start(), m.end(), taken):
            continue
        end = _card_end(norm, m.start(), m.end())
        digits = re.sub(r"[ -]", "", norm[m.start():end]).upper()
        if not 15 <= len(digits) <= 19:
            continue
        kind = _classify_long(digits, ctx.label_before(m.start()), norm[max(0, m.start() - 12): m.start()])
        if kind is None:
            continue
        value = text[m.start(): end]
        head, tail = (4, 2) if kind[0] == "id_card" else (4, 4)
        yield Finding(kind[0], value, m.start(), end, keep_ends(value, head, tail), flags=kind[1])


def _id_inside(head: str, label: str | None) -> tuple[str, ...] | None:
    """Flags for a 20-digit number whose first 18 characters ``head`` are a 身份证号 (a 残疾人证号 is the holder's ID
    and two digits), or None: a valid ID anywhere; one whose check digit is wrong unless another label (流水号,
    编号 …) says what the number is."""
    if _id_valid(head):
        return ()
    if label in ("id", None) and head[:2] in _PROVINCES and checksums.plausible_birth(head[6:14]):
        return (CHECK_FAILED,)  # as for an 18-digit number: a province, a birth date, the length, and no other label
    return None


def _card_end(norm: str, start: int, end: int) -> int:
    """End of a grouped number with more than 19 digits cut after its last whole group of 16-19 ("6231 9800 1234 5678
    2000": a card in 4s, then the amount in the next cell of a table typed with single spaces)."""
    groups = list(re.finditer(r"\d+[Xx]?", norm[start:end]))
    if len(groups) < 3 or len(re.sub(r"[ -]", "", norm[start:end])) <= 19:
        return end
    total = 0
    for g in groups:
        total += len(g.group())
        if 16 <= total <= 19 and (g is groups[-1] or total + len(groups[groups.index(g) + 1].group()) > 19):
            return start + g.end()
    return end


def credit_codes(norm: str, text: str, ctx: TextContext) -> Iterator[Finding]:
    """统一社会信用代码 (GB 32100): organisation data, reported and never masked."""
    for m in _CREDIT.finditer(norm):
        value = m.group().upper()
        labelled = "信用代码" in norm[max(0, m.start() - 15): m.start()]
        flags: tuple[str, ...] = ()
        if not checksums.valid_credit_code(value):
            if not labelled or value.isdigit():
                continue
            flags = (CHECK_FAILED,)  # named 信用代码 and shaped like one: an organisation's code, mistyped
        if value.isdigit() and not labelled:
            continue  # an all-digit code only with its label (otherwise it may be an ID or account)
        if value[:17].isdigit() and not labelled and (ctx.label_before(m.start()) == "id" or _id_valid(value)):
            continue  # "…281X" after 身份证号 (or a valid ID anywhere) is a person's ID, whatever GB 32100 says
        original = text[m.start(): m.end()]
        yield Finding("credit_code", original, m.start(), m.end(), original, private=False, flags=flags)


def mobiles(norm: str, text: str, ctx: TextContext) -> Iterator[Finding]:
    for m in _MOBILE.finditer(norm):
        value = text[m.start(): m.end()]
        if len(re.findall(r"(?<=\d)[ -](?=\d)", m.group().removeprefix("+86").removeprefix("86").lstrip(" -"))) > 2:
            continue  # digits scattered by many separators are a table of numbers, not one phone
        prefix = len(m.group()) - len(m.group().lstrip("+86 -")) if m.group().startswith(("+86", "86")) else 0
        masked = value[:prefix] + keep_ends(value[prefix:], 3, 4)
        yield Finding("mobile", value, m.start(), m.end(), masked, private=ctx.label_before(m.start(), 12) != "public")


def landlines(norm: str, text: str, ctx: TextContext) -> Iterator[Finding]:
    for m in _LANDLINE.finditer(norm):
        value = text[m.start(): m.end()]
        split = max(m.group().find(c) for c in "-—－ )）")
        area, local = value[: split + 1], value[split + 1:]
        yield Finding("landline", value, m.start(), m.end(), area + keep_ends(local, 0, 4))
    for m in _LOCAL_LANDLINE.finditer(norm):  # "电话：5123456": the county's number typed without its area code
        value = text[m.start(1): m.end(1)]
        yield Finding("landline", value, m.start(1), m.end(1), keep_ends(value, 0, 4))


# QQ号, 微信号, 护照/通行证号码: only after their label (a QQ群, a 微信公众号 is an office's channel, not a person)
_ACCOUNT = re.compile(
    r"(?:(QQ|qq|ＱＱ)(?:号码|号|帐号|账号)?(?!群)|(微信)(?:号|帐号|账号)?(?!公众|群|小程序|视频号)"
    r"|(护照|港澳通行证|往来港澳通行证|台湾通行证|通行证|回乡证|台胞证)(?:号码|号)?)[：:\s]*(?:为|是)?\s*"
    r"(?<![A-Za-z0-9])([A-Za-z0-9][A-Za-z0-9_-]{4,19})(?![A-Za-z0-9_-])"
)
_OFFICE_CHANNEL = re.compile(r"(?:咨询|服务|客服|举报|投诉|监督|官方|工作)$")  # 咨询QQ: an office's channel
_QQ = re.compile(r"[1-9]\d{4,10}")
_WECHAT = re.compile(r"[A-Za-z][A-Za-z0-9_-]{5,19}|1[3-9]\d{9}")
_TRAVEL_DOC = re.compile(r"[A-Za-z]{1,2}\d{7,9}|\d{8,9}")


def accounts(norm: str, text: str, ctx: TextContext) -> Iterator[Finding]:
    """QQ号 and 微信号 (type im_account), passport and travel-permit numbers (type passport), by their label."""
    for m in _ACCOUNT.finditer(norm):
        value, start, end = m.group(4), m.start(4), m.end(4)
        if m.group(1) and _QQ.fullmatch(value) or m.group(2) and _WECHAT.fullmatch(value):
            kind = "im_account"
        elif m.group(3) and _TRAVEL_DOC.fullmatch(value):
            kind = "passport"
        else:
            continue
        original = text[start:end]
        office = _OFFICE_CHANNEL.search(norm, max(0, m.start() - 4), m.start()) or ctx.label_before(m.start(), 12) == "public"
        yield Finding(kind, original, start, end, keep_ends(original, 2, 2), private=not office)


def plates(norm: str, text: str, ctx: TextContext) -> Iterator[Finding]:
    for m in _PLATE.finditer(norm):
        value = text[m.start(): m.end()]
        tail = re.sub(r"[·•. -]", "", value[2:])
        if not any(ch.isdigit() for ch in tail) or len(re.findall(r"[·•. -]", value)) > 2:
            continue  # (one separator after the province and one inside: 云 L 12345, 云LA·3K21)
        letter = value.index(value.lstrip("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼 ")[0])
        yield Finding("plate", value, m.start(), m.end(), value[:letter + 1] + keep_ends(value[letter + 1:], 0, 2))
