"""Labelled fields a drafter pastes from a 发文稿纸 (drafting form) or types above the draft.

"标题：……的请示", "主送：县人民政府", "发文字号：某政发〔2025〕3号" name the GB/T 9704 elements outright;
"拟稿人：", "核稿：", "会签：" belong to the form and are no part of the 公文. Pure functions over lines.
"""

from __future__ import annotations

import re

FORM_LINES = 15  # the form sits above the draft: labelled lines further down belong to the 正文
_HEAD_LINES = 5  # … and a lone labelled line counts only among the 版头's first lines
_FIELD = re.compile(r"^(文件标题|公文标题|标题|题目|主送机关|主送单位|主送|发文字号|文号|发文机关|签发人|签发|密级|紧急程度|缓急)\s*[:：]\s*(.*)$")
_FORM = re.compile(r"^(?:发文稿纸|发文处理单|公文处理笺|(?:会签|核稿|审核|复核|拟稿单位|拟稿部门|拟稿人|拟稿|校对|印数|份数|打字|"
                   r"附件数|主题词|联系电话)\s*[:：])")
_ROLES = {"文件标题": "title", "公文标题": "title", "标题": "title", "题目": "title", "主送机关": "addressees",
          "主送单位": "addressees", "主送": "addressees", "发文字号": "doc_number", "文号": "doc_number",
          "发文机关": "issuer_mark", "签发人": "signer", "签发": "signer", "密级": "secrecy", "紧急程度": "urgency",
          "缓急": "urgency"}
_NO_SECRET = re.compile(r"^(?:无|非密|无密级|不涉密|公开|普通|—+|-+)?$")


def is_form_line(text: str) -> bool:
    """A line of the 发文稿纸 (签发：, 核稿：王某, 拟稿人：李某 …) rather than of the 公文."""
    return bool(_FIELD.match(text.strip()) or _FORM.match(text.strip()))


def labelled_fields(texts: list[str]) -> tuple[dict[str, str], set[int]]:
    """The elements the first lines name by label, and the indices of the lines that are form fields.

    A field with no value ("签发：") or a 密级 of "无" names nothing but is still a form line.
    """
    fields: dict[str, str] = {}
    taken: set[int] = set()
    for k, text in enumerate(texts[:FORM_LINES]):
        m = _FIELD.match(text)
        if m is None and not _FORM.match(text):
            continue
        taken.add(k)
        if m is None:
            continue
        role, value = _ROLES[m.group(1)], m.group(2).strip().rstrip("：:")
        if value and not (role == "secrecy" and _NO_SECRET.match(value)):
            fields.setdefault(role, value)
    # one labelled line alone further down ("文号：" quoted in the 正文) is no form: keep reading it as text; in the
    # 版头 (the first lines, "主送：县人民政府" between the 文号 and the title) it names its element
    return (fields, taken) if len(taken) >= 2 or "title" in fields or min(taken, default=FORM_LINES) < _HEAD_LINES \
        else ({}, set())
