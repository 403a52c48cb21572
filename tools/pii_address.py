"""Detailed home addresses (down to 组/号/门牌/栋/单元/室) for tools/pii.py.

The township and village part of an address is kept; the rest (自然村, road, 组, 号, 栋, 室) is masked
character by character, e.g. 凤羽镇凤翔村委会下登村3组12号 → 凤羽镇凤翔村委会*****组**号. An address
followed by an organisation word (县政务服务中心, 公司, 卫生院 …) is an office address and is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from knowledge.county import county_cache, load_county
from tools.pii_context import TextContext

# One or more numbered detail parts, e.g. 3组 / 十二组 / 12号 / 2栋3单元502室 / 附5号 / A栋 (a building lettered).
_PART = (r"(?:附|第)?(?:\d{1,5}(?:-\d{1,5})?(?:号院|号楼|村民小组|组|社|号|栋|幢|单元|楼|层|室)"
         r"|[A-Z](?:栋|幢)|[一二三四五六七八九十]{1,3}(?:村民小组|组|社))")
# a 门牌 typed without its 室 (2单元302) ends the detail too
_DETAIL = re.compile(rf"(?:{_PART}){{1,5}}(?:(?:(?<=单元)|(?<=[栋幢层]))\d{{1,5}}(?![\d号室]))?")
_DETAIL_END = ("组", "社", "号", "栋", "幢", "单元", "室", "号院", "号楼", "村民小组")
_CJK_BEFORE = re.compile(r"[\u4e00-\u9fff]{1,24}$")
_VILLAGE = re.compile(r"村委会|村民委员会|居委会|居民委员会|社区|村")
_TOWN = re.compile(r"街道办事处|街道|镇|乡")
_PLACE_ANCHOR = re.compile(r"镇|乡|街道|村|社区|居委会|路|街|巷|小区|大道|苑|花园|家园")
_LEAD_WORD = re.compile(
    r"(?:家住|现住址|现住|居住在|居住于|住在|住址|地址|户籍地|户籍所在地|房屋位于|位于|住所|住|同志|先生|女士|反映|关于|的|在|于|至|到|和|与|及)"
    r"(?:为|是)?"
)
_TOWN_IN = re.compile(r"镇|乡|街道")


def _lead_end(prefix: str) -> int:
    """Where the address starts in the CJK run before its 组/号: after the last lead word (住址为, 家住, 的, 和 …),
    unless that word sits inside the place's own name (福和村, 中和村, 共和村) and an earlier one leaves the
    township in the address."""
    ends = [m.end() for m in _LEAD_WORD.finditer(prefix)]
    if not ends:
        return 0
    if not _TOWN_IN.search(prefix, ends[-1]):
        for end in reversed(ends[:-1]):
            if _TOWN_IN.search(prefix, end, ends[-1]):
                return end
        town = _TOWN_IN.search(prefix, 0, ends[-1])
        if town and not _LEAD_WORD.search(prefix, 0, town.start()):
            return 0  # 牛街乡福和村委会上村22号: no lead word before the township at all
    return ends[-1]
_OFFICE_AFTER = re.compile(
    r"^[\u4e00-\u9fff（(]{0,10}?(?:政府|人民政府|服务中心|大厅|办公室|办公|公司|委员会|卫生院|医院|学校|中学|小学|局|中心|大楼|礼堂|会议室)"
)
# (a 通讯地址 is an office's or a person's, as the line says: tools/pii.py decides)
_OFFICE_LABEL = re.compile(r"(?:办公地址|注册地址|办公地点|单位地址|寄至|邮寄至|送至|报送至|寄送至)[：:]?\s*$")
# "邮寄至某某县司法局（某某县某某镇文化路8号）": the address in brackets right after an office's name is the office's.
_ORG_BEFORE = re.compile(
    r"(?:局|委员会|政府|中心|办公室|办事处|公司|医院|卫生院|学校|法院|检察院|派出所|大队|站|馆|信访室|接待室|监委|纪委|服务厅)"
    r"[（(](?:地址|住所|办公地址)?[：:]?$")
_ESTATE = re.compile(r"小区|花园|家园|公寓|苑|新村|大厦")
_HOME_LEAD = re.compile(r"家住|住址|现住|居住|住在|住$")
_PART_RE = re.compile(_PART)
_DETAIL_WORDS = set("组社号栋幢单元楼层室户院附第-")
# An institution named inside the place part (三营镇中心学校1号教学楼): a building of it, not a home.
_ORG_IN_PREFIX = re.compile(r"学校|中学|小学|幼儿园|医院|卫生院|政府|公司|中心|委员会机关|大楼|园区|市场|车站|工业园")


def _mask_rest(rest: str) -> str:
    """Mask every character of ``rest`` except the 组/号/栋/单元/室 words, so the shape stays readable."""
    return "".join(ch if ch in _DETAIL_WORDS else "*" for ch in rest)


def _keep_end(address: str) -> int:
    """Index where the kept (township/village) part ends."""
    town = _TOWN.search(address)
    after = town.end() if town else 0
    village = _VILLAGE.search(address, after)
    if village and village.end() < len(address):
        return village.end()
    return after


# A person's address by its label or column, also when it ends at a 自然村/村/组/社 or a 门牌 without 号
# (住址：…三营镇永乐村委会大营自然村; 家庭住址 column: 牛街乡福和村委会下村16). It must name a 镇/乡/街道 and
# a village or community below it; the value stops at punctuation, a space or the line end. A 通讯地址 down to a
# 组/社 is found the same way; tools/pii.py decides whether it is a person's or an office's.
_HOME_LABEL = re.compile(r"(?:通讯地址|通信地址|联系地址|送达地址|家庭住址|家庭地址|现住址|现居住地|居住地址|居住地|户籍地址|户籍所在地|户籍地|户籍|住所|住址|家住|现住|现居|居住在|住在|住(?![房宅户院]))[：:\s]*(?:为|是)?")


@county_cache
def _home_value_re() -> re.Pattern[str]:
    """A home address's place part; the prefecture's and county's names come from the county data set."""
    return re.compile(
        r"(?:云南省)?" + load_county().place_prefix() + r"[\u4e00-\u9fff]{1,5}?(?:镇|乡|街道)"
        r"[\u4e00-\u9fff]{1,6}?(?:村委会|村民委员会|社区居委会|居委会|社区|村)"
    )


# (和, 于, 等 stop the value, except inside a place's name right before its 组/社: 中和村民小组, 福和二社)
_HOME_TAIL = re.compile(r"(?:[^\W_的和与及等在从于向将已是系因为对]|[-－](?=\d)"
                        r"|[和于等](?=[\u4e00-\u9fff]{0,3}?(?:村民小组|村小组|组|社)(?![\u4e00-\u9fff]{0,2}(?:会|区))))*")
_HOME_STOP = re.compile(r"局|政府|委员会机关|办公室|公司|中心|关于|学校|医院|卫生院|发生|从事|开展|进行")
_HOME_HEADERS = ("住址", "地址", "户籍地", "居住地", "所在地", "住所")


def _home_value(text: str, start: int) -> tuple[str, int, int, str] | None:
    m = _home_value_re().match(text, start)
    if m is None:
        return None
    tail = _HOME_TAIL.match(text, m.end())
    end = min(tail.end() if tail else m.end(), m.end() + 24)
    value = text[start:end]
    if end == m.end() or _HOME_STOP.search(value):
        return None  # down to the 村/社区 only: not a detailed address (凤羽镇凤翔村 stays)
    keep = _keep_end(value)
    return value, start, end, value[:keep] + _mask_rest(value[keep:])


def _home_addresses(text: str) -> Iterator[tuple[str, int, int, str]]:
    for label in _HOME_LABEL.finditer(text):
        if label.group().startswith("住") and label.start() > 0 and text[label.start() - 1] in "居家现入":
            continue  # 居住/家住/现住 are matched as themselves
        if (found := _home_value(text, label.end())) is not None:
            yield found
    if not any(sep in text for sep in ("\t", "|", " ")):
        return
    ctx = TextContext(text)
    starts = [cell.start(1) for cell in re.finditer(r"(?:^|(?<=[\t|｜]))[ \u3000]*([^\t|｜\n]+)", text, re.M)]
    for row in range(len(ctx.starts)):
        spaced = ctx.spaced_row(row)
        starts += [s for s, _ in spaced[1]] if spaced else []
    for start in starts:
        cells = ctx.header_cells(start)
        column = ctx.column_of(start)
        if not cells or column >= len(cells):
            continue
        if any(h in cells[column] for h in _HOME_HEADERS) and (found := _home_value(text, start)) is not None:
            yield found
        elif any(h in cells[column] for h in _GROUP_HEADERS) and (m := _GROUP_CELL.match(text, start)):
            value = m.group()
            keep = _keep_end(value)
            yield value, start, m.end(), value[:keep] + _mask_rest(value[keep:])


# a 村组 column's cell: the village and a named or numbered group, with or without the township (团结村委会大村组)
_GROUP_HEADERS = ("村组", "村民小组", "组别", "所在组")
_GROUP_CELL = re.compile(r"(?:[\u4e00-\u9fff]{1,5}?(?:镇|乡))?[\u4e00-\u9fff]{1,6}?(?:村委会|村民委员会|社区|村)"
                         r"[\u4e00-\u9fff]{0,5}?(?:村民小组|组|社)(?![\u4e00-\u9fff\d])")


_NOT_PLACE_START = frozenset("年月日时号在于至到从由和与及的是为住家")


@county_cache
def _named_group_re() -> re.Pattern[str]:
    """A township, a 村委会/社区 and a named group (右所镇焕文村委会下所社) with no label and no number: a household's 组
    or 社 (tools/pii.py keeps it only on a line that carries a person, and never before land or works)."""
    return re.compile(
        r"(?:云南省)?" + load_county().place_prefix() + r"[\u4e00-\u9fff]{1,5}?(?:镇|乡|街道)"
        r"[\u4e00-\u9fff]{1,6}?(?:村委会|村民委员会|社区居委会|居委会|社区)[\u4e00-\u9fff]{1,4}?(?:村民小组|组|社)"
        r"(?=人|的|[^\u4e00-\u9fff\d]|$)")


def find_addresses(text: str) -> Iterator[tuple[str, int, int, str]]:
    """Yield (text, start, end, masked) for detailed addresses in ``text`` (labelled ones first: they are longer)."""
    yield from _home_addresses(text)
    for m in _DETAIL.finditer(text):
        if m.start() == 0 or not m.group().rstrip("0123456789").endswith(_DETAIL_END):
            continue
        before = _CJK_BEFORE.search(text, max(0, m.start() - 24), m.start())
        if before is None:
            continue
        prefix = before.group()
        lead_end = _lead_end(prefix)
        lead_word = prefix[:lead_end]
        prefix = prefix[lead_end:]
        prefix = prefix.lstrip("号组社栋幢单元楼层室院")  # the end of a previous address, not the start of this one
        if not prefix or not _PLACE_ANCHOR.search(prefix):
            continue
        start = m.start() - len(prefix)
        value = text[start: m.end()]
        keep = _keep_end(value)
        if keep == 0 and not re.search(r"路|街|巷|大道", prefix) and not (
                _ESTATE.search(prefix) and (_HOME_LEAD.search(lead_word) or len(_PART_RE.findall(m.group())) >= 2)):
            continue  # 幸福小区3栋 alone may be a project's site; 家住…小区3栋 or …小区3栋2单元502室 is a home
        if (_OFFICE_AFTER.match(text[m.end(): m.end() + 12]) or _OFFICE_LABEL.search(text, max(0, start - 8), start)
                or _ORG_BEFORE.search(text, max(0, start - 10), start)
                or _ORG_IN_PREFIX.search(prefix)):
            continue  # an office's address is published on purpose, not personal data
        masked = value[:keep] + _mask_rest(value[keep:])
        yield value, start, m.end(), masked
    for m in _named_group_re().finditer(text):
        value = m.group()
        town = _TOWN_IN.search(value)
        lead = _lead_end(value[: town.start()]) if town else 0  # "现居洱源县…": the lead word is not the address
        while lead < len(value) - 1 and value[lead] in _NOT_PLACE_START:
            lead += 1  # "2026年凤羽镇…": a date's 年 or a preposition runs into the township's name
        value, start = value[lead:], m.start() + lead
        if _ORG_IN_PREFIX.search(value) or _OFFICE_AFTER.match(text[m.end(): m.end() + 12]):
            continue
        keep = _keep_end(value)
        yield value, start, m.end(), value[:keep] + _mask_rest(value[keep:])
