"""Person names in running text, lists and Word-table columns, for tools/pii_names.py.

- before an honorific: 张建华同志在…, 李红梅女士, 主任尹华同志 (never 同志们), or before a gender
  or 等人 ("张三，男，汉族…", "王海等5人"). The mask covers the
  whole name: of the 2-, 3- and 4-character readings the longest one whose first character follows
  a word boundary wins, so 主任尹华同志 is 尹华, not 任尹华, and 张建华同志 is never 华同志;
- a list of names joined by 、 with a cue (杨春华、李文斌、赵丽等3名同志; 获奖人员名单：…);
- the cells of a table column headed 姓名/户主/补助对象 …, also when typed with a space (杨 梅).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tools.pii_context import TextContext
from tools.pii_names import (
    after_context_word,
    boundary_before,
    column_name,
    dictionary_tag,
    dictionary_word,
    finding,
    plausible_name,
    spaced_name,
)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CELL = re.compile(r"[^\t|｜]+?(?=\t|[|｜]| {2,}|$)", re.M)
_BAR_CELL = re.compile(r"[^\t|｜\n]+")
# Names joined by 、, each perhaps with its unit in brackets (段志明（县交通运输局）、杨丽萍（…）).
_NOTE = r"(?:[（(][^（()）\n、]{1,20}[）)])?"
_ITEM = r"(?:[\u4e00-\u9fff]{1,6} [\u4e00-\u9fff]{1,7}|[\u4e00-\u9fff]{2,12})"  # 王 敏: typed with a space
_LIST = re.compile(rf"{_ITEM}{_NOTE}(?:、{_ITEM}{_NOTE})+")
# a column of persons: 姓名 / 户主 / 农户 / 贷款户 / 申请人 / 补助对象 / 家庭成员 … (not 户数, 户籍, 单位)
NAME_HEADERS = re.compile(r"^(?:[\u4e00-\u9fff]{0,4}(?:姓名|户主|对象|成员)|[\u4e00-\u9fff]{0,3}(?:农户|贷款户|困难户|脱贫户|人)|开户名|户名|获奖者)$")


def _is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


_boundary_before = boundary_before


def verb_names(text: str, lex: Any) -> Iterator[tuple[str, int, int, str]]:
    """A name right after a decision about a person: 任命杨春华为…, 免去和志刚的…职务, 授予李春燕同志…."""
    for verb in lex.name_verbs:
        for m in re.finditer(re.escape(verb), text):
            start = m.end()
            compound = text[start: start + 2] in lex.compounds
            for length in ((4, 3) if compound else (3, 2)):
                end = start + length
                if end < len(text) and text[end] in lex.verb_name_ends and plausible_name(text, start, length, lex):
                    yield finding(text[start:end], start)
                    break


def _name_ending_at(text: str, end: int, lex: Any) -> tuple[str, int] | None:
    """The name that ends right before ``end`` (an honorific or a cue follows), or None."""
    best = None
    for length in (2, 3, 4):
        start = end - length
        if start < 0 or not plausible_name(text, start, length, lex) or not _boundary_before(text, start, lex):
            continue
        if length > 2 and text[start] in lex.left_words and start > 0 and _is_cjk(text[start - 1]):
            continue  # 请和张三同志: 和 is a word here, not the surname
        best = (text[start:end], start)
    return best


# After a name in running text: its gender and ethnicity or birth ("张三，男，汉族"; "李四（女，1975年…"),
# or 等人/等3人 ("王海等5人").
_PERSON_AFTER = re.compile(r"[，,（(]\s*[男女][，,、）)\s]|等(?:\d+|[一二三四五六七八九十两]+)?(?:人|名同志|位同志|同志)")


def _spaced_name_ending_at(text: str, end: int, lex: Any) -> tuple[str, int] | None:
    """The name before an honorific, perhaps typed with spaces as Word tables and letters do ("杨 梅 同志")."""
    while end > 0 and text[end - 1] in " \u3000":
        end -= 1
    start = end - 3
    if start >= 0 and spaced_name(text[:end], start, lex) and _boundary_before(text, start, lex):
        return text[start:end], start
    return _name_ending_at(text, end, lex)


_HOUSEHOLD = re.compile(r"户(?=\d|[，,。；;、因的家系于在已未被现共有人])")
_ELDER = re.compile(r"老人|大爷|大妈|阿姨|老汉|老太太|老大娘|大娘")
# What a person does right after being named (由…负责, 经…签字), or a date right after a name
_ACTS_AFTER = re.compile(r"(?:负责|牵头|分管|主持|带队|陪同|签字|签名|签收|领取|具体负责|自行|本人)"
                         r"|于(?:\d{4}年|\d{1,2}月)|(?:19|20)\d\d年\d{1,2}月")


# A letter's salutation: the addressee's name alone on its line, then 你/您 (答复书, 告知书), never an office (你局)
_SALUTATION = re.compile(r"^[ \t\u3000]*([\u4e00-\u9fff][\u4e00-\u9fff ]{1,4}?)[：:][ \t\u3000]*\n?[ \t\u3000]*"
                         r"(?:你|您)(?!们|局|单位|镇|乡|委|办|公司|校|院|部|所|中心|村)", re.M)


def salutation_names(text: str, lex: Any) -> Iterator[tuple[str, int, int, str]]:
    """The addressee of a reply or notice: "杨建华：\n你于2026年4月2日提交的申请收悉" (any surname)."""
    for m in _SALUTATION.finditer(text):
        value = m.group(1)
        if column_name(value, lex):
            yield finding(value, m.start(1))


def honorific_names(text: str, lex: Any) -> Iterator[tuple[str, int, int, str]]:
    for honorific in lex.honorifics:
        for m in re.finditer(re.escape(honorific) + "(?!们)", text):
            hit = _spaced_name_ending_at(text, m.start(), lex)
            if hit:
                yield finding(hit[0], hit[1])
    for m in _PERSON_AFTER.finditer(text):
        hit = _name_ending_at(text, m.start(), lex)
        if hit:
            yield finding(hit[0], hit[1])
    for m in _ELDER.finditer(text):
        hit = _name_ending_at(text, m.start(), lex)
        if hit and len(hit[0]) >= 3 and not dictionary_word(hit[0]):
            yield finding(hit[0], hit[1])  # 85岁的杨树林老人 (never 高龄老人: two characters, a word)
    for m in _HOUSEHOLD.finditer(text):
        hit = _name_ending_at(text, m.start(), lex)
        if hit and len(hit[0]) >= 3 and not dictionary_word(hit[0]):
            yield finding(hit[0], hit[1])  # 罗文军户2025年…: a household named by its head (jieba reads 军户 as a word)
    for m in _ACTS_AFTER.finditer(text):
        hit = _name_ending_at(text, m.start(), lex)
        if hit is None or len(hit[0]) < 3:
            continue
        if m.group().startswith(("于", "20", "19")):
            if dictionary_tag(hit[0]) is None:  # a word of the dictionary, whatever its tag, is more likely a place
                yield finding(hit[0], hit[1])  # 欧阳春花于2026年5月…, 李文兵2026年3月…: a person with a date
        elif not dictionary_word(hit[0]) and hit[1] > 0 and (
                text[hit[1] - 1] in lex.left_words and text[hit[1] - 1] not in "，。：:、（(“\""
                or after_context_word(text, hit[1], lex)):
            yield finding(hit[0], hit[1])  # 由欧阳晓峰负责, 经杨建国本人签字: a person's act after 由/经/请 or a title


def _list_token(text: str, start: int, end: int, lex: Any, *, last: bool) -> tuple[str, int] | None:
    """The name at the end of one 、-separated token (县财政局李芳 → 李芳); the last may have a cue after it."""
    token = text[start:end]
    if len(token) > 2 and token[-1] in "户家" and token[:-1].strip():
        token, end = token[:-1], end - 1  # 何建华户、杨秀兰户: a household named by its head
    if last:
        cue = re.compile("[一二三四五六七八九十两\\d]*(?:" + "|".join(map(re.escape, lex.list_cues_after)) + ")")
        hit = cue.search(token, 2)  # the earliest cue: 李四海两位同志 → 李四海
        if hit:
            token, end = token[:hit.start()], start + hit.start()
    if " " in token:  # 吸收…、王 敏为…: a two-character name typed with a space
        s = start + token.index(" ") - 1
        if s >= start and (s + 3 == end or last) and (s == start or _boundary_before(text, s, lex)) \
                and spaced_name(text, s, lex):
            return text[s:s + 3], s
        return None
    for length in (3, 2, 4):
        s = end - length
        if s >= start and plausible_name(text, s, length, lex) and (s == start or _boundary_before(text, s, lex)):
            return text[s:end], s
    if last:  # 李志红、张晓东为…候选人: the last name runs on into the sentence; it ends before 为/的/等 …
        for length in (3, 2):
            e = start + length
            if e < len(text) and text[e] in lex.verb_name_ends and plausible_name(text, start, length, lex):
                return text[start:e], start
    return None


def _bare_name_list(text: str, parts: list[tuple[int, int]], names: list[tuple[str, int] | None], lex: Any) -> bool:
    """Three or more tokens that are each exactly a name, most of them full names (段玉珍、杨学文、司马春燕: three
    characters, or four after a compound surname): a list of persons even without a cue word; two-character words
    rarely line up three times over."""
    if len(parts) < 3 or any(n is None or n[0] != text[s:e] for n, (s, e) in zip(names, parts[:-1], strict=False)):
        return False
    full = sum(1 for n in names if n is not None and (len(n[0]) == 3 or len(n[0]) == 4 and n[0][:2] in lex.compounds))
    return full * 2 > len(names)


def list_names(text: str, lex: Any) -> Iterator[tuple[str, int, int, str]]:
    for m in _LIST.finditer(text):
        parts = [(p.start() + m.start(), p.end() + m.start()) for p in re.finditer(r"(?:^|(?<=、))[^、（(]+", m.group())]
        names = [_list_token(text, s, e, lex, last=i == len(parts) - 1) for i, (s, e) in enumerate(parts)]
        if any(n is None for n in names):
            continue
        after = text[m.end(): m.end() + 6]
        last_name = names[-1]
        assert last_name is not None
        tail = text[last_name[1] + len(last_name[0]): m.end()] + after
        before = text[max(0, m.start() - 12): m.start() + (names[0][1] - m.start() if names[0] else 0)]
        cue = tail.startswith(lex.list_cues_after) or any(c in before for c in lex.list_cues_before + lex.name_verbs) \
            or re.match(r"^[\d一二三四五六七八九十两]+(?:名|人|位|户)", tail) \
            or _bare_name_list(text, parts, names, lex)
        if not cue:
            continue
        for n in names:
            if n is not None:
                yield finding(n[0], n[1])


def table_column_names(text: str, lex: Any) -> Iterator[tuple[str, int, int, str]]:
    """Cells under a 姓名/户主/… header (tab, | or wide-space separated rows, or single spaces under a header)."""
    if not any(sep in text for sep in ("\t", "|", " ", "\u3000")):
        return
    ctx = TextContext(text)
    for line_no, line_start in enumerate(ctx.starts):
        line_end = ctx.starts[line_no + 1] - 1 if line_no + 1 < len(ctx.starts) else len(text)
        spaced = ctx.spaced_row(line_no)
        # a row split by tabs or bars keeps a name typed with two spaces ("杨  帆") in one cell
        split = _BAR_CELL if re.search(r"[\t|｜]", text[line_start:line_end]) else _CELL
        cells = spaced[1] if spaced else [(m.start(), m.end()) for m in split.finditer(text, line_start, line_end)]
        for cell_start, cell_end in cells:
            raw = text[cell_start:cell_end]
            value = raw.strip(" ")
            if not value or len(value) > 5:
                continue
            start = cell_start + raw.index(value[0])
            header = ctx.header_cells(start)
            if not header:
                continue
            column = ctx.column_of(start)
            if column >= len(header) or not NAME_HEADERS.match(re.sub(r"[ \u3000]", "", header[column])):
                continue
            name = spaced_name(text, start, lex) if " " in value or "\u3000" in value else None
            if name is None and column_name(value, lex):
                name = value
            if name:
                yield finding(name, start)
