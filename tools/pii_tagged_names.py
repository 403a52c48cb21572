"""Person names in free running text, found by jieba's part-of-speech tagger, for tools/pii_names.py.

The rule detectors need a cue (a label, an honorific, a list, a table column, a decision verb). A
sentence such as "经调查，赵春花家庭人均收入低于…" or "…丰源村杨学文到县信访局反映…" has none. jieba's HMM
tags a word it does not know as ``nr`` (person) when it reads like a name; that is the evidence here,
and it is taken only when the word also passes the surname and stop-word checks of
tools/pii_names.plausible_name. Words of the dictionary tagged ``nr`` are ordinary words (明白, 文明,
黄金周) or public figures (毛泽东), never counted. A surname that the tagger splits off on its
own (王/nr 建国/ns) is read with the one or two characters after it.

The tagger runs on the project's own jieba dictionary (knowledge/sources/jieba_dict.txt); it is built
on first use, so a process that never meets a Chinese sentence never loads it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from typing import Any

from tools.pii_context import TextContext
from tools.pii_names import after_context_word, boundary_before, finding, plausible_name
from tools.pii_text_names import NAME_HEADERS

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# tags of words that never end a given name: particles, prepositions, conjunctions, numbers, pronouns …
_NOT_GIVEN = re.compile(r"^(?:u|p|c|x|m|q|r|f|y|e|o|w)")
_NUMERALS = frozenset("零壹贰叁肆伍陆柒捌玖拾佰仟萬億")  # 伍拾万元 is an amount in capitals
# before a name: never a numeral or a demonstrative (第三张表, 这段时间: 张/段 is a measure word there)
_COUNTED = frozenset("一二三四五六七八九十百千万两几这那每各该本此哪第某")
# a 文号's organ abbreviation (邓政请〔2020〕19号, 洱政办发〔2021〕3号) reads like a name to the tagger
_DOC_NUMBER_AFTER = re.compile(r"[\u4e00-\u9fff]{0,3}[〔［\[【(（]\s*(?:19|20)\d\d\s*[〕］\]】)）]")
# the rest of a firm's name after a trade name (洱源县阿鹏乳扇加工坊, 金花农家乐): a brand, not a person; a person named
# in the firm's name and elsewhere in the text is still masked there, and so at every occurrence (tools/pii.py)
_FIRM_REST = re.compile(r"[\u4e00-\u9fff]{0,8}?(?:坊|店|厂|公司|合作社|商行|经营部|门市部|超市|农家乐|客栈|酒店|饭店|餐馆|餐厅"
                        r"|工作室|养殖场|种植场|农场|牧场|茶庄|商店|药店|诊所|专业社)")
_NUMBERED = re.compile(r"[（(][一二三四五六七八九十\d]{1,3}[）)]$")
_UNIT_AFTER = re.compile(r"(?:镇|乡)(?!长)|局(?!长)|委员会|人民政府|公司|学校")
_CLAUSE_END = frozenset("，。；：、！？,;:）)")
_lock = threading.Lock()
_tagger: Any = None


def _pos_tagger() -> Any:
    """jieba's POSTokenizer over the project's dictionary, built once."""
    global _tagger
    with _lock:
        if _tagger is None:
            from importlib import resources

            from knowledge.tokenizer import import_jieba

            jieba = import_jieba()
            jieba.setLogLevel(logging.WARNING)
            import jieba.posseg as posseg

            dictionary = resources.files("knowledge").joinpath("sources", "jieba_dict.txt")
            with resources.as_file(dictionary) as path:
                tokenizer = jieba.Tokenizer(str(path))
                tokenizer.initialize()
            _tagger = posseg.POSTokenizer(tokenizer)
        return _tagger


def warm_tagger() -> None:
    """Build the tagger now (about 1 s; more on a busy machine) instead of on the first text that needs it."""
    _pos_tagger()


def _tokens(text: str) -> list[tuple[str, str, int, bool]]:
    """(word, tag, start, in the dictionary) for one CJK run."""
    tagger = _pos_tagger()
    freq = tagger.tokenizer.FREQ
    out, pos = [], 0
    for pair in tagger.cut(text):
        word, tag = pair.word, pair.flag
        out.append((word, tag, pos, bool(freq.get(word))))
        pos += len(word)
    return out


def _reading(tokens: list[tuple[str, str, int, bool]], i: int, lex: Any, *, cued: bool = False) -> int | None:
    """Length of the name that token ``i`` starts, or None; ``cued``: a role or a person's verb stands before it."""
    word, tag, _, known = tokens[i]
    if (tag == "q" and word in lex.surnames and i + 1 < len(tokens) and len(tokens[i + 1][0]) == 2
            and not (i > 0 and tokens[i - 1][1] == "m")):
        tag = "nr"  # 张/q 建国/ns: a surname that is also a measure word, before a given name (never after 一/这: _COUNTED)
    if not tag.startswith("nr"):
        return None
    if 2 <= len(word) <= 4:
        if known:  # 明白, 文明, 黄金周, 毛泽东: dictionary words tagged nr; 杨建华 is one too
            return 3 if _acting_person(tokens, i, lex, cued=cued) else None
        return len(word)
    if len(word) != 1 or word not in lex.surnames or i + 1 >= len(tokens):
        return None
    nxt, nxt_tag = tokens[i + 1][0], tokens[i + 1][1]
    if _NOT_GIVEN.match(nxt_tag) or len(nxt) > 2:
        return None
    if len(nxt) == 2 and tokens[i + 1][3] and nxt_tag.startswith(("v", "d")):
        return None  # 奖励金/nr 打入/v: a dictionary verb is no given name (none of the names we have seen is one)
    if len(nxt) == 1 and i + 2 < len(tokens):
        third, third_tag = tokens[i + 2][0], tokens[i + 2][1]
        if len(third) == 1 and not _NOT_GIVEN.match(third_tag) and third not in lex.followers:
            return 3  # 杨/nr 学/v 文/ng: a given name the tagger cut in two
    return 1 + len(nxt)


def _acting_person(tokens: list[tuple[str, str, int, bool]], i: int, lex: Any, *, cued: bool) -> bool:
    """A dictionary name of three characters (the dictionary lists common names: 杨建华, 王国强) read as a
    person only after a role or a person's verb (村民, 反映) or where a word that follows a person comes right after
    it ("杨建华于…", "…称", "…因", "…向"), never 的 alone (public figures, 毛泽东 and the rest, are no names at all: tools/pii_names.plausible_name)."""
    word = tokens[i][0]
    if len(word) != 3 or word[0] not in lex.surnames or _common_noun(word[1:]):
        return False
    if cued:
        return True  # 村民杨建华…, 反映张利民长期…
    if lex.person_acts.match("".join(t[0] for t in tokens[i + 1: i + 4])):
        return True  # 杨建华拒不…, 杨建华的房屋…
    after = "".join(t[0] for t in tokens[i + 1: i + 3])
    return bool(after) and after.startswith(lex.followers) and not after.startswith("的")


def dictionary_tag(word: str) -> str | None:
    """The part of speech the project's dictionary gives ``word``, or None when the word is not listed."""
    tagger = _pos_tagger()
    return tagger.word_tag_tab.get(word) if tagger.tokenizer.FREQ.get(word) else None


def _common_noun(word: str) -> bool:
    """True for a frequent common noun of the dictionary (建筑 in 古建筑, 夫人 in 王夫人), never a given name."""
    tagger = _pos_tagger()
    tag = tagger.word_tag_tab.get(word, "")
    return tag.startswith(("n", "m")) and not tag.startswith(("nr", "nz")) and tagger.tokenizer.FREQ.get(word, 0) >= 400


def _acted_reading(text: str, start: int, run_end: int, tokens: list[tuple[str, str, int, bool]], i: int,
                   lex: Any) -> int | None:
    """Length of a name the tagger missed (王国/ns 强, 何/永福, 字红艳) where a person's act follows it right away
    ("…反映", "…表示", "…的房屋", "…拒不"): a surname-led reading that ends where a token ends, starts where a name
    may start, and is no dictionary word; two characters only when the dictionary lacks them and an act follows."""
    if text[start] not in lex.surnames and text[start:start + 2] not in lex.compounds:
        return None
    if not boundary_before(text, start, lex):
        return None
    if text[start] in lex.left_words and start > 0 and "\u4e00" <= text[start - 1] <= "\u9fff":
        return None  # 负责人同意和告知…, 网站和政府系统: 和/向/经 in mid-sentence is a conjunction or preposition
    ends = {start - tokens[i][2] + t[2] for t in tokens[i + 1:]} | {run_end}
    for length in (3, 4, 2):
        end = start + length
        if end not in ends or not plausible_name(text, start, length, lex) or dictionary_tag(text[start:end]):
            continue
        if (dictionary_tag(text[start:start + 2]) or "n")[0] in "tmfrpcdu":
            continue  # 明年/t 初和年底: a time, number, place-word or function word, then a suffix
        act = lex.person_acts.match(text, end)
        if act is not None and (length > 2 or len(act.group()) >= 2):
            return length
        if length > 2 and after_context_word(text, start, lex) and (end == len(text) or text[end] in _CLAUSE_END):
            return length  # 约谈了王国强。, 慰问了字红艳、…: the object of a verb about a person, the clause ending there
    return None
    return None


def _in_firm_name(text: str, end: int, run_end: int, tokens: list[tuple[str, str, int, bool]], run_start: int) -> bool:
    """True when the rest of the run after a reading is the rest of a firm's name (阿鹏|乳扇加工坊): a suffix such as
    坊/店/合作社 after nouns only; a clause (李秀英|将土地流转给合作社) has verbs and prepositions in it."""
    if end >= run_end or _FIRM_REST.fullmatch(text, end, run_end) is None:
        return False
    rest = [t for t in tokens if run_start + t[2] >= end]
    return all(t[1] in ("vn", "ng") or t[1].startswith(("n", "a", "b", "l")) for t in rest)


def _has_candidate(text: str, lo: int, hi: int, lex: Any) -> bool:
    """True when some two- or three-character reading in text[lo:hi] passes the surname and stop-word checks."""
    return any(text[i] in lex.surnames and (plausible_name(text, i, 2, lex) or plausible_name(text, i, 3, lex))
               and not (i > 0 and text[i - 1] in _COUNTED) for i in range(lo, hi - 1))


def _after_role(text: str, start: int, lex: Any) -> bool:
    """True right after a 签发人-like role or a label whose name is personal only beside other data (负责人)."""
    before = text[max(0, start - 8):start].rstrip("：: \t")
    public = tuple(lex.label_words - lex.private_labels) + lex.official_labels
    return before.endswith(public)


def _other_column(ctx: TextContext, start: int, lex: Any) -> bool:
    """True for a table cell under a header that names no person (村委会, 所在地, 项目名称)."""
    cells = ctx.header_cells(start)
    if not cells:
        return False
    column = ctx.column_of(start)
    return column < len(cells) and not NAME_HEADERS.match(re.sub(r"[ \u3000]", "", cells[column]))


def tagged_names(text: str, lex: Any) -> Iterator[tuple[str, int, int, str]]:
    """Yield (name, start, end, masked) for the names the tagger reads in ``text``'s CJK runs."""
    ctx = TextContext(text) if any(sep in text for sep in ("\t", "|", " ", "\u3000")) else None
    for run in _CJK_RUN.finditer(text):
        if not _has_candidate(text, run.start(), run.end(), lex):
            continue  # the HMM costs milliseconds a run: only where a name could start at all
        tokens = _tokens(run.group())
        for i, (_, _, pos, _) in enumerate(tokens):
            length = _reading(tokens, i, lex, cued=after_context_word(text, run.start() + pos, lex))
            start = run.start() + pos
            if length is None:
                length = _acted_reading(text, start, run.end(), tokens, i, lex)
            if length is None or not plausible_name(text, start, length, lex):
                continue
            if start > 0 and (text[start - 1] in _COUNTED or text[start - 1].isdigit()
                              or _NUMBERED.search(text, max(0, start - 6), start)):
                continue  # 第三张表, 100米范围, 超过2周未, 第（一）项之规定: a measure word, not a surname
            if (tokens[i][3] or len(tokens[i][0]) == 1 or length == 2) and not boundary_before(text, start, lex):
                continue  # a dictionary word (这段时间's 段时间), a split-off surname (处理费有…) or a two-character
                # reading (收到申清, a typo) only where a name may start
            if _after_role(text, start, lex) or _NUMERALS & set(text[start + 1:start + length]):
                continue
            if _DOC_NUMBER_AFTER.match(text, start + length) or _UNIT_AFTER.match(text, start + length):
                continue  # 向三营镇人民政府: the reading runs into a place or unit name
            if _in_firm_name(text, start + length, run.end(), tokens, run.start()):
                continue
            if ctx is not None and _other_column(ctx, start, lex):
                continue
            yield finding(text[start:start + length], start)
