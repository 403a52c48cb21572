"""公开属性 suggestion for a draft 公文: read its elements, explicit rules, a guarded similarity vote.

``classify_document`` is pure. Steps:
1. read the 公文 into its GB/T 9704 elements (tools/gongwen.py; a .docx with its layout);
2. the first explicit rule that matches decides (tools/data/attribute_rules.yaml, in file order);
   此件公开发布 needs a POSITIVE rule naming a category of 条例第十九至二十一条. Otherwise the answer is
   此件依申请公开 with 建议人工判断 (第二十七条), or 此件不公开 when the statistical layer
   (tools/attribute_stats.py, ranking only the non-publishing labels) finds it clearly internal;
3. the safety step (tools/attribute_safety.py) applies the invariants: never 此件公开发布 with a
   secret/internal/process signal or unexcused personal data of a natural person;
4. a 附注 that already states a 公开属性 is checked against the suggestion.
The tool suggests; the attribute is decided in 审核 and 签发.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from knowledge.textinput import require_text
from tools import attribute_rules as rules
from tools.attribute_render import render_classification
from tools.attribute_safety import (
    LABELS,
    NOT_PUBLIC,
    ON_REQUEST,
    PUBLIC,
    REDACTED,
    TYPE_NAMES,
    Reason,
    Safety,
    assess,
    plan_basis,
    settle,
)
from tools.attribute_stats import vote
from tools.context import ToolContext
from tools.gongwen import Gongwen, read_text
from tools.pii import Finding, find_pii, redact

if TYPE_CHECKING:
    from langchain_core.tools import StructuredTool

__all__ = ["LABELS", "NOT_PUBLIC", "ON_REQUEST", "PUBLIC", "REDACTED", "Classification", "Reason",
           "classify_document", "make_tool", "render"]

REMINDER = "提醒：以上只是建议。公文的公开属性最终由审核、签发环节确定，本工具不作决定。"
UNSURE_SHARE = 0.6   # a winning label with less of the neighbours' similarity than this is "unsure"
UNSURE_SIMILARITY = 0.12  # … and so is a vote whose nearest example is this far away
_PUBLISHING = (PUBLIC, REDACTED)


@dataclass(frozen=True)
class Classification:
    attribute: str
    confidence: float
    reasons: list[Reason]
    findings: list[Finding]
    redacted: str
    method: str = "rule"  # "rule" or "similarity"
    rule: str = ""
    title: str = ""
    neighbours: list[str] = field(default_factory=list)
    genre: str = ""
    stated: str = ""  # the 公开属性 the 附注 states, if any

    def as_dict(self) -> dict[str, Any]:
        """The DESIGN.md ``classify`` contract (plus method/rule/title/genre for explanation)."""
        return {
            "attribute": self.attribute,
            "confidence": self.confidence,
            "reasons": [{"text": r.text, "basis": r.basis} for r in self.reasons],
            "findings": [f.as_dict() for f in self.findings],
            "redacted": self.redacted,
            "method": self.method,
            "rule": self.rule,
            "title": self.title,
            "genre": self.genre,
            "stated_attribute": self.stated,
        }


def _public_detail(title: str, text: str) -> Reason | None:
    """The active-disclosure category the draft's title and opening name (data: ``categories``), as a reason."""
    found = rules.category_entry(title + "\n" + text[:600])
    if found is None:
        return None
    cat, word = found
    return Reason(f"内容涉及“{word}”，属于“{cat.name}”这一应主动公开的类别。", cat.basis)


def _no_category(title: str, text: str) -> tuple[str, float, list[Reason], list[str]]:
    """No rule spoke: no active-disclosure category was found, so never a publishing label.

    主动公开 needs positive evidence (条例第十九至二十一条); without it the draft is 此件依申请公开
    (第二十七条: anyone may still apply), or 此件不公开 when it is clearly like the internal/process
    examples (第十六条, discretionary). The similarity vote only ranks those two; a person decides.
    """
    v = vote(title, text, LABELS)  # all labels: 不公开 only when it beats the publishing neighbours too
    names = [f"《{n.title}》（{n.label}）" for n in v.neighbours[:3] if n.title]
    reasons = [Reason(f"明确规则未能判断本件属性；与已标注样例比较，最接近的样例多为“{v.label}”"
                      f"（如 {'、'.join(names)}）。这是相似度判断，不是法定规则，请重点人工审核。",
                      "相似样例比对（非法定依据）")]
    internal = v.label == NOT_PUBLIC and v.share >= UNSURE_SHARE and v.best_similarity >= UNSURE_SIMILARITY
    if internal:
        reasons.append(Reason("文件内容与内部事务、过程性材料的样例相近，可以依第十六条不予公开（裁量性规定：可以不公开）；"
                              "建议人工判断：如属于应主动公开的类别，请在审核时改定。",
                              "《政府信息公开条例》第十六条［已核对］"))
        return NOT_PUBLIC, min(v.confidence, 0.5), reasons, names
    reasons.append(Reason("未找到主动公开的法定类别：文种、主送对象和内容都没有表明本件属于条例第十九、二十、二十一条"
                             "所列应主动公开的信息，因此不建议主动公开；公民、法人或者其他组织仍可依第二十七条申请获取。"
                             "建议人工判断：如属于规范性文件、政策文件、应公开的工作总结、征求意见或面向公众的公告等，"
                             "请在审核时改为“此件公开发布”。",
                             "《政府信息公开条例》第十九条至第二十一条、第二十七条［已核对］"))
    return ON_REQUEST, 0.4, reasons, names


def _adopt_stated(stated: str, label: str) -> tuple[str, Reason] | None:
    """The 附注's own 公开属性 when no rule decided and the vote found nothing internal (label 此件依申请公开).

    The plan has the drafter determine (界定) the attribute at 拟稿 (方案一); with no rule for or against
    it, that is the best evidence there is. The safety step still applies afterwards (a signal or personal
    data overrides a stated 此件公开发布), and a vote that found the draft internal is never overridden by it.
    """
    if not stated or stated == label or label != ON_REQUEST:
        return None
    return stated, Reason(f"附注已标注“{stated}”（拟稿时界定的公开属性）；明确规则没有找到与之矛盾的依据，"
                          "本建议暂按附注的标注。建议人工判断：请在审核时核对这一界定的依据。",
                          plan_basis("一") or "《政府信息公开条例》第十三条［已核对］")


def _stated_check(stated: str, label: str) -> Reason | None:
    """A 附注 that already states a 公开属性, compared with the suggestion."""
    if not stated:
        return None
    if stated == label:
        return Reason(f"附注已标注“{stated}”，与本建议一致。", plan_basis("一"))
    return Reason(f"注意：附注标注为“{stated}”，与本建议“{label}”不一致，请在审核、签发时核对并改正其中之一。",
                  plan_basis("一"))


def _decide(doc: Gongwen, sc: rules.Scopes, text: str, findings: list[Finding]) -> tuple[Classification, Safety]:
    hit = rules.first_hit(sc)
    safety = assess(sc, text, findings, keep_exceptions=hit is None or hit.rule.keep_exceptions)
    neighbours: list[str] = []
    if hit is not None:
        label, confidence, method = hit.rule.label, hit.rule.confidence, "rule"
        reasons = [Reason(hit.reason, hit.basis)]
        if hit.rule.group == "public" and (detail := _public_detail(sc.title, text)) \
                and detail.basis.split("［")[0] not in hit.basis:
            reasons.append(detail)
    else:
        # the vote reads the 主体 only: 版头 and 版记 words (签发人, 抄送 …) say nothing about the content
        content = "\n".join(p for p in (doc.addressees, doc.body, doc.attachments, doc.annex) if p) or text
        label, confidence, reasons, neighbours = _no_category(sc.title, content)
        method = "similarity"
        if (adopted := _adopt_stated(doc.stated_attribute, label)) is not None:
            label, confidence, reasons = adopted[0], 0.5, [reasons[0], adopted[1]]
    return Classification(label, confidence, reasons, findings, "", method, hit.rule.id if hit else "", sc.title,
                          neighbours, sc.genre, doc.stated_attribute), safety


def classify_document(text: str, *, title: str | None = None, doc: Gongwen | None = None) -> Classification:
    """Suggest the 公开属性 of a draft 公文 (pure function; see the module docstring for the steps).

    Args:
        text: the draft's full text (what the personal-data finder reads).
        title: the title, when the caller knows it better than the reader.
        doc: the draft already read into its elements (e.g. from a .docx with its layout).
    """
    doc = doc or read_text(text)
    if title and title.strip():
        doc = replace(doc, title=title.strip())
    elif not doc.title and not doc.issuer_mark:
        doc = replace(doc, title=rules.guess_title(text))
    sc = rules.scopes(doc, text)
    findings = find_pii(text)
    result, safety = _decide(doc, sc, text, findings)
    label, extra = settle(result.attribute, safety)
    reasons = result.reasons + extra
    if (check := _stated_check(result.stated, label)) is not None:
        reasons.append(check)
    return replace(result, attribute=label, reasons=reasons, redacted=redact(text, findings))


class ClassifyArgs(BaseModel):
    text: str = Field(description="待判断的公文草稿全文（纯文本）")
    title: str | None = Field(default=None, description="公文标题；不提供时从正文第一行推断")
    layout: dict[str, Any] | None = Field(
        default=None, description="由系统填写：上传的 .docx 按版式读出的公文要素（tools.attribute_input.attachment_args）；粘贴文字时不填")


def make_tool(ctx: ToolContext) -> StructuredTool:
    """The "classify" tool: suggest the 公开属性 of a draft and find the personal data to redact."""

    def classify(text: str, title: str | None = None, layout: dict[str, Any] | None = None) -> dict[str, Any]:
        doc = Gongwen.from_dict(layout) if layout else None
        return classify_document(require_text(text), title=title, doc=doc).as_dict()

    from langchain_core.tools import StructuredTool  # slow to import: built only when a tool is first used

    return StructuredTool.from_function(
        func=classify,
        name="classify",
        args_schema=ClassifyArgs,
        description=(
            "Suggest the disclosure attribute (公开属性) of a draft Chinese government document: exactly one of "
            "此件公开发布 / 此件删减后公开 / 此件依申请公开 / 此件不公开, with a confidence, the reasons and their "
            "legal basis (《政府信息公开条例》 articles), the personal data found (ID numbers, phones, bank cards, "
            "addresses, plates, e-mails, names) with positions and masked forms, and the redacted text. Use it when "
            "the user pastes or uploads a draft and asks whether or how it can be published. It only suggests; "
            "the final attribute is decided in 审核/签发."
        ),
    )


def render(data: dict[str, Any]) -> str:
    """The Chinese chat reply for a classify result (masked values only, never raw personal data)."""
    return render_classification(data, REMINDER, TYPE_NAMES)
