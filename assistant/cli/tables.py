"""Plain-text tables for the terminal, padded by display width (a Chinese character takes two columns)."""

from __future__ import annotations

import unicodedata


def shown_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(header: list[str], rows: list[list[str]]) -> str:
    """Columns as wide as their widest cell plus two spaces."""
    widths = [max(shown_width(r[i]) for r in [header, *rows]) + 2 for i in range(len(header))]
    lines = ["".join(c + " " * (w - shown_width(c)) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]
    return "\n".join(lines)
