"""Asymmetric safety of the 公开属性 suggestion, as code rather than tuning.

Publishing by mistake is the costly error; keeping a public document back is a cheap one. So:
- every secret / internal / process rule that matches is a *signal*, whatever rule decided;
- personal data of a natural person that no disclosure exception excuses is *private data*;
- the statistical layer only chooses among ``allowed`` labels (no 此件公开发布 with a signal or
  private data, no 此件删减后公开 with nothing to remove);
- ``settle`` is the last step of every suggestion: a signal turns a publishing label into 此件不公开,
  private data turns 此件公开发布 into 此件删减后公开. No rule order or vote can get past it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tools import attribute_rules as rules
from tools.attribute_persons import office_contacts, placeholder_persons
from tools.pii import Finding
from tools.pii_finding import TYPE_NAMES as TYPE_NAMES  # re-exported for tools/attribute.py

PUBLIC, REDACTED, ON_REQUEST, NOT_PUBLIC = "此件公开发布", "此件删减后公开", "此件依申请公开", "此件不公开"
LABELS = (PUBLIC, REDACTED, ON_REQUEST, NOT_PUBLIC)
SIGNAL_GROUPS = frozenset({"secret", "internal", "process"})


def plan_basis(section: str) -> str:
    """A section of the county data set's built-in plan as a basis ("" when the data set has none)."""
    from knowledge.corpus import plan_title

    title = plan_title()
    return f"《{title}》{section}" if title else ""


@dataclass(frozen=True)
class Reason:
    text: str
    basis: str


@dataclass(frozen=True)
class Safety:
    """What forbids publication: the signals, the unexcused private data, third-party 商业秘密."""

    signals: tuple[rules.RuleHit, ...]
    private: tuple[Finding, ...]
    secrets: tuple[str, ...]
    exception: Reason | None  # the disclosure exception that excused some personal data, named in the reasons
    contacts: tuple[Finding, ...] = ()  # the organ's 联系人 and office phone, not counted as private data
    placeholders: tuple[str, ...] = ()  # persons the draft writes as 杨某明, 李某某: no finding, but a person's data

    def allowed(self) -> tuple[str, ...]:
        """The labels the statistical layer may choose from."""
        if self.signals:
            return (ON_REQUEST, NOT_PUBLIC)
        if self.private or self.secrets or self.placeholders:
            return (REDACTED, ON_REQUEST, NOT_PUBLIC)
        return (PUBLIC, ON_REQUEST, NOT_PUBLIC)


def data_summary(findings: list[Finding] | tuple[Finding, ...]) -> str:
    counts = Counter(TYPE_NAMES.get(f.type, f.type) for f in findings)
    return "、".join(f"{name}{n}处" for name, n in counts.items())


def assess(sc: rules.Scopes, text: str, findings: list[Finding], *, keep_exceptions: bool = True) -> Safety:
    """The signals and the private data of one document."""
    book = rules.rulebook()
    contacts = office_contacts(text, findings)
    private = [f for f in findings if f.private and f.type in book.redact_types and f not in contacts]
    placeholders = placeholder_persons(text)
    exception: Reason | None = None
    hit = rules.exception_hit(sc.title, text) if keep_exceptions and (private or placeholders) else None
    if hit is not None:
        exception = Reason(hit[1], hit[0].basis or plan_basis("五(二)"))
        private = [f for f in private if f.type not in hit[0].excused]
        placeholders = () if "name" in hit[0].excused else placeholders
    secrets = tuple(w for w in book.commercial_secret if w in text)
    return Safety(tuple(rules.all_hits(sc, SIGNAL_GROUPS)), tuple(private), secrets, exception, tuple(contacts),
                  placeholders)


def settle(label: str, safety: Safety) -> tuple[str, list[Reason]]:
    """The final label under the safety invariants, and the reasons for any change."""
    reasons: list[Reason] = []
    if label in (PUBLIC, REDACTED) and safety.signals:
        hit = safety.signals[0]
        reasons.append(Reason(f"文件还带有不宜公开的标志（“{hit.match}”），稳妥起见不建议公开；如确需公开，请在审核时逐项核实。",
                              hit.rule.basis))
        return NOT_PUBLIC, reasons
    if safety.exception is not None and label == PUBLIC:
        reasons.append(safety.exception)
    if safety.contacts and label == PUBLIC and not safety.private and not safety.placeholders:
        reasons.append(Reason(f"“联系人”后的{data_summary(safety.contacts)}是机关对外的工作联系方式，按单位信息处理，不作去标识化；"
                              "如其中有个人的私人联系方式，请在审核时删去。", "《政府信息公开条例》第二十条第（二）项［已核对］"))
    if label == PUBLIC and (safety.private or safety.secrets or safety.placeholders):
        parts = []
        if safety.private:
            parts.append(f"文中含有自然人的个人信息（{data_summary(safety.private)}），公开前应去标识化处理")
        if safety.placeholders:
            parts.append(f"文中以“{safety.placeholders[0]}”等代称列出自然人，正式文本中的姓名、证件号、住址等个人信息公开前应去标识化处理")
        if safety.secrets:
            parts.append(f"文中可能含有第三方商业秘密（“{safety.secrets[0]}”），公开前应删去")
        reasons.append(Reason("；".join(parts) + "。可区分处理的，删去这些内容后公开其余部分。",
                              rules.rulebook().redaction_basis))
        return REDACTED, reasons
    if label in (NOT_PUBLIC, ON_REQUEST) and safety.private:
        reasons.append(Reason(f"文中含有个人信息（{data_summary(safety.private)}）；如需对外提供，应先去除这些内容。",
                              "《政府信息公开条例》第十五条［已核对］"))
    return label, reasons
