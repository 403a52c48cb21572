"""Where a value sits: its line, its table column, and the nearest label before it.

Used by the number detectors (an ID-shaped number after 身份证号 is an ID even with a wrong check
digit) and by the public-contact rule (a number after 监督电话 is an office's). The labels are data
(tools/data/pii_context.yaml).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

_CELL_SEP = re.compile(r"\t|[|｜]| {2,}|\u3000+")
_BAR_SEP = re.compile(r"\t|[|｜]")
_PARTY_SEP = re.compile(r"[；;]")
_HEADER_LOOKBACK = 60  # lines above a table row searched for its header


@dataclass(frozen=True)
class _Labels:
    window: int
    pattern: re.Pattern[str]
    kinds: dict[str, str]
    header: re.Pattern[str]


@cache
def _labels() -> _Labels:
    raw = yaml.safe_load(resources.files("tools").joinpath("data/pii_context.yaml").read_text("utf-8"))
    kinds: dict[str, str] = {}
    for kind, key in (("other", "other_labels"), ("account", "account_labels"), ("id", "id_labels"),
                      ("public", "public_contact_labels")):
        for label in raw[key]:
            kinds[label] = kind
    words = sorted(kinds, key=len, reverse=True)
    header = re.compile("|".join(map(re.escape, raw["header_words"])))
    return _Labels(int(raw["window"]), re.compile("|".join(map(re.escape, words))), kinds, header)


def is_header_cell(cell: str) -> bool:
    """True when a cell names a column (户主, 家庭人口, 补助金额): it holds a column word and no digit."""
    return not any(ch.isdigit() for ch in cell) and _labels().header.search(cell) is not None


def header_word_at(text: str, pos: int) -> bool:
    """True when a column word (电话, 地址, 职务 …) starts within two characters of ``pos``."""
    m = _labels().header.search(text, pos, pos + 6)
    return m is not None and m.start() <= pos + 2


class TextContext:
    """Line and column facts about one text, computed once per ``find_pii`` call."""

    def __init__(self, text: str, cells: str | None = None) -> None:
        self.text = text
        # the same text with its full-width spaces unfolded: "李国华\u3000532930…" separates two cells, while the
        # folded text has one ASCII space there, which inside a cell ("杨 梅") separates nothing
        self.cells = cells if cells is not None and len(cells) == len(text) else text
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self._spaced: dict[int, tuple[list[str], list[tuple[int, int]]] | None] = {}

    def line_no(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    def line_bounds(self, pos: int) -> tuple[int, int]:
        i = self.line_no(pos)
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.text)
        return self.starts[i], end

    def line_text(self, pos: int) -> str:
        start, end = self.line_bounds(pos)
        return self.text[start:end]

    def part_no(self, pos: int) -> tuple[int, int]:
        """(line, party): a line cut at ；/; ("出租方：…；承租方：…" holds two parties, each with its own contacts)."""
        start, _ = self.line_bounds(pos)
        return self.line_no(pos), len(_PARTY_SEP.findall(self.text, start, pos))

    def part_bounds(self, pos: int) -> tuple[int, int]:
        start, end = self.line_bounds(pos)
        before = [m.end() for m in _PARTY_SEP.finditer(self.text, start, pos)]
        after = _PARTY_SEP.search(self.text, pos, end)
        return (before[-1] if before else start), (after.start() if after else end)

    def _line(self, i: int) -> str:
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.text)
        return self.cells[self.starts[i]: end]

    def label_before(self, pos: int, window: int | None = None) -> str | None:
        """Kind (id/account/other/public) of the nearest label before ``pos`` on its line, or of its column header."""
        labels = _labels()
        line_start, _ = self.line_bounds(pos)
        lo = max(line_start, pos - (window or labels.window))
        found = list(labels.pattern.finditer(self.text, lo, pos))
        if found:
            return labels.kinds[found[-1].group()]
        return self.column_label(pos)

    def column_of(self, pos: int) -> int:
        spaced = self.spaced_row(self.line_no(pos))
        if spaced is not None:
            return sum(1 for _, end in spaced[1] if end < pos)
        line_start, line_end = self.line_bounds(pos)
        # in a row split by tabs or bars, two spaces inside a cell ("罗  兰") separate nothing
        sep = _BAR_SEP if re.search(r"[\t|｜]", self.cells[line_start:line_end]) else _CELL_SEP
        return len(sep.findall(self.cells[line_start:pos].lstrip("|｜ \u3000")))

    def header_cells(self, pos: int) -> list[str] | None:
        """The cells of the header row of the table ``pos`` sits in (the nearest line above with labels and no long numbers)."""
        row = self.line_no(pos)
        spaced = self.spaced_row(row)
        if spaced is not None:
            return spaced[0]
        if len(_CELL_SEP.split(self._line(row).strip())) < 2:
            return None
        for i in range(row - 1, max(-1, row - _HEADER_LOOKBACK), -1):
            line = self._line(i).strip()
            if not line:
                return None
            if re.search(r"\d{6}", line) or set(line) <= set("|-: ｜") or not _labels().header.search(line):
                continue  # a data row or a Markdown rule line
            cells = _join_spread_cells(_CELL_SEP.split(line.strip("|｜ ")))
            if len(cells) >= 2:
                return cells
        return None

    def column_label(self, pos: int) -> str | None:
        cells = self.header_cells(pos)
        if not cells:
            return None
        column = self.column_of(pos)
        labels = _labels()
        if column < len(cells):
            found = labels.pattern.findall(cells[column])
            return labels.kinds[found[-1]] if found else None
        return None

    def spaced_row(self, row: int) -> tuple[list[str], list[tuple[int, int]]] | None:
        """(header cells, cell spans) of a table row whose cells are split by single spaces, or None.

        A pasted table often keeps one space between cells ("1 杨建国 532930… 13988701234"), which inside a cell
        ("杨 梅") separates nothing; so such a line is a row only under a header line of as many cells, after
        joining a lone surname with the one character after it ("杨 梅") as long as the row has cells to spare.
        """
        if row not in self._spaced:
            self._spaced[row] = self._find_spaced_row(row)
        return self._spaced[row]

    def _find_spaced_row(self, row: int) -> tuple[list[str], list[tuple[int, int]]] | None:
        cells = _single_cells(self._line(row), self.starts[row])
        if len(cells) < 2:
            return None
        for i in range(row - 1, max(-1, row - _HEADER_LOOKBACK), -1):
            line = self._line(i).strip()
            if not line:
                return None
            if re.search(r"\d{6}", line) or not _labels().header.search(line):
                continue
            header = line.split()
            named = sum(1 for h in header if is_header_cell(h))
            if named < 2 or named * 2 < len(header) or re.search(r"\d", line):
                return None  # a sentence with a column word, not a header row
            joined = _join_spaced_names(self.text, cells, len(header))
            return (header, joined) if joined is not None else None
        return None


def _join_spread_cells(cells: list[str]) -> list[str]:
    """Header cells with a two-character word spread over the cell by spaces ("姓  名", "性  别", as Word centres a
    column title) made one cell again: a column title is never a single character."""
    out: list[str] = []
    i = 0
    while i < len(cells):
        a = cells[i].strip()
        b = cells[i + 1].strip() if i + 1 < len(cells) else ""
        if len(a) == 1 and len(b) == 1 and "\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff" \
                and is_header_cell(a + b):
            out.append(a + b)
            i += 2
            continue
        out.append(cells[i])
        i += 1
    return out


_SINGLE_CELL = re.compile(r"[^ \t|｜]+")


def _single_cells(line: str, offset: int) -> list[tuple[int, int]]:
    """Spans of the cells of a line split by single spaces, or [] when a wider separator is there as well."""
    if "\t" in line or "|" in line or "｜" in line or "  " in line or "\u3000" in line:
        return []
    return [(m.start() + offset, m.end() + offset) for m in _SINGLE_CELL.finditer(line)]


_GROUP = re.compile(r"\d{1,8}[Xx]?")


def _join_grouped_numbers(text: str, cells: list[tuple[int, int]], width: int) -> list[tuple[int, int]]:
    """``cells`` with a number typed in groups ("6228 4807 6215 3309 876": a bank card in 4s) made one cell while the
    row has more cells than its header: consecutive digit groups, one space apart, that join to 15-19 digits."""
    out = list(cells)
    i = 0
    while len(out) > width and i < len(out):
        joined = 0
        for j in range(i, len(out)):
            s, e = out[j]
            if not _GROUP.fullmatch(text, s, e) or j > i and s != out[j - 1][1] + 1 or j == i and e - s < 4:
                break
            joined += e - s
            merged = j - i + 1
            if 15 <= joined <= 19 and merged > 1 and len(out) - merged + 1 <= width:
                out[i: j + 1] = [(out[i][0], e)]
                break
        i += 1
    return out


def _join_spaced_names(text: str, cells: list[tuple[int, int]], width: int) -> list[tuple[int, int]] | None:
    """``cells`` with lone surname characters joined to the one character after them until there are ``width``
    (or ``width`` - 1), or None when the row does not line up with its header."""
    from tools.pii_names import lexicon

    surnames = lexicon().surnames
    out = list(cells)
    i = 0
    while len(out) > width and i + 1 < len(out):
        (s, e), (s2, e2) = out[i], out[i + 1]
        if e - s == 1 and e2 - s2 == 1 and text[s] in surnames and "\u4e00" <= text[s2] <= "\u9fff" and s2 == e + 1:
            out[i: i + 2] = [(s, e2)]
        i += 1
    out = _join_grouped_numbers(text, out, width)
    # a row may leave its last cell empty (备注): one cell short still lines up from the left
    return out if len(out) == width or len(out) == width - 1 >= 2 else None
