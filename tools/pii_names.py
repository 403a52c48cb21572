"""Person names next to personal data (table rows, 姓名：李四) for tools/pii.py.

A name is reported only (a) after a label such as 姓名：/户主：/申请人, or (b) at the start of a
field on a line that already carries other personal data (an ID number, a mobile, an address …),
within a short window of it. The surname list, labels and stop words are data
(tools/data/pii_names.yaml). Unit names and titles are excluded by their last character (局, 镇,
主任 …) and by a stop-word list.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from tools.pii_context import header_word_at

_CJK = re.compile(r"[\u4e00-\u9fff]")
_WINDOW = 40  # characters around a personal-data anchor where a row's name may sit


@dataclass(frozen=True)
class _Lexicon:
    surnames: frozenset[str]
    compounds: tuple[str, ...]
    labels: re.Pattern[str]
    private_labels: frozenset[str]
    followers: tuple[str, ...]
    not_names: frozenset[str]
    bad_endings: frozenset[str]
    honorifics: tuple[str, ...]
    left_words: frozenset[str]
    list_cues_after: tuple[str, ...]
    list_cues_before: tuple[str, ...]
    modal_starts: frozenset[str]
    label_words: frozenset[str]
    name_verbs: tuple[str, ...]
    left_context: tuple[str, ...]
    verb_name_ends: frozenset[str]
    official_labels: tuple[str, ...]
    not_given_chars: frozenset[str]
    public_figures: frozenset[str]
    person_acts: re.Pattern[str]
    colon_labels: re.Pattern[str]


@cache
def _lexicon() -> _Lexicon:
    raw = yaml.safe_load(resources.files("tools").joinpath("data/pii_names.yaml").read_text("utf-8"))
    labels = sorted(raw["labels"], key=len, reverse=True)
    return _Lexicon(
        surnames=frozenset(raw["surnames"].strip()),
        compounds=tuple(raw["compound_surnames"]),
        labels=re.compile("(" + "|".join(map(re.escape, labels)) + r")[：:\s]*(?:为|是)?"),
        private_labels=frozenset(raw["private_labels"]),
        followers=tuple(sorted(raw["followers"], key=len, reverse=True)),
        not_names=frozenset(raw["not_names"]),
        bad_endings=frozenset(raw["bad_endings"]),
        honorifics=tuple(raw["honorifics"]),
        left_words=frozenset(raw["left_words"]),
        list_cues_after=tuple(sorted(raw["list_cues_after"], key=len, reverse=True)),
        list_cues_before=tuple(raw["list_cues_before"]),
        modal_starts=frozenset(raw["modal_starts"]),
        label_words=frozenset(raw["labels"]),
        name_verbs=tuple(raw["name_verbs"]),
        left_context=tuple(raw["name_verbs"]) + tuple(raw["left_context"]) + tuple(raw["labels"]),
        verb_name_ends=frozenset(raw["verb_name_ends"]),
        official_labels=tuple(raw["official_labels"]),
        not_given_chars=frozenset(raw["not_given_chars"]),
        public_figures=frozenset(raw["public_figures"]),
        person_acts=re.compile("|".join(map(re.escape, sorted(raw["person_acts"], key=len, reverse=True)))),
        colon_labels=re.compile("(?<![\u4e00-\u9fff])(?:" + "|".join(map(re.escape, raw["colon_labels"]))
                                + ")[：:][ \t\u3000]*"),
    )


def _is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


def spaced_name(text: str, start: int, lex: _Lexicon) -> str | None:
    """A two-character name typed with one or two spaces between the characters ("杨 梅", "普  丽", as in Word
    tables), or None."""
    for width in (3, 4):
        cand = text[start: start + width]
        after = text[start + width: start + width + 2]
        if (len(cand) == width and cand[0] in lex.surnames and not cand[1:-1].strip(" \u3000") and _is_cjk(cand[-1])
                and (not after or not _is_cjk(after[0]) or after.startswith(lex.followers))
                and _plausible(cand[0] + cand[-1], lex)):
            return cand
    return None


def _pick_name(text: str, start: int, lex: _Lexicon) -> str | None:
    """The person name starting at ``start`` (2–4 characters), or None."""
    head = text[start: start + 2]
    surname_len = 2 if head in lex.compounds else 1
    if surname_len == 1 and text[start: start + 1] not in lex.surnames:
        return None
    for length in (surname_len + 1, surname_len + 2):
        cand = text[start: start + length]
        if len(cand) < length or not all(_is_cjk(c) for c in cand):
            return None
        after = text[start + length: start + length + 2]
        if (not after or not _is_cjk(after[0]) or after.startswith(lex.followers)) and _plausible(cand, lex):
            return cand
    return None


# honorifics' first characters that end many given names (和耀先, 李树先): a shorter reading is tried first, so
# 张建先 is never read out of 张建先生
_GIVEN_FINALS = frozenset("先")


def _plausible(cand: str, lex: _Lexicon, *, whole: bool = False) -> bool:
    """``whole``: ``cand`` is a whole value (a table cell, the value after "label："), so nothing can follow it."""
    if "某" in cand[1:]:  # 陈某 / 杨某某: already pseudonymised
        return False
    married = len(cand) == 3 and cand[2] == "氏" and cand[1] in lex.surnames  # 施李氏: her husband's and her surname
    if lex.not_given_chars & set(cand[1:] if not married else cand[1:2]):
        return False  # 金各 in 慰问金各1000元
    if any(h in cand or not whole and h[0] not in _GIVEN_FINALS and cand.endswith(h[0]) for h in lex.honorifics):
        return False  # 华同志 / 张建华同 are pieces of "张建华同志", never a name; a whole cell 杨绍先 is one
    if cand in lex.label_words or cand[:2] in lex.label_words:
        return False  # 车主 / 户主 are labels, not the name after them
    if cand in lex.public_figures:
        return False  # 学习杨善洲同志先进事迹: a name the 公文 quotes on purpose
    return cand not in lex.not_names and cand[:2] not in lex.not_names and cand[-1] not in lex.bad_endings


def boundary_before(text: str, start: int, lex: _Lexicon) -> bool:
    """A name may start here: text start, a non-CJK character, a function word or a unit/title ending before it."""
    if start == 0 or not _is_cjk(text[start - 1]):
        return True
    before = text[start - 1]
    return before in lex.left_words or before in lex.bad_endings or after_context_word(text, start, lex)


def after_context_word(text: str, start: int, lex: _Lexicon) -> bool:
    """True when a decision verb or a role noun (任命, 授予, 村民, 父亲 …) ends right before ``start``."""
    return text[max(0, start - 5): start].endswith(lex.left_context)


# "段文明（身份证号：…": a name that ends right before an ID/phone label in running text.
_BEFORE_ANCHOR = re.compile(
    r"([\u4e00-\u9fff]{2,4})[（(，,\s]*(?:公民身份号码|身份证号码|身份证号|身份证|联系电话|手机号码|手机|电话)?[：:\s]*$"
)


def _name_before(text: str, anchor_start: int, lex: _Lexicon) -> Iterator[tuple[str, int, int, str]]:
    m = _BEFORE_ANCHOR.search(text, max(0, anchor_start - 16), anchor_start)
    if m is None:
        return
    word_end = m.end(1)
    for length in (3, 2, 4):
        start = word_end - length
        left_ok = start == 0 or not _is_cjk(text[start - 1]) or text[start - 1] in lex.left_words \
            or text[start - 1] in lex.bad_endings or after_context_word(text, start, lex)
        if start >= m.start(1) and left_ok and _pick_name(text[: word_end], start, lex) == text[start:word_end]:
            yield _finding(text[start:word_end], start)
            return


_BARE_NOUNS = frozenset({"党员", "村民", "居民", "学生", "考生", "职工", "农户", "患者"})


class _Lines:
    """Line boundaries of a text, found once; ``bounds(pos)`` is a binary search."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.size = len(text)

    def bounds(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, pos) - 1
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else self.size
        return self.starts[i], end


def _field_starts(text: str, lo: int, hi: int) -> Iterator[int]:
    """Positions in [lo, hi) where a CJK field starts (after a line start, space, punctuation or digit)."""
    for i in range(lo, hi):
        if _is_cjk(text[i]) and (i == 0 or not _is_cjk(text[i - 1])):
            yield i


def _label_names(text: str, lines: _Lines, anchor_lines: set[int], lex: _Lexicon) -> Iterator[tuple[str, int, int, str]]:
    for m in lex.labels.finditer(text):
        if m.start() > 0 and _is_cjk(text[m.start() - 1]) and text[m.start() - 1] not in lex.left_words \
                and text[m.start() - 1] not in lex.bad_endings and m.group(1) in _BARE_NOUNS:
            continue  # 村民 in 全体村民代表, not a label
        if m.end() == m.end(1) and m.end() < len(text) and text[m.end()] in lex.left_words \
                and header_word_at(text, m.end() + 1):
            continue  # "领导姓名和办公电话": the label word used as a noun, 和 a conjunction here (户主和志强 stays)
        name = _pick_name(text, m.end(), lex) or spaced_name(text, m.end(), lex)
        if (name is None and m.group(1) in lex.private_labels and plausible_name(text, m.end(), 3, lex)
                and text[m.end()] not in lex.modal_starts):
            name = text[m.end(): m.end() + 3]  # 行人赵秀芝发生…: a verb follows; most names have three characters
        if name is None and m.group(1) in lex.private_labels and re.search("[：:]", text[m.end(1):m.end()]):
            name = _delimited_value(text, m.end(), lex)  # 户主：寸志刚 (a surname missing from the list)
        if name is None or m.end() == m.end(1) and len(name) == 2 and dictionary_word(name):
            continue  # "与户主关系": the label word inside a phrase, 关系 a word, not a name
        line, line_end = lines.bounds(m.start())
        if _header_row(text[line:line_end]):
            continue  # "户主姓名\t与户主关系": a column header, not a label before a name
        if m.group(1) in lex.private_labels or line in anchor_lines:
            yield _finding(name, m.end())
    for m in lex.colon_labels.finditer(text):  # 记录：普  丽, 经办：字 红
        name = _pick_name(text, m.end(), lex) or spaced_name(text, m.end(), lex) or _delimited_value(text, m.end(), lex)
        if name is not None:
            yield _finding(name, m.end())
    yield from _unit_then_name(text, lex)


# "记录：县政府办公室  赵  敏", "接待人：县信访局 杨波": a form label, the person's unit, a space, then the person
_UNIT_BEFORE_NAME = re.compile(r"[\u4e00-\u9fff]{1,14}?(?:办公室|政府办|局|办|委员会|委|中心|政府|股|站|所|院|部|队|室)[ \u3000]+")


def _unit_then_name(text: str, lex: _Lexicon) -> Iterator[tuple[str, int, int, str]]:
    starts = [m.end() for m in lex.colon_labels.finditer(text)]
    starts += [m.end() for m in lex.labels.finditer(text)
               if m.group(1) in lex.private_labels and re.search("[：:]", text[m.end(1):m.end()])]
    for start in starts:
        unit = _UNIT_BEFORE_NAME.match(text, start)
        if unit is None or "\n" in unit.group():
            continue
        pos = unit.end()
        name = spaced_name(text, pos, lex) or _pick_name(text, pos, lex) or _spaced_word_name(text, pos, lex)
        if name is not None and not (len(name) == 2 and dictionary_word(name)):
            yield _finding(name, pos)


_SPACED_PAIR = re.compile(r"([\u4e00-\u9fff])[ \u3000]{1,2}([\u4e00-\u9fff])(?![\u4e00-\u9fff])")


def _spaced_word_name(text: str, pos: int, lex: _Lexicon) -> str | None:
    """A surname and one character spaced as Word spaces a two-character name, after a label and a unit ("接访人：县住建局
    和  平"): a name although the two characters also make a common word (和平, 高明), which alone would not be read as one."""
    m = _SPACED_PAIR.match(text, pos)
    if m is None or m.group(1) not in lex.surnames or m.group(1) + m.group(2) in lex.label_words:
        return None
    return m.group() if lex.not_given_chars.isdisjoint(m.group(2)) and m.group(2) not in lex.bad_endings else None


_VALUE = re.compile(r"[\u4e00-\u9fff]{2,4}(?![\u4e00-\u9fff])")


def _delimited_value(text: str, start: int, lex: _Lexicon) -> str | None:
    """The whole value after "label：" when it is a 2–4 character word standing alone and reads as a name by every
    check but the surname list (column_name: no unit, title, common word or 某)."""
    m = _VALUE.match(text, start)
    return m.group() if m and column_name(m.group(), lex) and not dictionary_word(m.group()) else None


_HEADER_SPLIT = re.compile(r"\t|[|｜]| {2,}|\u3000{2,}")


def _header_row(line: str) -> bool:
    """A table header row: three or more cells, no digits, no "label：value" cell."""
    cells = [c for c in _HEADER_SPLIT.split(line.strip(" |｜")) if c.strip()]
    return len(cells) >= 3 and not re.search(r"[\d：:]", line)


def _row_names(text: str, lines: _Lines, anchors: list[tuple[int, int]], lex: _Lexicon) -> Iterator[tuple[str, int, int, str]]:
    for a_start, a_end in anchors:
        line_lo, line_hi = lines.bounds(a_start)
        lo, hi = max(line_lo, a_start - _WINDOW), min(line_hi, a_end + _WINDOW)
        for pos in _field_starts(text, lo, hi):
            name = _pick_name(text, pos, lex) or spaced_name(text, pos, lex)
            if name is not None and not (len(name) == 2 and dictionary_word(name)):
                yield _finding(name, pos)  # (符合 after a comma beside an address is a verb: no 2-character name
                # we have seen is a dictionary word other than a name)
        yield from _name_before(text, a_start, lex)


def dictionary_tag(word: str) -> str | None:
    """The part of speech jieba's dictionary (the project's) gives ``word``, or None when it is not listed."""
    from tools.pii_tagged_names import dictionary_tag as tag_of

    return tag_of(word)


def dictionary_word(word: str) -> bool:
    """True when jieba's dictionary lists ``word`` as anything but a person's name (符合, 明确, 安全)."""
    tag = dictionary_tag(word)
    return tag is not None and not tag.startswith("nr")


def _finding(name: str, start: int) -> tuple[str, int, int, str]:
    return name, start, start + len(name), name[0] + "".join(" " if c in " \u3000" else "*" for c in name[1:])


finding = _finding


def running_text_names(text: str, lex: _Lexicon) -> Iterator[tuple[str, int, int, str]]:
    from tools.pii_name_lists import flattened_rows, listed_names
    from tools.pii_tagged_names import tagged_names
    from tools.pii_text_names import (
        honorific_names,
        list_names,
        salutation_names,
        table_column_names,
        verb_names,
    )

    yield from honorific_names(text, lex)
    yield from salutation_names(text, lex)
    yield from verb_names(text, lex)
    yield from list_names(text, lex)
    yield from table_column_names(text, lex)
    yield from listed_names(text, lex)
    yield from flattened_rows(text, lex)
    yield from tagged_names(text, lex)


def find_names(text: str, anchors: list[tuple[int, int]]) -> Iterator[tuple[str, int, int, str]]:
    """Yield (name, start, end, masked) for person names; ``anchors`` are spans of other private data."""
    lex = _lexicon()
    lines = _Lines(text)
    anchor_lines = {lines.bounds(s)[0] for s, _ in anchors}
    # overlapping candidates (a label name that is also a row name) are resolved by the caller
    yield from _label_names(text, lines, anchor_lines, lex)
    yield from _row_names(text, lines, anchors, lex)
    yield from running_text_names(text, lex)


def lexicon() -> _Lexicon:
    """The surname list, labels and stop words (tools/data/pii_names.yaml), loaded once."""
    return _lexicon()


def column_name(value: str, lex: _Lexicon) -> bool:
    """A table cell under a person column reads as a name: 2–4 characters, also with a surname missing from the
    list (阿, 者 and other surnames of the county's peoples); never a common word, unit or title."""
    if len(value) == 3 and value[1] in " \u3000":
        value = value[0] + value[2]
    if not 2 <= len(value) <= 4 or not all(_is_cjk(c) for c in value):
        return False
    return _plausible(value, lex, whole=True) and value[0] not in "某该本此"


def plausible_name(text: str, start: int, length: int, lex: _Lexicon) -> bool:
    """True when text[start:start+length] is a surname-led 2–4 character name (no unit, title or common word)."""
    cand = text[start: start + length]
    if len(cand) != length or not all(_is_cjk(c) for c in cand):
        return False
    compound = cand[:2] in lex.compounds
    if not compound and cand[0] not in lex.surnames or length == 4 and not compound or length < 2:
        return False
    return _plausible(cand, lex)
