"""A 公文 reader: split a draft into the elements of GB/T 9704-2012 (版头, 主体, 版记).

``read_text`` takes pasted text; ``read_lines`` takes lines with layout hints (tools/gongwen_docx.py
builds them from a .docx: the red 发文机关标志, the centred title, right-aligned 署名/日期). Both are
pure. The reader is forgiving: headers above the title are the normal case, a title on line 1 is
fine too, and anything it cannot place stays in 正文.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any

from tools.gongwen_fields import labelled_fields

_SEP = re.compile(r"^[\s─—━\-_=＝~～·•*＊]{3,}$")
_COPY_NO = re.compile(r"^(?:份号[:：]?\s*|No\.?\s*)?(\d{5,6})$")
# (a 密级 centred by spaces between its characters, as Word does: "秘  密")
_SECRECY = re.compile(r"(?:密级[:：]\s*)?((?:绝|机|秘)[ \u3000]{0,3}密(?:\s*★\s*[^\s特加平]{0,8})?|★\s*(?:绝密|机密|秘密)|保密期限[:：]\s*\S{1,8})")
_URGENCY = re.compile(r"(?:紧急程度[:：]\s*)?(特急|加急|特提|平急)")
_MARKING = re.compile(r"内部(?:资料|文件|刊物|材料|参阅|明电)|注意(?:保管|保存|保密)|(?:不得|严禁|请勿)(?:外传|翻印|对外\S{0,4})"
                      r"|仅供\S{0,10}(?:参阅|参考|阅)|(?:传阅|阅)后收回")
NUMBER = re.compile(r"[^\s：:，,。]{0,16}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*(?:第\s*)?\d+\s*号|(?:\d{4}\s*年\s*)?第\s*[\d一二三四五六七八九十百〇零]+\s*期")
_SIGNER = re.compile(r"签发人[:：]\s*(\S+(?:\s\S{1,4})*)")
_ORGAN = re.compile(r"(?:人民政府|办公室|委员会|政府|局|委|厅|部|中心|镇|乡|街道|公司|院|所|站|队|会|办|室|分局|组|指挥部)$")
_MASTHEAD = re.compile(r"^[^\s：:，,。；;]{2,40}(?:文件|简报|快报|通讯|动态|专报|纪要|信息)$")
NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、．.]\D|第[一二三四五六七八九十]+[条章])")
_DATE = r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*[\d〇○零一二三四五六七八九十]{1,3}\s*月\s*[\d〇○零一二三四五六七八九十]{1,3}\s*日"
_DATE_LINE = re.compile(rf"^(.*?)\s*({_DATE})$")
_PRINTED = re.compile(rf"^(.*?)\s*({_DATE})\s*印发$")
_EDITION = re.compile(rf"^[^\s：:，,。]{{2,30}}(?:(?:编|编印|主办|印发)\s*({_DATE})?|(?:办公室|政府|局|委员会|室|中心)\s+({_DATE}))$")
_DISTRIBUTION = re.compile(r"^(?:抄\s*送|报\s*送|分\s*送|报|送|发)[:：]")
_ATTACH = re.compile(r"^附\s*件\s*\d*\s*[:：]")
_ANNEX = re.compile(r"^附\s*件\s*\d*$|^附[:：]?$")
_ATTRIBUTE = re.compile(r"此件(?:公开发布|删减后公开|依申请公开|不予?公开|主动公开)"
                        r"|(?:公开方式|公开属性|信息公开属性|公开选项)\s*[:：]\s*(?:主动公开|依申请公开|删减后公开|不予?公开|公开发布)")
# a line that only states the 公开属性 (GB/T 9704 puts it in the 附注; drafters also put it in the 版记)
_ATTRIBUTE_LINE = re.compile(rf"^[（(]?(?:{_ATTRIBUTE.pattern})[）)]?$")
_STATED = {"主动公开": "此件公开发布", "公开发布": "此件公开发布", "依申请公开": "此件依申请公开", "删减后公开": "此件删减后公开",
           "不公开": "此件不公开", "不予公开": "此件不公开"}
_GENRE_END = re.compile(r"(?:通知|通报|请示|报告|批复|函|纪要|决定|决定书|公告|通告|意见|方案|办法|规定|细则|规划|计划|要点|"
                        r"简报|总结|预案|公示|预告|公报|答复书|告知书|通知书|命令|议案|意见稿|草案|汇报|说明|清单|目录|指南|笔录|审批表|回证|记录|意见书|指令书|建议书)"
                        r"(?:[（(][^）)]{1,16}[）)])?$")
_TERMINAL = ("。", "；", "！", "？", "：", ":", "，", ",")
# the 正文's opening sentence ends with a colon too ("根据……，现将有关事项公告如下："); a 主送 line names organs only
_OPENING = re.compile(r"。|如下\s*[：:]$|^(?:根据|依据|按照|为了?|经|现将|近期|今年|近日|截至)[^：:]*[，,]")
# a title that is the 文种 alone, its characters spread out as GB/T 9704 centres it ("通　告", "公  告", "决 定")
_SPACED_GENRE = re.compile(r"[\u4e00-\u9fff](?: +[\u4e00-\u9fff]){1,4}")
_BARE_GENRE = re.compile(r"(?:通知|通告|公告|通报|决定|命令|令|批复|意见|公示|函|议案|纪要|报告|请示)")


def bare_genre_title(text: str) -> str:
    """"通　告" → "通告" when a line is nothing but a spaced-out 文种 name, else the line unchanged."""
    joined = text.replace(" ", "")
    return joined if _SPACED_GENRE.fullmatch(text) and _BARE_GENRE.fullmatch(joined) else text


@dataclass(frozen=True)
class Line:
    """One paragraph of the draft; ``hint`` comes from the .docx layout ("masthead", "title", "right")."""

    text: str
    hint: str = ""


@dataclass(frozen=True)
class Gongwen:
    """The GB/T 9704-2012 elements of a draft (empty string / tuple when absent)."""

    copy_no: str = ""            # 份号
    secrecy: str = ""            # 密级和保密期限
    urgency: str = ""            # 紧急程度
    issuer_mark: str = ""        # 发文机关标志
    doc_number: str = ""         # 发文字号 (or a 简报's 期号)
    signer: str = ""             # 签发人
    title: str = ""              # 标题
    addressees: str = ""         # 主送机关
    body: str = ""               # 正文
    attachments: str = ""        # 附件说明
    signature: str = ""          # 署名
    date: str = ""               # 成文日期
    notes: tuple[str, ...] = ()  # 附注 (e.g. "（此件公开发布）", "（联系人：…）")
    cc: str = ""                 # 抄送机关
    printer: str = ""            # 印发机关和印发日期
    markings: tuple[str, ...] = ()  # other 版头 markings: 内部资料、注意保管、仅供参阅 …
    annex: str = ""              # attachment content after the 主体
    roles: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (element, line) in order

    @property
    def stated_attribute(self) -> str:
        """The 公开属性 a 附注 (or a 版头 marking) already states, normalised to the four labels, or ""."""
        for note in (*self.notes, *self.markings):
            m = _ATTRIBUTE.search(note)
            if m:
                word = re.split(r"[:：]|此件", m.group())[-1].strip()
                return _STATED.get(word, "")
        return ""

    def as_dict(self) -> dict[str, Any]:
        """The elements as JSON-friendly data (tuples become lists), e.g. to pass a .docx's layout to the classify tool."""
        return {f.name: [list(x) if isinstance(x, tuple) else x for x in v] if isinstance(v, tuple) else v
                for f in fields(self) if (v := getattr(self, f.name))}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Gongwen:
        """The inverse of ``as_dict``; unknown keys are ignored and values are coerced to text."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if key == "roles":
                values[key] = tuple((str(r[0]), str(r[1])) for r in value if isinstance(r, (list, tuple)) and len(r) == 2)
            elif key in ("notes", "markings"):
                values[key] = tuple(str(x) for x in value) if isinstance(value, (list, tuple)) else (str(value),)
            else:
                values[key] = str(value)
        return cls(**values)

    @property
    def head(self) -> str:
        """Everything above the title, as one string (版头 elements and markings)."""
        parts = [self.copy_no, self.secrecy, self.urgency, self.issuer_mark, self.doc_number, self.signer,
                 *self.markings]
        return "\n".join(p for p in parts if p)


def _clean(text: str) -> str:
    return text.replace("\u3000", " ").replace("\xa0", " ").strip()


def _head_role(text: str, nxt: str, hint: str) -> list[tuple[str, str]] | None:
    """The 版头 elements on one line, or None when the line is not a 版头 line."""
    if hint == "masthead" or _MASTHEAD.match(text.replace(" ", "")) and "关于" not in text or text.replace(" ", "") == "文件":
        return [("issuer_mark", text)]
    if _SEP.match(text):
        return [("separator", text)]
    if m := _EDITION.match(text):  # a 简报's "××编  2021年6月8日" line under its masthead
        date = m.group(1) or m.group(2)
        return [("issuer_mark", text)] + ([("date", date)] if date else [])
    if m := _COPY_NO.match(text):
        return [("copy_no", m.group(1))]
    found: list[tuple[str, str]] = []
    rest = text
    for role, pattern in (("signer", _SIGNER), ("doc_number", NUMBER), ("secrecy", _SECRECY),
                          ("urgency", _URGENCY), ("marking", _MARKING)):
        for m in pattern.finditer(rest):
            found.append((role, m.group(1) if role in ("signer", "secrecy", "urgency") else m.group()))
        rest = pattern.sub(" ", rest)
    left = rest.strip(" ★：:，,。、|")
    if found and len(left) <= 2:
        return found
    if found and len(left) <= 40 and _ORGAN.search(left.replace(" ", "")) and any(r == "doc_number" for r, _ in found):
        return [("issuer_mark", left), *found]  # 函 format: the organ's name and its 文号 on one line
    if len(text) <= 40 and _ORGAN.search(text.replace(" ", "")) and not text.endswith(_TERMINAL) and (
            NUMBER.search(nxt) or _BARE_GENRE.fullmatch(nxt.replace(" ", "")) or nxt.replace(" ", "") == "文件" or _MASTHEAD.match(nxt.replace(" ", "")) or (nxt and _ORGAN.search(nxt) and len(nxt) <= 40)
            or _title_under_organ(text, nxt) or _short_genre_title(nxt)):
        return [("issuer_mark", text)]  # an organ name standing above its 文号 or its title (函 format, joint issuers)
    return None


def _title_under_organ(organ: str, nxt: str) -> bool:
    """"某某县统计局" above "2021年前三季度某某县国民经济运行情况": a short organ line with no punctuation over a
    longer title-like line (no sentence punctuation, not a 主送 line) is the 发文机关标志, not the title."""
    return (len(organ) <= 25 and not re.search(r"[，,。；;：:、]", organ) and len(nxt) > len(organ)
            and _title_like(nxt) and not re.search(r"[，,。；;：:]", nxt))


def _short_genre_title(text: str) -> bool:
    """"信访事项处理意见书", "现场检查笔录" under the organ's name: a short line that is a 文种 title, not a sentence."""
    return len(text) <= 20 and bool(_GENRE_END.search(text)) and not re.search(r"[，,。；;：:、]", text)


def _title_like(text: str) -> bool:
    if len(text) > 80 or text.endswith(_TERMINAL) or NUMBERED.match(text) or _DATE_LINE.match(text):
        return False
    return not _ATTRIBUTE.fullmatch(text.strip("（）()"))


def _take_title(lines: list[Line], i: int) -> tuple[str, int]:
    """The title starting at ``lines[i]`` (up to three lines when it wraps), and the index after it."""
    hinted = [j for j in range(i, min(i + 3, len(lines))) if lines[j].hint == "title"]
    if hinted:
        end = hinted[0]
        while end + 1 < len(lines) and lines[end + 1].hint == "title" and end + 1 - hinted[0] < 3:
            end += 1
        return bare_genre_title("".join(_clean(x.text) for x in lines[hinted[0]: end + 1])), end + 1
    text = bare_genre_title(_clean(lines[i].text))
    if not _title_like(text):
        return "", i
    if _GENRE_END.search(text):
        return text, i + 1
    merged = text
    for j in range(i + 1, min(i + 3, len(lines))):  # a wrapped title: join only when the join ends in a 文种
        nxt = _clean(lines[j].text)
        if not _title_like(nxt) or NUMBER.search(nxt) or re.search(r"\s{2,}|\t", nxt) or len(merged + nxt) > 80:
            break
        merged += nxt
        if _GENRE_END.search(merged):
            return merged, j + 1
    return text, i + 1


def _peel_record(lines: list[str]) -> tuple[dict[str, str], int]:
    """Peel the 版记 (抄送机关, 印发机关和日期) off the very end; returns (elements, end)."""
    out: dict[str, str] = {}
    end = len(lines)
    for k in range(len(lines) - 1, max(-1, len(lines) - 6), -1):
        if _PRINTED.match(lines[k]):
            out["printer"], end = "\n".join(lines[k:]), k  # with a "（共印50份）" line after it
            break
    starts = [k for k in range(max(0, end - 6), end) if _DISTRIBUTION.match(lines[k])]
    cc = starts[0] if starts and all(len(t) <= 80 for t in lines[starts[0]:end]) else end
    if cc < end:
        out["cc"], end = "\n".join(lines[cc:end]), cc
    while end > 0 and _SEP.match(lines[end - 1]):
        end -= 1
    return out, end


def _date_line(line: str) -> re.Match[str] | None:
    """A 成文日期 line: a date alone, or an organ name followed by the date."""
    m = _DATE_LINE.match(line)
    if m is None or len(line) > 40:
        return None
    prefix = m.group(1).strip()
    return m if not prefix or (_ORGAN.search(prefix.replace(" ", "")) and not re.search(r"[，,。；;：:]", prefix)) else None


def _peel_close(lines: list[str]) -> tuple[dict[str, str], list[str], int]:
    """Peel 附注, 成文日期 and 署名 off the end of the 主体; returns (elements, notes, body end)."""
    notes: list[str] = []
    k, date_at = len(lines) - 1, None
    while k >= 0 and len(lines) - k <= 8:
        line = lines[k]
        if (line.startswith(("（", "(")) and line.endswith(("）", ")"))) or line.startswith("附注"):
            notes.insert(0, line)
        elif _date_line(line):
            date_at = k
            break
        elif not _SEP.match(line):
            break
        k -= 1
    if date_at is None:
        return {}, [], len(lines)
    m = _date_line(lines[date_at])
    assert m is not None
    out = {"date": m.group(2)}
    sig = [m.group(1).strip()] if m.group(1).strip() else []
    s = date_at - 1
    while s >= 0 and len(sig) < 3 and len(lines[s]) <= 30 and _ORGAN.search(lines[s].replace(" ", "")) \
            and not lines[s].endswith(_TERMINAL) and not NUMBERED.match(lines[s]) and "\t" not in lines[s]:
        sig.insert(0, lines[s])
        s -= 1
    if sig:
        out["signature"] = "\n".join(sig)
    return out, notes, s + 1


def _read_head(lines: list[Line]) -> tuple[dict[str, list[str]], list[tuple[str, str]], int]:
    """The 版头 lines above the title: (elements, roles, index of the first line after them)."""
    head: dict[str, list[str]] = {}
    roles: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        found = _head_role(lines[i].text, lines[i + 1].text if i + 1 < len(lines) else "", lines[i].hint)
        if found is None or lines[i].hint == "title":
            break
        for role, value in found:
            head.setdefault(role, []).append(value)
            roles.append((role, value))
        i += 1
    return head, roles, i


def _read_front(lines: list[Line], i: int, head: dict[str, list[str]], roles: list[tuple[str, str]],
                known_title: str = "") -> tuple[str, str, int]:
    """标题 (with a 题注 or a 文号 right under it) and 主送机关 from ``lines[i]`` on: (title, addressees, next index).
    ``known_title``: the title a labelled field already gave (no line is then taken for it)."""
    title, i = (known_title, i) if known_title else _take_title(lines, i)
    if title:
        roles.append(("title", title))
    while i < len(lines) and (NUMBER.fullmatch(lines[i].text) or _is_subtitle(lines[i].text)):
        key = "doc_number" if NUMBER.fullmatch(lines[i].text) else "title_note"
        if key == "title_note":
            title += lines[i].text
        head.setdefault(key, []).append(lines[i].text)
        roles.append((key, lines[i].text))
        i += 1
    addressees = ""
    if i < len(lines) and lines[i].text.endswith(("：", ":")) and len(lines[i].text) <= 90 \
            and not NUMBERED.match(lines[i].text) and not _ATTACH.match(lines[i].text) and not _OPENING.search(lines[i].text):
        addressees = lines[i].text.rstrip("：:")
        roles.append(("addressees", addressees))
        i += 1
    return title, addressees, i


def _read_rest(rest: list[str]) -> tuple[dict[str, str], list[str]]:
    """正文, 附件说明, 署名, 成文日期, 附注, annex and 版记 of the lines after the 主送."""
    tail, record_end = _peel_record(rest)
    rest = rest[:record_end]
    annex_at = next((k for k, t in enumerate(rest) if _ANNEX.match(t.replace(" ", ""))), len(rest))
    close, notes, body_end = _peel_close(rest[:annex_at])
    if annex_at < len(rest) and "date" not in close:  # "附件1" with no 成文日期 before it: a heading in 正文
        annex_at = len(rest)
        close, notes, body_end = _peel_close(rest)
    tail |= close
    body_lines = rest[:body_end]
    attach_at = next((k for k, t in enumerate(body_lines) if _ATTACH.match(t)), len(body_lines))
    tail |= {"body": "\n".join(body_lines[:attach_at]), "attachments": "\n".join(body_lines[attach_at:]),
             "annex": "\n".join(rest[annex_at:])}
    return tail, notes


def read_lines(lines: list[Line]) -> Gongwen:
    """Split hinted lines (see ``Line``) into the GB/T 9704 elements."""
    lines = [Line(_clean(x.text), x.hint) for x in lines if _clean(x.text)]
    stated = [x.text for x in lines if _ATTRIBUTE_LINE.match(x.text.replace(" ", ""))]
    marked = [x.text for x in lines[3:] if _marking_line(x.text)]  # "内部资料 注意保管" below the title too
    lines = [x for k, x in enumerate(lines) if not _ATTRIBUTE_LINE.match(x.text.replace(" ", ""))
             and not (k >= 3 and _marking_line(x.text))]
    fields, form = labelled_fields([x.text for x in lines])
    lines = [x for k, x in enumerate(lines) if k not in form]
    head, roles, i = _read_head(lines)
    for role in ("issuer_mark", "doc_number", "signer", "secrecy", "urgency"):
        if role in fields:
            head.setdefault(role, []).insert(0, fields[role])
    if fields.get("title") and i < len(lines) and lines[i].text.replace(" ", "") == fields["title"].replace(" ", ""):
        i += 1  # the form's 标题 repeated above the 正文
    title, addressees, i = _read_front(lines, i, head, roles, known_title=fields.get("title", ""))
    addressees = addressees or fields.get("addressees", "")
    tail, notes = _read_rest([x.text for x in lines[i:]])
    notes += [t for t in stated if t not in notes]
    order = ("body", "attachments", "printer", "cc", "date", "signature")
    roles += [(role, tail[role]) for role in order if tail.get(role)]
    roles += [("notes", n) for n in notes] + ([("annex", tail["annex"])] if tail["annex"] else [])
    return Gongwen(
        copy_no=_first(head, "copy_no"), secrecy=" ".join(head.get("secrecy", [])), urgency=_first(head, "urgency"),
        issuer_mark="\n".join(head.get("issuer_mark", [])), doc_number=_first(head, "doc_number"),
        signer=_first(head, "signer"), title=title, addressees=addressees, body=tail["body"],
        attachments=tail["attachments"], signature=tail.get("signature", ""),
        date=tail.get("date", "") or _first(head, "date"), notes=tuple(notes), cc=tail.get("cc", ""),
        printer=tail.get("printer", ""), markings=tuple(head.get("marking", []) + marked), annex=tail["annex"],
        roles=tuple(roles),
    )


def _is_subtitle(text: str) -> bool:
    """A 题注 right under the title: "（征求意见稿）", "（2021年3月5日县人民政府第9次常务会议通过）"."""
    return text.startswith(("（", "(")) and text.endswith(("）", ")")) and len(text) <= 40 \
        and not _ATTRIBUTE.search(text)


def _marking_line(text: str) -> bool:
    """A line that holds nothing but 标注 such as "（内部资料，注意保管）"."""
    return bool(_MARKING.search(text)) and len(_MARKING.sub("", text).strip(" ★：:，,。、（）()|")) == 0


def _first(head: dict[str, list[str]], key: str) -> str:
    values = head.get(key)
    return values[0] if values else ""


def read_text(text: str) -> Gongwen:
    """Split pasted draft text into the GB/T 9704 elements (one paragraph per line)."""
    return read_lines([Line(t) for t in text.splitlines()])
