"""Reply text for WeCom: markdown (bold label, citations) split into messages of at most 2048 UTF-8 bytes."""

from __future__ import annotations

import re
from typing import Any

from assistant.turn import Reply

MAX_BYTES = 2048
_LABELS = {
    "classify": "公开属性建议",
    "duties": "职责清单",
    "deadline": "期限计算",
    "help": "使用帮助",
    "feedback": "反馈",
    "quiz": "练习",
}
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=\n)")


def strip_cdata_end(text: str) -> str:
    """``]]>`` would end a CDATA section early in any XML we emit: break it up."""
    return text.replace("]]>", "]] >")


def format_reply(reply: Reply) -> str:
    """Markdown for ``message/send``: a bold label, the text, then the sources as a quoted list."""
    parts: list[str] = []
    label = _LABELS.get(reply.tool or "", "答复" if reply.sources else "")
    if label:
        parts.append(f"**{label}**")
    parts.append(reply.text.strip())
    cited = [s for s in reply.sources if f"《{s.title}》{s.section}" not in reply.text]
    if cited:
        refs = "；".join(f"《{s.title}》{s.section}".rstrip() for s in _unique(cited))
        parts.append(f"> 依据：{refs}")
    return strip_cdata_end("\n\n".join(p for p in parts if p))


def _unique(sources: list[Any]) -> list[Any]:
    seen: set[tuple[str, str]] = set()
    out = []
    for s in sources:
        if (s.title, s.section) not in seen:
            seen.add((s.title, s.section))
            out.append(s)
    return out


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def split_message(text: str, limit: int = MAX_BYTES) -> list[str]:
    """Split at paragraph, then line/sentence ends, then character boundaries; every piece <= limit bytes."""
    text = text.strip()
    if not text:
        return []
    out: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        candidate = f"{current}{piece}" if current else piece.lstrip("\n")
        if utf8_len(candidate.strip()) <= limit:
            current = candidate
        else:
            if current.strip():
                out.append(current.strip())
            current = piece.lstrip("\n")
    if current.strip():
        out.append(current.strip())
    return out


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs (keeping their separator), each further cut when it alone is over the limit."""
    pieces: list[str] = []
    for i, para in enumerate(text.split("\n\n")):
        para = ("\n\n" if i else "") + para
        if utf8_len(para) <= limit:
            pieces.append(para)
            continue
        for sentence in _SENTENCE_END.split(para):
            pieces.extend(_hard_cut(sentence, limit) if utf8_len(sentence) > limit else [sentence])
    return [p for p in pieces if p]


def _hard_cut(text: str, limit: int) -> list[str]:
    """Cut on character boundaries (never inside a UTF-8 sequence)."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for ch in text:
        n = utf8_len(ch)
        if size + n > limit:
            out.append("".join(current))
            current, size = [], 0
        current.append(ch)
        size += n
    if current:
        out.append("".join(current))
    return out


def to_payloads(text: str, *, markdown: bool = True) -> list[dict[str, str]]:
    msgtype = "markdown" if markdown else "text"
    return [{"msgtype": msgtype, "content": part} for part in split_message(text)]
