"""One-character typos of domain words in a question: 年保 → 年报, 行政复义 → 行政复议, 工做日 → 工作日.

A typo of a domain word is a word jieba cannot make: it falls apart into single characters. A run of two or
three single-character pieces that no source mentions, and that is one character away from exactly one domain
word the sources do mention, the two characters sounding the same (pypinyin, tones aside: 报/保, 议/义, 作/做),
is read as that word (保密 is not read into 年保最迟). Pure: the pieces, the domain words and a "the sources
mention it" test in, the corrected text out. pypinyin is imported only when a run has a candidate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)

_CJK = ("\u4e00", "\u9fff")
_SELF = "我你本该贵此"  # 我局, 你局报来的, 本所: a pronoun and an organ's one-character short name


def _cjk(piece: str) -> bool:
    return len(piece) == 1 and _CJK[0] <= piece <= _CJK[1]


def _one_off(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _sounds_alike(a: str, b: str) -> bool:
    """The one differing character of two one-off words has the same toneless reading."""
    try:
        from pypinyin import Style, pinyin
    except ImportError:  # an environment installed before the dependency: no correction rather than a crash
        log.warning("pypinyin is not installed: typos of domain words are not corrected")
        return False
    x, y = next((x, y) for x, y in zip(a, b, strict=True) if x != y)
    readings = [set(r) for r in pinyin([x, y], style=Style.NORMAL, heteronym=True)]
    return bool(readings[0] & readings[1])


def correct(pieces: Sequence[str], vocabulary: Sequence[str], mentioned: Callable[[str], bool]) -> str:
    """The text of ``pieces`` (jieba's cut of a question) with each typo run replaced by its domain word."""
    out: list[str] = []
    n = 0
    while n < len(pieces):
        replaced = None
        for size in (3, 2):
            run = pieces[n : n + size]
            if len(run) < size or not all(_cjk(p) for p in run):
                continue
            window = "".join(run)
            if mentioned(window) or (n and pieces[n - 1][-1:] in _SELF):
                continue
            candidates = [w for w in vocabulary if _one_off(window, w) and _sounds_alike(window, w)]
            if len(candidates) == 1:
                replaced = (candidates[0], size)
                break
        if replaced:
            out.append(replaced[0])
            n += replaced[1]
        else:
            out.append(pieces[n])
            n += 1
    return "".join(out)
