"""Names listed with no cue word between them, for tools/pii_names.py.

公示名单, 获奖名单 and Word tables put names side by side, separated by spaces, tabs, 、 or full-width
spaces, with the cue only once, before a colon ("拟推荐对象：杨建国 李秀英 赵 丽", "三等奖（3名）：李建明
施玉兰", "承办人：杨永刚、段春明") or on the line above ("拟表彰以下同志为…：" then lines of names). A run
is reported only when every token in it reads as a surname-led name (tools/pii_names.plausible_name)
or as a unit, place or grade beside the names (县财政局, 凤羽镇, 三年级), so a sentence after a colon
never yields a stray name. A lone surname character followed by one
character ("赵 丽") is one name typed with a space, as Word tables do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from tools.pii_names import finding, plausible_name

_TOKEN = re.compile(r"[^ \t\u3000、，,；;（）()]+")  # a bracketed note (三营镇永乐村) is a token of its own
# the text before a colon that introduces the list: short, on one line, no sentence break inside
_INTRO = re.compile(r"([^。；;\n：:]{1,40})[：:][ \t\u3000]*")
_LIST_CUES = ("推荐", "名单", "人选", "拟表彰", "拟聘", "拟录用", "拟确定", "候选人", "获奖", "表彰", "以下同志",
              "以下人员", "入选", "评为")
_END = re.compile(r"[。！？!?]|$")
# a heading line that names a list without a colon: "2026年度县级科技特派员名单", "…发放花名册"
_LIST_HEADING = re.compile(r"(?:名单|名册|花名册|人员名单|对象名单|一览表)(?:（[^）]*）)?$")


def _join_split_pairs(raw: list[tuple[int, int]],
                      joins: Callable[[tuple[int, int], tuple[int, int]], bool]) -> list[tuple[int, int]]:
    """``raw`` spans with each two one-character spans one or two characters apart made one span when ``joins`` says
    so (a name typed or pasted from a Word table with spaces inside: "赵 丽", "赵  丽")."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(raw):
        s, e = raw[i]
        if (e - s == 1 and i + 1 < len(raw) and raw[i + 1][1] - raw[i + 1][0] == 1
                and raw[i + 1][0] - e in (1, 2) and joins(raw[i], raw[i + 1])):
            out.append((s, raw[i + 1][1]))
            i += 2
            continue
        out.append((s, e))
        i += 1
    return out


def _tokens(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """(start, end) of the tokens in text[lo:hi]; a surname character and one more character split by a
    single space are one token ("赵 丽")."""
    raw = [(m.start(), m.end()) for m in _TOKEN.finditer(text, lo, hi)]
    return _join_split_pairs(raw, lambda first, second: not text[first[1]:second[0]].strip(" \u3000")
                             and "\u4e00" <= text[first[0]] <= "\u9fff" and "\u4e00" <= text[second[0]] <= "\u9fff")


def _is_name(text: str, start: int, end: int, lex: Any) -> bool:
    value = text[start:end]
    if len(value) in (3, 4) and not value[1:-1].strip(" \u3000"):
        return plausible_name(value[0] + value[-1], 0, 2, lex)
    return 2 <= len(value) <= 4 and plausible_name(text, start, len(value), lex)


def _qualifier(value: str, lex: Any) -> bool:
    """A unit, place or grade standing beside the names (县财政局, 凤羽镇, 三年级, 第1名), never a person."""
    return (value[-1] in lex.bad_endings or value[-1] in "级班名中" or any(ch.isdigit() for ch in value)
            or value in ("男", "女") or len(value) <= 4 and value.endswith("族"))  # 男, 白族 beside a name


_SERIAL = re.compile(r"\d{1,3}[.、．]?|[（(]\d{1,3}[）)]")  # a row number before a listed name


def _run(text: str, lo: int, hi: int, lex: Any, *, first_is_name: bool) -> list[tuple[int, int]] | None:
    """The name tokens of text[lo:hi] when every other token is a unit/place/grade beside them (and, for a
    line under a cue line, the line starts with a name)."""
    tokens = _tokens(text, lo, hi)
    names = [(s, e) for s, e in tokens if _is_name(text, s, e, lex)]
    if not names or any((s, e) not in names and not _qualifier(text[s:e], lex) for s, e in tokens):
        return None
    while first_is_name and tokens and _SERIAL.fullmatch(text, *tokens[0]):
        tokens = tokens[1:]  # "2 张 伟 男 县二中": a row number before the name
    if first_is_name and (not tokens or names[0] != tokens[0]):
        return None
    return names


def _cued(intro: str, lex: Any) -> bool:
    return any(c in intro for c in _LIST_CUES + lex.list_cues_before) or intro.rstrip().endswith(
        tuple(lex.label_words)) or lex.colon_labels.fullmatch(intro.strip() + "：") is not None


def listed_names(text: str, lex: Any) -> Iterator[tuple[str, int, int, str]]:
    """Names in a cued list on one line, and whole lines of names under a cue line ending with a colon."""
    pos, open_list = 0, False
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip(" \t\u3000")
        if not stripped:
            open_list = False
            continue
        intro = _INTRO.search(text, start, end)
        tokens = None
        if intro and _cued(intro.group(1), lex):
            stop = _END.search(text, intro.end(), end)
            tokens = _run(text, intro.end(), stop.start() if stop and stop.start() <= end else end, lex,
                          first_is_name=False)
            open_list = intro.end() >= len(text[:end].rstrip(" \t\u3000"))  # the cue line ends with its colon
        elif _LIST_HEADING.search(stripped):
            open_list = True
            continue
        elif open_list and intro and _qualifier(intro.group(1).strip(), lex):
            # under a list heading, a line led by its unit or place ("牛街乡：字海林（福和村委会）")
            tokens = _run(text, intro.end(), end, lex, first_is_name=False)
        elif open_list:
            tokens = _run(text, start, end, lex, first_is_name=True)
            open_list = tokens is not None
        if tokens:
            for s, e in tokens:
                yield finding(text[s:e], s)


_CELL_TOKEN = re.compile(r"[^\s]+")


def _cells(text: str, lo: int, hi: int, lex: Any) -> list[tuple[int, int]]:
    """Space-separated cells of text[lo:hi]; a surname and one character split by one space are one cell (董 华)."""
    raw = [(m.start(), m.end()) for m in _CELL_TOKEN.finditer(text, lo, hi)]
    return _join_split_pairs(raw, lambda first, second: text[first[0]] in lex.surnames
                             and "\u4e00" <= text[second[0]] <= "\u9fff")


def _shape(cell: str) -> bool:
    return any(ch.isdigit() for ch in cell)


def flattened_rows(text: str, lex: Any) -> Iterator[tuple[str, int, int, str]]:
    """A Word table pasted as one line of cells ("户主 家庭人口 补助金额 苏永发 4 35000元 董 华 3 15000元"): a run of
    column headers, one of them a person column, then records of as many cells, each shaped like the first
    (digits where it had digits); the person column's cell of each record is a name."""
    from tools.pii_context import is_header_cell
    from tools.pii_names import column_name
    from tools.pii_text_names import NAME_HEADERS

    pos = 0
    for line in text.split("\n"):
        lo, pos = pos, pos + len(line) + 1
        if line.count(" ") < 5:
            continue
        cells = _cells(text, lo, lo + len(line), lex)
        width = 0
        while width < len(cells) and is_header_cell(text[cells[width][0]:cells[width][1]]):
            width += 1
        person = [k for k in range(width) if NAME_HEADERS.match(text[cells[k][0]:cells[k][1]])]
        if width < 2 or len(person) != 1 or len(cells) < 2 * width:
            continue
        first = [_shape(text[s:e]) for s, e in cells[width:2 * width]]
        for r in range(width, len(cells) - width + 1, width):
            record = cells[r:r + width]
            name_cell = record[person[0]]
            if [_shape(text[s:e]) for s, e in record] != first or not column_name(text[name_cell[0]:name_cell[1]], lex):
                break
            yield finding(text[name_cell[0]:name_cell[1]], name_cell[0])
