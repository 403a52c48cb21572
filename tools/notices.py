"""Notices (告知书) of the 依申请公开 register as Word documents.

``compose`` is pure: the notice type, the application's registered facts and the options give a
``Notice`` (title, 文号, addressee, paragraphs, 法律依据, the remedy paragraph as of the notice date,
落款, date, and the footer notes for the drafter). ``write_docx`` lays it out with python-docx.
Texts: ``tools/data/notices.yaml`` (workflow.md §2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from knowledge.errors import BadInput
from tools.register import outcome, resolve_outcome

DATA_FILE = Path(__file__).parent / "data" / "notices.yaml"
PRECONDITION_SINCE = date(2024, 1, 1)  # 行政复议法（2023修订）施行
GROUP_OF = {"不予公开": "不予公开", "无法提供": "无法提供", "不予处理": "不予处理"}
REASON_REQUIRED = ("不予公开", "无法提供", "不予处理", "部分公开", "补正告知书")
# reply outcome (annual-report category) → notice type
TYPE_OF_OUTCOME = {"予以公开": "予以公开", "部分公开": "部分公开", "属于行政查询事项": "行政查询事项",
                   "本机关不掌握相关政府信息": "信息不存在"}


@cache
def texts() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    return loaded


def notice_types() -> list[str]:
    return [*texts()["process"], *texts()["replies"]]


@dataclass(frozen=True)
class NoticeFacts:
    """What a notice needs from the register (the applicant's name in clear: it is addressed to them)."""

    id: int
    received: date
    applicant: str
    content: str
    extended_due: date | None = None
    fee_due: date | None = None
    person: str = ""
    outcome: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Notice:
    kind: str
    title: str
    number: str
    addressee: str
    paragraphs: tuple[str, ...]
    basis: str
    remedy: str
    closing: str
    issuer: str
    day: date
    notes: tuple[str, ...] = field(default_factory=tuple)

    def text(self) -> str:
        return "\n".join([self.title, self.number, self.addressee, *self.paragraphs, self.basis, self.remedy,
                          self.closing, self.issuer, cn_date(self.day), *self.notes])


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def type_for_outcome(key: str) -> str:
    """The reply notice that fits a registered outcome (its group, or the special cases)."""
    if key in TYPE_OF_OUTCOME:
        return TYPE_OF_OUTCOME[key]
    group = outcome(key)["group"]
    if group == "其他处理":
        raise BadInput("“其他处理”类答复（逾期不补正、逾期不缴费等）没有对应的告知书模板，请人工起草。")
    return str(group)


def _reason_and_article(kind: str, spec: dict[str, Any], reason: str | None) -> tuple[str, str, list[str]]:
    """The reason sentence, the article and notes for a reply type that has sub-items."""
    if kind not in GROUP_OF and kind != "部分公开":
        return (reason or spec.get("default_reason", "")), "", []
    if not reason or not reason.strip():
        raise BadInput(f"“{kind}”告知书须写明理由（--reason），例如 第十四条、属于国家秘密、重复申请。")
    group = "不予公开" if kind == "部分公开" else GROUP_OF[kind]
    try:
        key = resolve_outcome(group, reason)
    except BadInput:
        if reason.strip().startswith("第") and "条" in reason:
            return f"属于{texts()['law']}{reason.strip()}规定的情形", reason.strip(), []
        raise
    o = outcome(key)
    notes = [] if o["mark"] == "V" else [f"“{key}”与条款（{o['article'] or '未核实'}）的对应为推断或未核实，请核对。"]
    return f"属于“{key}”的情形", (o["article"] or ""), notes


def _remedy(kind: str, day: date, review_body: str) -> tuple[str, list[str]]:
    r = texts()["remedy"]
    fill = lambda key: "".join(str(r[key]).split()).format(review_body=review_body)  # noqa: E731
    notes = [r["body_note"]]
    if day >= PRECONDITION_SINCE and kind == "不予公开":
        return fill("precondition"), [r["precondition_note"], *notes]
    if day >= PRECONDITION_SINCE and kind == "部分公开":
        return fill("partial_precondition"), [r["precondition_note"], r["partial_note"], *notes]
    if day >= PRECONDITION_SINCE and kind != "予以公开":
        notes.insert(0, r["other_note"])
    return fill("choice"), notes


def compose(
    kind: str, facts: NoticeFacts, *, day: date, reason: str | None = None, issuer: str = "××县人民政府",
    review_body: str = "××市人民政府", prefix: str = "××政办", third_party: str = "××（第三方）",
    responsible: str = "负责公开该信息的机关", period: str = "15个工作日",
) -> Notice:
    t = texts()
    if kind not in notice_types():
        raise BadInput(f"告知书类型不正确：{kind}。可选：{'、'.join(notice_types())}。")
    process = kind in t["process"]
    spec = t["process"][kind] if process else t["replies"][kind]
    notes = [t["layout_note"], t["number_note"], *spec.get("unverified", [])]
    if process:
        if kind == "补正告知书" and not (reason or "").strip():
            raise BadInput("补正告知书须写明需要补正的事项（--reason）。")
        if kind == "延期答复告知书" and facts.extended_due is None:
            raise BadInput("该申请还没有登记延期（apps event ID extend），无法生成延期答复告知书。")
        if kind == "收费通知" and facts.fee_due is None:
            raise BadInput("该申请还没有登记收费通知（apps event ID fee_notice），无法生成收费通知。")
        reason_text, article = reason or "", ""
        remedy = ""
    else:
        reason_text, article, more = _reason_and_article(kind, spec, reason)
        notes += more
        remedy, remedy_notes = _remedy(kind, day, review_body)
        notes += remedy_notes
    values = {
        "law": t["law"], "received": cn_date(facts.received), "content": facts.content, "reason": reason_text,
        "article": article, "period": period, "person": facts.person or "××",
        "extended_due": cn_date(facts.extended_due) if facts.extended_due else "",
        "fee_due": cn_date(facts.fee_due) if facts.fee_due else "", "third_party": third_party,
        "responsible": responsible,
    }
    intro = [] if process else [t["intro"].format(**values)]
    paragraphs = [*intro, *(p.format(**values) for p in spec["body"])]
    basis = "、".join(dict.fromkeys(x for x in (article, spec["basis"]) if x)) or "有关规定"
    code = spec.get("code", "依申复")
    addressee = (spec.get("addressee", "").format(**values) or facts.applicant or "申请人") + "："
    return Notice(
        kind=kind, title=f"{issuer}\n{kind if process else '政府信息公开申请告知书'}",
        number=f"{prefix}{code}〔{day.year}〕{facts.id}号", addressee=addressee, paragraphs=tuple(paragraphs),
        basis=f"法律依据：{t['law']}{basis}", remedy=remedy,
        closing=t["closing"], issuer=issuer, day=day, notes=tuple(notes),
    )


def write_docx(notice: Notice, path: Path | BinaryIO) -> Path | BinaryIO:
    """Lay the notice out as a county 告知书 (.docx); the drafter's notes go in the footer."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    for line in notice.title.split("\n"):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(line)
        run.bold, run.font.size = True, Pt(18)
    doc.add_paragraph(notice.number).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(notice.addressee)
    for text in [*notice.paragraphs, notice.basis, notice.remedy, notice.closing]:
        if text:
            doc.add_paragraph(text).paragraph_format.first_line_indent = Pt(24)
    for text in (notice.issuer, cn_date(notice.day)):
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = doc.sections[0].footer
    footer.paragraphs[0].text = "【起草提示，定稿前删除】以下事项未经核实或需本机关确认："
    for note in notice.notes:
        footer.add_paragraph(f"· {note}")
    doc.save(str(path) if isinstance(path, Path) else path)
    return path
