"""公开属性 suggestion for a draft 公文: explicit rules first, then a similarity vote, plus PII redaction.

``classify_document`` is pure. Order (see tools/data/attribute_rules.yaml for the rules themselves):
1. 密级 marking → 此件不公开 (art. 14); 2. 公开征求意见 → 公开发布; 3. process information (请示, 过程稿,
纪要, 磋商 …) and 4. internal affairs → 此件不公开 (art. 16, discretionary); 5. addressed to one party →
此件依申请公开; 6. public genres/audiences → 此件公开发布; otherwise the statistical layer
(tools/attribute_stats.py). Last, 7. a 公开发布 suggestion with personal data or commercial secrets
becomes 此件删减后公开 (art. 37), unless it is 惩戒公示 or a legally required disclosure.
The tool suggests; the attribute is decided in 审核 and 签发.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from knowledge.errors import BadInput
from tools import attribute_rules as rules
from tools.attribute_render import render_classification
from tools.attribute_stats import vote
from tools.context import ToolContext
from tools.pii import Finding, find_pii, redact

PUBLIC, REDACTED, ON_REQUEST, NOT_PUBLIC = "此件公开发布", "此件删减后公开", "此件依申请公开", "此件不公开"
LABELS = (PUBLIC, REDACTED, ON_REQUEST, NOT_PUBLIC)
REMINDER = "提醒：以上只是建议。公文的公开属性最终由审核、签发环节确定，本工具不作决定。"
WEAK_VOTE = 0.5  # similarity confidence under which a vote for publication is not followed
PLAN_BASIS = "《洱源县2020年政务公开工作方案》五(二)"
TYPE_NAMES = {"id_card": "身份证号", "mobile": "手机号", "landline": "固定电话", "bank_card": "银行卡号",
              "credit_code": "统一社会信用代码", "address": "详细住址", "plate": "车牌号", "email": "电子邮箱",
              "name": "姓名"}


@dataclass(frozen=True)
class Reason:
    text: str
    basis: str


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

    def as_dict(self) -> dict[str, Any]:
        """The DESIGN.md ``classify`` contract (plus method/rule/title for explanation)."""
        return {
            "attribute": self.attribute,
            "confidence": self.confidence,
            "reasons": [{"text": r.text, "basis": r.basis} for r in self.reasons],
            "findings": [f.as_dict() for f in self.findings],
            "redacted": self.redacted,
            "method": self.method,
            "rule": self.rule,
            "title": self.title,
        }


def _data_summary(findings: list[Finding]) -> str:
    counts = Counter(TYPE_NAMES.get(f.type, f.type) for f in findings)
    return "、".join(f"{name}{n}处" for name, n in counts.items())


def _public_detail(title: str, text: str) -> Reason | None:
    item = rules.art20_item(title + text[:600])
    if item:
        return Reason(f"内容涉及第二十条第（{item}）项所列的主动公开事项。", f"《政府信息公开条例》第二十条第（{item}）项")
    fields = [f for f in rules.rulebook().art21_fields if f in title + text[:600]]
    if fields:
        return Reason(f"内容涉及“{fields[0]}”，属于县级政府应结合本地实际主动公开的领域。", "《政府信息公开条例》第二十一条")
    return None


def _similarity_reason(title: str, text: str) -> tuple[str, float, list[Reason], list[str]]:
    v = vote(title, text)
    names = [f"《{n.title}》（{n.label}）" for n in v.neighbours[:3] if n.title]
    text_ = (f"明确规则未能判断本件属性；按与已标注样例的相似度判断，最接近的样例多为“{v.label}”"
             f"（如 {'、'.join(names)}）。这是相似度判断，不是法定规则，请重点人工审核。")
    reasons = [Reason(text_, "相似样例比对（非法定依据）")]
    label = v.label
    if label in (PUBLIC, REDACTED) and v.confidence < WEAK_VOTE:
        # publishing by mistake is the costly error: a weak vote for publication only goes as far as 依申请公开
        label = ON_REQUEST
        reasons.append(Reason("相似样例意见不一致，稳妥起见暂按依申请公开处理；如确需主动公开，请在审核时改定。",
                              "《政府信息公开条例》第十三条"))
    return label, v.confidence, reasons, names


def _apply_redaction(label: str, title: str, text: str, private: list[Finding]) -> tuple[str, list[Reason]]:
    """Step 7: a public document with personal data / commercial secrets becomes 删减后公开, bar the exceptions."""
    book = rules.rulebook()
    secrets = [w for w in book.commercial_secret if w in text]
    if label != PUBLIC or not (private or secrets):
        return label, []
    excused: list[Reason] = []
    exception = rules.exception_hit(title, text)
    if exception is not None:
        excused = [Reason(exception[1], PLAN_BASIS)]
        private = [f for f in private if f.type not in exception[0].excused]
        if not (private or secrets):
            return label, excused
    parts = []
    if private:
        parts.append(f"文中含有个人信息（{_data_summary(private)}），公开前应去标识化处理")
    if secrets:
        parts.append(f"文中可能含有第三方商业秘密（“{secrets[0]}”），公开前应删去")
    text_ = "；".join(parts) + "。可区分处理的，删去这些内容后公开其余部分。"
    return REDACTED, [*excused, Reason(text_, book.redaction_basis)]


def classify_document(text: str, *, title: str | None = None) -> Classification:
    """Suggest the 公开属性 of a draft 公文 (pure function; see the module docstring for the rule order)."""
    title = (title or rules.guess_title(text)).strip()
    findings = find_pii(text)
    private = [f for f in findings if f.private and f.type in rules.rulebook().redact_types]
    hit = rules.first_hit(title, text)
    neighbours: list[str] = []
    if hit is not None:
        label, confidence, method = hit.rule.label, hit.rule.confidence, "rule"
        reasons = [Reason(hit.reason, hit.rule.basis)]
        if hit.rule.group == "public" and (detail := _public_detail(title, text)) and detail.basis != hit.rule.basis:
            reasons.append(detail)
    else:
        label, confidence, reasons, neighbours = _similarity_reason(title, text)
        method = "similarity"
        # whether to redact depends on the data actually found (step 7), not on similar examples
        label = PUBLIC if label == REDACTED else label
    label, extra = _apply_redaction(label, title, text, private)
    reasons += extra
    if label in (NOT_PUBLIC, ON_REQUEST) and private:
        reasons.append(Reason(f"文中含有个人信息（{_data_summary(private)}）；如需对外提供，应先去除这些内容。",
                              "《政府信息公开条例》第十五条"))
    return Classification(label, confidence, reasons, findings, redact(text, findings), method,
                          hit.rule.id if hit else "", title, neighbours)


class ClassifyArgs(BaseModel):
    text: str = Field(description="待判断的公文草稿全文（纯文本）")
    title: str | None = Field(default=None, description="公文标题；不提供时从正文第一行推断")


def make_tool(ctx: ToolContext) -> StructuredTool:
    """The "classify" tool: suggest the 公开属性 of a draft and find the personal data to redact."""

    def classify(text: str, title: str | None = None) -> dict[str, Any]:
        if not text or not text.strip():
            raise BadInput("没有收到公文内容，请粘贴公文全文或上传 .docx/.txt 文件。")
        if "\x00" in text:
            raise BadInput("内容像是二进制文件，无法识别为文字，请上传 .docx/.txt 文件或粘贴文字。")
        return classify_document(text, title=title).as_dict()

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
