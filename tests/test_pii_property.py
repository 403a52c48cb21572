"""Redaction properties over every labelled text of the shipped sets and over generated texts.

For any text: no masked finding's text survives in the redacted text, the redacted text differs
from the original only inside masked findings, and every finding points at its own text.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.pii import find_pii, redact

DEV_SETS = Path(__file__).resolve().parents[1] / "eval" / "sets" / "dev"  # never the blind test split


def _labelled_texts() -> list[str]:
    texts = []
    for path in sorted(DEV_SETS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        texts += [str(item["text"]) for item in data.get("items") or [] if item.get("text")]
    return texts


def _check(text: str) -> None:
    findings = find_pii(text)
    redacted = redact(text, findings)
    masks = [f for f in findings if f.private]
    assert len(redacted) == len(text)
    inside = set()
    for f in findings:
        assert text[f.start:f.end] == f.text and len(f.masked) == len(f.text)
    for f in masks:
        inside.update(range(f.start, f.end))
        assert f.text not in redacted, f"{f.type} {f.text!r} still readable"
    changed = {i for i, (a, b) in enumerate(zip(text, redacted, strict=True)) if a != b}
    assert changed <= inside
    ordered = sorted(findings, key=lambda f: f.start)
    assert all(a.end <= b.start for a, b in zip(ordered, ordered[1:], strict=False))


def test_every_labelled_text_of_the_dev_sets() -> None:
    texts = _labelled_texts()
    assert len(texts) > 150
    for text in texts:
        _check(text)


_FRAGMENTS = [
    "张建华同志", "杨 梅", "李红梅女士", "补助对象：", "驾驶人", "申请人", "户主", "姓名\t身份证号\n", "\t", "、",
    "532930196804123314", "532930196804123315", "５３２９２４１９７９０９２３９７０８", "532926 19920718 4046",
    "6217008159083016618", "6217008159083016611", "卡号：", "身份证号：", "13988726655", "139-0872-1234",
    "0872-5123456", "监督电话：", "咨询电话：", "eyzfb@163.com", "发送至", "茈碧湖镇玉湖路128号", "凤羽镇凤翔村委会下登村3组12号",
    "洱政办发〔2021〕35号", "2021年5月6日", "12.5万元", "91532930MA6N7QK3XL", "671200", "字样", "查询", "同志们",
    "，", "。", "\n", " ", "等3名同志", "云L·3K219", "经研究", "的", "于",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=6)), max_size=25))
def test_generated_texts(parts: list[str]) -> None:
    _check("".join(parts))
