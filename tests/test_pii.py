"""The personal-data finder: precision/recall on eval/sets/dev/pii.yaml, masking shapes, look-alikes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.pii import Finding, find_pii, mask_text, redact

PII_SET = Path(__file__).resolve().parents[1] / "eval" / "sets" / "dev" / "pii.yaml"


def _items() -> list[dict[str, Any]]:
    return list(yaml.safe_load(PII_SET.read_text("utf-8"))["items"])


def _expected_spans(item: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(type, start, end) of each labelled span; repeated texts take successive occurrences."""
    text, seen, out = item["text"], Counter[str](), []
    for span in item["spans"]:
        value = str(span["text"])
        pos = -1
        for _ in range(seen[value] + 1):
            pos = text.find(value, pos + 1)
        assert pos >= 0, f"{item['id']}: span {value!r} not in text"
        seen[value] += 1
        out.append((span["type"], pos, pos + len(value)))
    return out


def _score() -> tuple[Counter[str], Counter[str], Counter[str]]:
    tp, fp, fn = Counter[str](), Counter[str](), Counter[str]()
    for item in _items():
        expected = _expected_spans(item)
        unmatched = list(expected)
        for f in find_pii(item["text"]):
            hit = next((e for e in unmatched if e[0] == f.type and f.start < e[2] and e[1] < f.end), None)
            if hit is None:
                fp[f.type] += 1
            else:
                tp[f.type] += 1
                unmatched.remove(hit)
        for kind, _, _ in unmatched:
            fn[kind] += 1
    return tp, fp, fn


def test_pii_set_is_big_enough_and_has_negatives() -> None:
    items = _items()
    assert sum(len(i["spans"]) for i in items) >= 100
    assert sum(1 for i in items if not i["spans"]) >= 10


def test_precision_and_recall_floor() -> None:
    tp, fp, fn = _score()
    precision = sum(tp.values()) / (sum(tp.values()) + sum(fp.values()))
    recall = sum(tp.values()) / (sum(tp.values()) + sum(fn.values()))
    assert precision >= 0.97, f"precision {precision:.3f}, false positives by type {dict(fp)}"
    assert recall >= 0.97, f"recall {recall:.3f}, misses by type {dict(fn)}"


MASKS = [
    ("身份证号532932198103130505", "id_card", "5329************05"),
    ("身份证号53292619490904597X", "id_card", "5329************7X"),
    ("老证532926640216286", "id_card", "5329*********86"),
    ("手机13988726655", "mobile", "139****6655"),
    ("手机 139 8872 6655", "mobile", "139 **** 6655"),
    ("手机+86 13988726655", "mobile", "+86 139****6655"),
    ("卡号6222028528084148529", "bank_card", "6222***********8529"),
    ("卡号6013824121547280", "bank_card", "6013********7280"),
    ("邮箱 zhangsan@example.com", "email", "z***@example.com"),
    ("车牌云L·12345", "plate", "云L·***45"),
    ("住址：凤羽镇凤翔村委会下登村3组12号", "address", "凤羽镇凤翔村委会****组**号"),
    ("住址：茈碧湖镇城北社区文笔路6栋2单元302室", "address", "茈碧湖镇城北社区****栋*单元***室"),
    ("姓名：李四，身份证号532932198103130505", "name", "李*"),
]


@pytest.mark.parametrize(("text", "kind", "masked"), MASKS)
def test_masking_keeps_the_shape(text: str, kind: str, masked: str) -> None:
    found = [f for f in find_pii(text) if f.type == kind]
    assert [f.masked for f in found] == [masked]
    assert masked in mask_text(text)


LOOK_ALIKES = [
    "洱源县人民政府办公室关于印发方案的通知（洱政办发〔2020〕176号）",
    "印发日期：2020年10月30日，编号20201030",
    "共拨付资金1234567.89元",
    "邮政编码：671200",
    "身份证号532930194709070890（校验位错误）",
    "银行账号6013824121547283",
    "证书编号：532929197707051211",
    "订单号123456789012345678，流水号20201105093012345",
    "残疾证号53293019540802787144",
    "金额13988726655.50元",
    "县人民政府办公室主任杨某某主持会议",
    "本表共统计37个行政村、431个村民小组、28510户",
    "项目编号：EYCG2020-0176，预算980000元",
    "县行政中心3楼会议室",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_are_not_flagged(text: str) -> None:
    assert find_pii(text) == []
    assert mask_text(text) == text


def test_credit_code_is_reported_but_never_masked() -> None:
    text = "统一社会信用代码：91532930MA6DXX8K4G"
    (finding,) = find_pii(text)
    assert finding.type == "credit_code" and finding.private is False
    assert mask_text(text) == text


def test_number_inside_longer_digit_run_is_not_a_match() -> None:
    assert find_pii("编号9532932198103130505") == []
    assert find_pii("编号139887266551") == []


def test_office_landline_is_kept_but_a_persons_is_masked() -> None:
    office = "咨询电话：0872-5121234"
    assert mask_text(office) == office
    person = "姓名：李四  电话：0872-5121234"
    assert "0872-***1234" in mask_text(person)


def test_redact_only_touches_private_findings() -> None:
    text = "杨丽华 532932198103130505 代码91350100M000100Y43"
    findings = find_pii(text)
    assert {f.type for f in findings} == {"name", "id_card", "credit_code"}
    assert redact(text, findings) == "杨** 5329************05 代码91350100M000100Y43"


def test_findings_carry_positions() -> None:
    text = "电话13988726655"
    (f,) = find_pii(text)
    assert isinstance(f, Finding) and text[f.start:f.end] == f.text == "13988726655"


def test_mask_text_on_empty_and_plain_text() -> None:
    assert mask_text("") == ""
    assert mask_text("依申请公开多少天内答复？") == "依申请公开多少天内答复？"
