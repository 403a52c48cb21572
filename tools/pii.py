"""Personal-data finder and shape-keeping masker for draft 公文, chats and logs.

``find_pii`` is pure: text in, findings out. Detectors run in priority order (信用代码, e-mail,
身份证号/银行卡号, mobile, landline, plate, QQ号/微信号/护照号码, address, name); a later finding that overlaps an
earlier one is dropped. Numbers are found by shape and context, with check digits as evidence
(tools/pii_numbers.py); names by labels, honorifics, lists, table columns and table rows
(tools/pii_names.py, tools/pii_text_names.py, tools/pii_name_lists.py for names listed with no cue
between them). Organisation data (统一社会信用代码) and an office's
published phone or mailbox are reported with ``private=False`` and never masked. Every other
occurrence of a private finding's text is a finding too, so a redacted text never shows it (a repeat
that overlaps another finding is merged with it). A 村委会+组/社 with no 门牌 and no person on its line is
a place (a project's site), not a home address.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from knowledge.county import county_cache, load_county
from tools import pii_numbers as numbers
from tools.pii_address import find_addresses
from tools.pii_context import TextContext
from tools.pii_finding import CHECK_FAILED, Finding
from tools.pii_names import find_names

__all__ = ["CHECK_FAILED", "Finding", "find_pii", "mask_text", "redact"]

_Detector = Callable[[str, str, TextContext], Iterator[Finding]]
_DETECTORS: tuple[_Detector, ...] = (
    numbers.credit_codes, numbers.emails, numbers.long_numbers, numbers.mobiles, numbers.landlines, numbers.plates,
    numbers.accounts,
)
_POSTCODE = re.compile(r"邮编|邮政编码")
_HOME_PHONE = re.compile(r"\s*[（(](?:住宅|家庭|家|私人|个人|宅)")
_HOME_PHONE_BEFORE = re.compile(r"(?:(?:住宅|家庭|家里|家中|私人|个人|宅)(?:电话|座机|固话|号码)"
                                r"|(?:电话|座机|固话)(?:号码)?[（(](?:住宅|家庭|家|私人|个人|宅)[）)])[：:\s]*$")
# "联系人：杨丽梅，电话：0872-5122018": the landline given beside an office's contact person is the office's
# (also with the contact's unit before the name and the phone in brackets: "项目负责人：县农业农村局 何  平（联系电话：…")
_STAFF_PHONE = re.compile(r"(?:联系人|经办人|承办人|填表人|填报人|负责人)[：:\s]*"
                          r"(?:[\u4e00-\u9fff]{2,14}?(?:局|办|委|中心|政府|股|站|所|院|室)[ \u3000]+)?[\u4e00-\u9fff ]{2,4}"
                          r"[，,；;（(\s]*(?:联系|办公)?(?:电话|座机)?[：:\s]*$")
# "申请人联系电话：0872-…", "申请人：0872-…", "信访人所留固定电话0872-…": the contact of the person the 公文 deals with,
# named by the role right before it (never "申请人可拨打0872-…咨询": a verb between makes it the office's number)
# (also the addressee of a reply: "已电话联系你（0872-…）", "你所留电话0872-…")
_ROLE_CONTACT = re.compile(r"(?:申请人|被申请人|信访人|来信人|来访人|当事人|举报人|投诉人|委托人|监护人|求助人|报警人|户主|第三人|(?:你|您)(?!们|局|单位|镇|乡|委|办|公司|校|院|部|所|中心|村))"
                           r"(?:[：:\s（(]*|\s*(?:本人)?[^\W\d可请拨打致询向与和或到]{0,4}?(?:联系|家庭|住宅|固定|常用)?"
                           r"(?:电话|座机|固话|联系方式)(?:号码)?[：:\s]*(?:为|是)?)\s*$")
_PERSON_TYPES = frozenset({"name", "id_card", "mobile", "bank_card", "plate", "landline", "im_account", "passport"})
_HOME_LABEL = re.compile(r"(?:通讯地址|通信地址|联系地址|送达地址|住所|住址|家住|现住|居住|住在|户籍|住|其家|家庭|该户)[^，。；\n]{0,10}$")
# "在…村委会二社承包地内建房": a 组/社 followed by land or works is where that land lies, even on a person's line
_LAND_AFTER = re.compile(r"[的]?(?:承包地|责任田|耕地|地块|林地|山林|农田|水田|旱地|田地|土地|坝塘|水库|沟渠|道路|路段|河段)")
_PRIVATE_NEIGHBOURS = frozenset({"id_card", "mobile", "bank_card", "address", "plate", "email", "im_account", "passport"})


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

    def merge(self, f: Finding, text: str) -> None:
        """Join ``f`` with the private findings it overlaps into one finding whose mask hides what either hid,
        so neither value stays readable ("杨 梅杨 梅": a repeat of 杨 梅 overlapping a name 梅杨)."""
        i = bisect.bisect_left(self.starts, f.start)
        lo = i - 1 if i > 0 and self.items[i - 1].end > f.start else i
        hi = i
        while hi < len(self.items) and self.items[hi].start < f.end:
            hi += 1
        group = self.items[lo:hi] + [f]
        if any(not g.private for g in group):
            return  # an office's contact or a 信用代码 is never widened into a mask
        start, end = min(g.start for g in group), max(g.end for g in group)
        hidden = {g.start + k for g in group for k, ch in enumerate(g.masked) if ch != text[g.start + k]}
        masked = "".join("*" if start + k in hidden else ch for k, ch in enumerate(text[start:end]))
        del self.starts[lo:hi], self.items[lo:hi]
        self.starts.insert(lo, start)
        self.items.insert(lo, Finding(group[0].type, text[start:end], start, end, masked, True, group[0].flags))

    def make_private(self, start: int, text: str) -> None:
        i = bisect.bisect_left(self.starts, start)
        if i < len(self.items) and self.items[i].start == start and self.items[i].text == text:
            f = self.items[i]
            self.items[i] = Finding(f.type, f.text, f.start, f.end, f.masked, True, f.flags)


def find_pii(text: str) -> list[Finding]:
    """Find personal data (and 统一社会信用代码, office contacts) in ``text``, sorted by position.

    Args:
        text: any text: a draft 公文, a chat message, a log line.

    Returns:
        Non-overlapping findings; ``private`` is False for organisation data (信用代码) and for an
        office's published phone or mailbox; ``flags`` holds 校验位不符 for a number found by its
        context whose check digit is wrong.
    """
    norm = text.translate(numbers.FULLWIDTH)
    ctx = TextContext(norm, cells=text)
    spans = _Spans()
    for detector in _DETECTORS:
        for f in detector(norm, text, ctx):
            spans.add(f)
    for value, start, end, masked in find_addresses(text):
        spans.add(Finding("address", value, start, end, masked))
    anchors = [(f.start, f.end) for f in spans.items if f.type in _PRIVATE_NEIGHBOURS and f.private]
    for value, start, end, masked in find_names(text, anchors):
        spans.add(Finding("name", value, start, end, masked))
    _drop_place_groups(ctx, spans)
    _repeat(text, spans)
    settled = _settle_landlines(ctx, spans.items)
    private = {f.text for f in settled if f.private}
    # one value, one decision: published once and personal once means personal (privacy first)
    return [f if f.private or f.text not in private else Finding(f.type, f.text, f.start, f.end, f.masked, True, f.flags)
            for f in settled]


def _drop_place_groups(ctx: TextContext, spans: _Spans) -> None:
    """A 村委会+组/社 with no 门牌 and no person beside it is a place (凤羽镇凤翔村委会3组道路硬化项目), not a home:
    it is an address only after a home label or on a line that carries a person's name, ID, phone or card, and never
    when land or works follow it (…二社承包地内)."""
    person_lines = {ctx.line_no(f.start) for f in spans.items if f.private and f.type in _PERSON_TYPES}
    keep = []
    for f in spans.items:
        if f.type == "address" and f.text.endswith(("组", "社")) and not _HOME_LABEL.search(
                ctx.text, max(0, f.start - 12), f.start) and (ctx.line_no(f.start) not in person_lines
                                                               or _LAND_AFTER.match(ctx.text, f.end)):
            continue
        keep.append(f)
    spans.items, spans.starts = keep, [f.start for f in keep]


def _repeat(text: str, spans: _Spans) -> None:
    """Every other occurrence of a private finding's text is the same data: find it too."""
    for f in list(spans.items):
        if not f.private or len(f.text) < 2:
            continue
        pos = text.find(f.text)
        while pos >= 0:
            repeat = Finding(f.type, f.text, pos, pos + len(f.text), f.masked, flags=f.flags)
            if pos != f.start and not spans.add(repeat):
                spans.make_private(pos, f.text)  # the same value published once and private once: private wins
                if not any(g.start == pos and g.text == f.text for g in spans.items):
                    spans.merge(repeat, text)  # it overlaps another finding: mask both together
            pos = text.find(f.text, pos + 1)




@county_cache
def _premises_re() -> re.Pattern[str]:
    """A company's premises label, with the prefecture's and county's names from the county data set."""
    return re.compile(r"(?:经营场所|经营地址|营业场所|营业地址|生产地址|生产经营场所)[：:]?\s*(?:云南省)?"
                      + load_county().place_prefix() + "$")


_OFFICE_NAME = re.compile(r"局|政府|办公室|中心|委员会|公司|学校|医院|卫生院|合作社|银行|法院|检察院|派出所")
_ORG_HOLDER = re.compile(r"(?:账户名称|账户名|开户名称|开户名|户名|收款单位|收款人|单位名称)[：:\s]*[^\s，,；;：:]{1,30}?"
                         r"(?:局|政府|委员会|中心|办公室|公司|合作社|学校|医院|卫生院|站|所|社区|村委会|居委会|银行|协会)(?![\u4e00-\u9fff])")
_OFFICE_LINE = re.compile(r"(?:局|政府|办公室|中心|委员会|股|站|所|公司|学校|医院|卫生院)[^\n]*地址[：:]\s*$")
_MAILING_LABEL = re.compile(r"(?:通讯地址|通信地址|联系地址|收件地址)[：:]?\s*$")
_SOLE_TRADER = re.compile(r"(?<![0-9A-Z])92\d{6}[0-9A-Z]{10}|个体工商户|个体户|经营者")
# words that introduce the ways the public may reach an office ("公众可通过以下方式反馈意见：一、电子邮箱：…")
_CHANNEL = re.compile(r"反馈|意见|建议|报送|投稿|征求|受理|咨询|投诉|举报|报名|以下方式|联系方式")


def _channel(ctx: TextContext, pos: int) -> bool:
    """True when ``pos``'s line or one of the two lines above it names a way to reach an office."""
    row = ctx.line_no(pos)
    return any(_CHANNEL.search(ctx.line_text(ctx.starts[i])) for i in range(max(0, row - 2), row + 1))


def _settle_landlines(ctx: TextContext, findings: list[Finding]) -> list[Finding]:
    """A landline (or a government mailbox, or a mailbox given as a way to send an office feedback) is
    personal only on a line that also carries a person's name and no office label, or when labelled a home
    phone; elsewhere it is the office's published contact. So is an address on a line with a 邮编, or after an
    office's name and 地址, and no person's name, ID or mobile. A line's part between ；that names an office
    and no person counts as a line of its own ("出租方：何某…；承租方：某镇人民政府，地址：…，电话：…")."""
    roles = {f.start for f in findings if f.type == "landline" and _role_contact(ctx, f)}
    name_parts = {ctx.part_no(f.start) for f in findings if f.type == "name"}
    person_parts = {ctx.part_no(f.start) for f in findings
                    if f.private and f.type in ("name", "id_card", "mobile") or f.start in roles}
    name_lines, person_lines = {p[0] for p in name_parts}, {p[0] for p in person_parts}
    out = []
    for f in findings:
        lo, hi = ctx.part_bounds(f.start)
        own = ctx.part_no(f.start)
        office_part = _OFFICE_NAME.search(ctx.text, lo, f.start) is not None
        lone = own[0] not in person_lines or office_part and own not in person_parts
        nameless = own[0] not in name_lines or office_part and own not in name_parts
        if not office_part:
            lo, hi = ctx.line_bounds(f.start)
        if f.type in ("email", "address") and lone and _form_person(ctx, f, findings):
            lone = False  # a form with one field a line: the person named a line or two above owns this mailbox
        office = f.type == "landline" or f.type == "email" and (
            f.text.lower().endswith(".gov.cn") or lone and _channel(ctx, f.start))
        if f.type == "address" and lone and _POSTCODE.search(ctx.text, lo, hi):
            office = True  # "邮政编码：671200，地址：…路15号" with no person beside it: a mailing address to publish
        if f.type == "address" and lone and _MAILING_LABEL.search(ctx.text, max(lo, f.start - 8), f.start):
            office = True  # "来信请寄…，通讯地址：…路1号" with no person: where the office takes letters
        if f.type == "address" and lone and _OFFICE_LINE.search(ctx.text, lo, f.start):
            office = True  # "县人社局就业股，电话：…，地址：…玉湖路36号": an office's address beside its name
        if f.type == "address" and lone and _premises_re().search(
                ctx.text, max(0, f.start - 14), f.start) and not _SOLE_TRADER.search(ctx.line_text(f.start)):
            office = True  # a company's 经营场所 is not personal data; a 个体工商户's (code 92…) is its operator's
        if f.type == "bank_card" and lone and _ORG_HOLDER.search(ctx.text, lo, f.start):
            office = True  # "账户名称：洱源县财政局 … 账号：…": an organisation's account, published to be paid into
        home = f.type == "landline" and (f.start in roles or _form_role(ctx, f, findings)
                                         or _HOME_PHONE.match(ctx.text, f.end) is not None
                                         or _HOME_PHONE_BEFORE.search(ctx.text, max(0, f.start - 10), f.start) is not None)
        staff = f.type == "landline" and not home and _STAFF_PHONE.search(ctx.text, max(0, f.start - 32), f.start) is not None
        if office and not home and (nameless or f.type == "bank_card" or ctx.label_before(f.start, 12) == "public" or staff
                                    or f.type == "landline" and _office_sentence(ctx, f, findings)):
            f = replace(f, private=False)
        out.append(f)
    return _office_mailboxes(ctx, out)


_FIELD_LINE = re.compile(r"^[\s\u3000]*[\u4e00-\u9fff（()）]{2,12}[：:]")


def _form_person(ctx: TextContext, f: Finding, findings: list[Finding]) -> bool:
    """True when ``f`` is the value of a "label：value" line of a form block (no blank line between) whose line above,
    or one of the two above it, holds a person's name, ID or mobile (姓名：… / 电子邮箱：… / 通讯地址：…)."""
    row = ctx.line_no(f.start)
    if not _FIELD_LINE.match(ctx.line_text(f.start)):
        return False
    rows = set()
    for i in range(row - 1, max(-1, row - 4), -1):
        if not ctx.line_text(ctx.starts[i]).strip():
            break
        rows.add(i)
    return any(g.private and g.type in ("name", "id_card", "mobile") and ctx.line_no(g.start) in rows for g in findings)


_PHONE_FIELD = re.compile(r"^[\s\u3000]*(?:联系|家庭|住宅|固定|常用)?(?:电话|座机|固话|联系方式)(?:号码)?[：:]")
_FORM_ROLE = re.compile(r"^[\s\u3000]*(?:申请人|被申请人|信访人|来信人|来访人|当事人|举报人|投诉人|委托人|监护人|求助人|户主|第三人)"
                        r"(?:姓名)?[：:]")


def _form_role(ctx: TextContext, f: Finding, findings: list[Finding]) -> bool:
    """True for a landline on a field line ("联系电话：0872-…") of a form block whose line above, or one of the two above
    it, names the person the form is about by role ("申请人：杨秀英"): that person's phone, not an office's."""
    if not _PHONE_FIELD.match(ctx.line_text(f.start)):
        return False  # "本机关执法人员联系电话：…" under the party's line is the office's
    row = ctx.line_no(f.start)
    for i in range(row - 1, max(-1, row - 4), -1):
        line = ctx.line_text(ctx.starts[i])
        if not line.strip():
            return False
        if _FORM_ROLE.match(line) and any(g.type == "name" and g.private and ctx.line_no(g.start) == i for g in findings):
            return True
    return False


def _role_contact(ctx: TextContext, f: Finding) -> bool:
    """True for a landline right after a person's role (申请人联系电话：…) with no office named between the two and no
    public-contact label (咨询电话) nearer to it."""
    lo = max(ctx.part_bounds(f.start)[0], f.start - 24)
    m = _ROLE_CONTACT.search(ctx.text, lo, f.start)
    return (m is not None and ctx.label_before(f.start, 12) != "public"
            and _OFFICE_NAME.search(ctx.text, m.start(), f.start) is None)


_SENTENCE_END = re.compile(r"[。！？!?\n]")
_CLAUSE_END = re.compile(r"[，,；;。！？!?\n]")
_PERSON_PHONE = re.compile(r"其|本人|家属|家人|亲属|监护人|子女|父|母|妻|夫|申请人|当事人|信访人|来信人|来访人|户主|村民|群众|老人")


def _sentence_bounds(ctx: TextContext, pos: int) -> tuple[int, int]:
    before = [m.end() for m in _SENTENCE_END.finditer(ctx.text, max(0, pos - 200), pos)]
    after = _SENTENCE_END.search(ctx.text, pos)
    return (before[-1] if before else max(0, pos - 200)), (after.start() if after else len(ctx.text))


def _office_sentence(ctx: TextContext, f: Finding, findings: list[Finding]) -> bool:
    """A landline in a sentence that names an office in its own clause or the one before, and holds no person's data
    ("…被县市场监督管理局责令改正，执法人员联系电话0872-…"): the office's, though the line names a person elsewhere."""
    lo, hi = _sentence_bounds(ctx, f.start)
    if any(g.private and g.type in _PERSON_TYPES and g is not f and lo <= g.start < hi for g in findings):
        return False
    ends = [m.end() for m in _CLAUSE_END.finditer(ctx.text, lo, f.start)]
    own = ends[-1] if ends else lo
    if _PERSON_PHONE.search(ctx.text, own, f.start):
        return False  # 其家属联系电话, 申请人联系电话: a person's, whoever is named before
    start = ends[-2] if len(ends) >= 2 else lo
    return _OFFICE_NAME.search(ctx.text, start, f.start) is not None


def _office_mailboxes(ctx: TextContext, findings: list[Finding]) -> list[Finding]:
    """A mailbox given in one sentence with an office's published landlines and no person's data (…，传真：0872-…，
    邮箱：…) is the office's too; so is one whose own clause or the clause before names an office, with no person's
    data before it in the sentence ("请将意见反馈至县自然资源局，邮箱：…，联系人：…": the 联系人 after it is the
    office's contact, not the mailbox's owner)."""
    out = []
    for f in findings:
        if f.type == "email" and f.private:
            lo, hi = _sentence_bounds(ctx, f.start)
            near = [g for g in findings if lo <= g.start < hi and g is not f]
            with_landline = any(g.type == "landline" and not g.private for g in near) and not any(
                g.private and g.type in _PERSON_TYPES for g in near) and _OFFICE_NAME.search(ctx.text, lo, f.start)
            after_office = not any(g.private and g.type in _PERSON_TYPES | {"address"} and lo <= g.start < f.start
                                   for g in near) and _office_clause(ctx, lo, f.start)
            if with_landline or after_office:
                f = replace(f, private=False)
        out.append(f)
    return out


def _office_clause(ctx: TextContext, lo: int, pos: int) -> bool:
    """True when the clause of ``pos`` or the one before it (within the sentence from ``lo``) names an office and no
    person's role (其, 本人, 申请人 …)."""
    ends = [m.end() for m in _CLAUSE_END.finditer(ctx.text, lo, pos)]
    start = ends[-2] if len(ends) >= 2 else lo
    return _OFFICE_NAME.search(ctx.text, start, pos) is not None and not _PERSON_PHONE.search(ctx.text, start, pos)


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


def warm() -> None:
    """Load what masking otherwise loads on first use (jieba's POS tagger for names in running text), so that a
    server's first request with a Chinese line to log or store does not wait for it."""
    from tools.pii_tagged_names import warm_tagger

    warm_tagger()


def mask_text(text: str) -> str:
    """The text with every piece of personal data masked in place (shape kept: 139****6655)."""
    if not text:
        return text
    return redact(text, find_pii(text))
