"""Persons in a draft that the personal-data finder does not mask, as the 公开属性 safety step weighs them.

- the organ's own 联系人 and the office phone on that line: its published contact details, not private data;
- persons the drafter already wrote as 杨某明, 李某某: nothing to mask in the draft, but the text that is
  published will carry the person's name and data, so it is never published as it stands.
Pure functions over the text and the finder's findings.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml

from tools.gongwen_fields import is_form_line
from tools.pii import Finding

_CONTACT_LABEL = re.compile(r"联系人\s*[：:]?\s*(?:[^，,；;。：:\s]{2,24}\s+)?$")
_PERSONAL_NUMBERS = frozenset({"mobile", "id_card", "bank_card", "address"})
_HOME_PHONE = re.compile(r"家庭|住宅|宅电|家中|家里")


def office_contacts(text: str, findings: list[Finding]) -> list[Finding]:
    """Names given as the organ's 联系人 beside no personal number ("联系人：王丽，电话：0872-5120785").

    An organ publishes its contact details (条例第二十条第（二）项); the staff member named as its contact acts for it.
    A 联系人 line that also gives a mobile, an ID number or a home address is a person's, and stays private.
    """
    out: list[Finding] = []
    for f in findings:
        if f.type != "name" or not f.private:
            continue
        start = text.rfind("\n", 0, f.start) + 1
        end = text.find("\n", f.end)
        end = len(text) if end < 0 else end
        line = [g for g in findings if start <= g.start < end]
        if _CONTACT_LABEL.search(text[start:f.start]) and not any(g.type in _PERSONAL_NUMBERS and g.private for g in line):
            # the office phone on the contact line is the organ's, unless it is labelled a home phone
            out += [f] + [g for g in line if g.type == "landline" and not _HOME_PHONE.search(text[max(start, g.start - 8):g.start])]
    return out


# 杨某明 / 李某某 / 张某 in a list row, a table cell or after a label or a list mark: a surname, 某, and at most one more
# character, not 某些/某个/某地 … and not the start of a place or an organisation (某某镇, 李某公司)
_NOT_PERSON_AFTER = "些个种一项地处日月年时次方类件单部段位镇乡县村局所公司店厂街路区社组"
_NOT_GIVEN_NAME = "等和与及同在的到于对向被将把为是系户家说称反"  # 张某等, 李某和…: a function word, not a given name
_LEAD = r"(?:^|(?<=[\s\d、，,：:；;.．（(]))"


@cache
def _placeholder() -> re.Pattern[str]:
    raw = yaml.safe_load(resources.files("tools").joinpath("data/pii_names.yaml").read_text("utf-8"))
    surnames = re.escape("".join(sorted(set(raw["surnames"].strip()) - {"某"})))
    return re.compile(rf"{_LEAD}([{surnames}]某(?:某|[\u4e00-\u9fff](?<![{_NOT_PERSON_AFTER}{_NOT_GIVEN_NAME}]))?)"
                      rf"(?![{_NOT_PERSON_AFTER}])", re.MULTILINE)


def placeholder_persons(text: str) -> tuple[str, ...]:
    """The 某-written persons of ``text`` ("杨某明", "李某某"), in order, each once."""
    seen: dict[str, None] = {}
    for m in _placeholder().finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        if is_form_line(text[line_start:line_end if line_end >= 0 else len(text)]):
            continue  # 拟稿人：李某 signs the drafting form, not the 公文
        if not _CONTACT_LABEL.search(text[line_start:m.start()]):  # 联系人：王某 is the organ's contact
            seen.setdefault(m.group(1), None)
    return tuple(seen)
