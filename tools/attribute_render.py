"""Chinese chat text for a 公开属性 suggestion (the ``classify`` tool's ``render``)."""

from __future__ import annotations

from typing import Any

_EXCERPT_LINES = 6
_EXCERPT_CHARS = 400


def _excerpt(redacted: str, findings: list[dict[str, Any]]) -> str:
    """The redacted lines that carried personal data (or the opening of the text when there was none)."""
    lines = redacted.splitlines()
    private = [f for f in findings if f.get("private", True) and f.get("masked") != f.get("text")]
    wanted = [line.strip() for line in lines if any(str(f.get("masked", "")) in line for f in private)]
    chosen = wanted[:_EXCERPT_LINES] if wanted else [line.strip() for line in lines if line.strip()][:3]
    text = "\n".join(chosen)
    return text[:_EXCERPT_CHARS] + ("……" if len(text) > _EXCERPT_CHARS else "")


def render_classification(data: dict[str, Any], reminder: str, type_names: dict[str, str]) -> str:
    """Bold suggested attribute, numbered reasons with their basis, masked findings, an excerpt, the reminder."""
    out = [f"**建议公开属性：{data['attribute']}**（把握度 {float(data['confidence']):.2f}）"]
    if data.get("title"):
        genre = f"，文种：{data['genre']}" if data.get("genre") else ""
        out.append(f"识别的标题：{data['title']}{genre}")
    out += ["", "理由："]
    for i, reason in enumerate(data.get("reasons") or [], 1):
        out.append(f"{i}. {reason['text']}〔{reason['basis']}〕")
    findings = list(data.get("findings") or [])
    if findings:
        out += ["", "发现的个人信息及单位代码（已遮蔽显示）："]
        for f in findings:
            kind = type_names.get(str(f.get("type")), str(f.get("type")))
            note = "（单位信息，不属于个人信息，不需遮蔽）" if not f.get("private", True) else ""
            out.append(f"- {kind}：{f['masked']}（第{int(f['start']) + 1}字起）{note}")
        out += ["", "删减后文本摘录：", _excerpt(str(data.get("redacted", "")), findings)]
    else:
        out += ["", "未发现身份证号、手机号、银行卡号、详细住址等个人信息。"]
    out += ["", reminder]
    return "\n".join(out)
