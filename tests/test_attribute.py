"""公开属性 suggestion: accuracy on eval/sets/dev/classify.yaml, the hard rules, exceptions, tool and reply."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.factory import build_tool_context
from tools.attribute import (
    LABELS,
    NOT_PUBLIC,
    ON_REQUEST,
    PUBLIC,
    REDACTED,
    classify_document,
    make_tool,
    render,
)
from tools.attribute_stats import examples

SET = Path(__file__).resolve().parents[1] / "eval" / "sets" / "dev" / "classify.yaml"


def _items() -> list[dict[str, Any]]:
    return list(yaml.safe_load(SET.read_text("utf-8"))["items"])


def _confusion() -> Counter[tuple[str, str]]:
    return Counter((item["expected"], classify_document(item["text"]).attribute) for item in _items())


def test_set_has_80_drafts_across_all_labels() -> None:
    counts = Counter(item["expected"] for item in _items())
    assert sum(counts.values()) >= 80
    assert all(counts[label] >= 15 for label in LABELS)


def test_accuracy_floor_and_confusion_matrix() -> None:
    matrix = _confusion()
    correct = sum(n for (exp, got), n in matrix.items() if exp == got)
    total = sum(matrix.values())
    table = "\n".join(f"{exp}: " + " ".join(str(matrix[(exp, got)]) for got in LABELS) for exp in LABELS)
    assert correct / total >= 0.90, f"accuracy {correct}/{total}\n{table}"


def test_no_secret_or_internal_draft_is_suggested_for_publication() -> None:
    assert _confusion()[(NOT_PUBLIC, PUBLIC)] == 0


def test_every_span_to_redact_is_found() -> None:
    for item in _items():
        found = classify_document(item["text"]).findings
        for span in item.get("redact") or []:
            assert any(str(span["text"]) in f.text or f.text in str(span["text"]) for f in found), (item["id"], span)


def test_training_examples_are_disjoint_from_the_eval_set() -> None:
    eval_texts = {item["text"].strip() for item in _items()}
    assert not any(text.strip() in eval_texts for _, _, text in examples())


PUBLIC_LOOKING = (
    "洱源县人民政府关于做好春节期间森林防火工作的通知\n各镇乡人民政府，县级各部门：\n"
    "请认真做好防火工作，本通知向社会公开征求意见。\n洱源县人民政府"
)


@pytest.mark.parametrize("marking", ["秘密★1年", "机密★", "绝密★长期", "密级：秘密", "★机密"])
def test_secret_marking_always_wins(marking: str) -> None:
    result = classify_document(f"{marking}\n{PUBLIC_LOOKING}")
    assert result.attribute == NOT_PUBLIC
    assert result.reasons[0].basis.startswith("《政府信息公开条例》第十四条")
    assert result.method == "rule"


def test_secret_marking_beats_the_statistical_layer() -> None:
    # nothing but the marking: no genre, no audience — the similarity vote must not decide
    result = classify_document("秘密★\n附表：全县重点项目资金安排情况，共计46个项目。")
    assert result.attribute == NOT_PUBLIC and result.rule == "secret_marking"


def test_art16_reasons_say_it_is_discretionary() -> None:
    result = classify_document("关于申请追加经费的请示\n县人民政府：\n恳请追加经费。妥否，请批示。")
    assert result.attribute == NOT_PUBLIC
    assert "第十六条" in result.reasons[0].basis and "裁量" in result.reasons[0].text


ROSTER = "\n序号 姓名 身份证号\n1 杨丽华 532932198103130505\n2 赵秀英 532930194709070892\n"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("关于2021年城乡低保新增对象的公示", REDACTED),            # ordinary public roster: redact
        ("关于拒不支付劳动报酬违法行为的公布", REDACTED),         # 惩戒公示: the names stay, the ID numbers go
        ("关于失信被执行人名单的公告", REDACTED),                   # 惩戒公示 (workflow.md §1.3.2)
    ],
)
def test_personal_data_redaction_and_its_exceptions(title: str, expected: str) -> None:
    result = classify_document(title + ROSTER)
    assert result.attribute == expected
    assert "5329************05" in result.redacted


def test_mandatory_disclosure_excuses_names_but_not_id_numbers() -> None:
    names_only = classify_document("2021年公益性岗位拟聘用人员名单公示\n拟聘用：姓名：和晓燕，保洁员。")
    assert names_only.attribute == PUBLIC
    with_ids = classify_document("2021年公益性岗位拟聘用人员名单公示" + ROSTER)
    assert with_ids.attribute == REDACTED


def test_letter_to_one_party_is_on_request() -> None:
    text = "政府信息公开申请答复书\n李明：\n您申请的信息已主动公开，现告知获取途径。\n洱源县人民政府办公室"
    result = classify_document(text)
    assert result.attribute == ON_REQUEST and "李明" in result.reasons[0].text


def test_public_reason_names_the_art20_item() -> None:
    result = classify_document("洱源县突发地质灾害应急预案\n1 总则\n为高效做好应急防治工作，制定本预案。")
    assert result.attribute == PUBLIC
    assert "第二十条第（十二）项" in result.reasons[0].basis


def test_similarity_layer_says_it_is_a_similarity_judgement() -> None:
    result = classify_document("关于邓川镇新州村排水沟渠修缮项目有关情况\n项目总投资18万元，已完工。")
    assert result.method == "similarity" and result.rule == ""
    assert "相似度判断，不是法定规则" in result.reasons[0].text
    assert result.reasons[0].basis == "相似样例比对（非法定依据）"
    assert result.confidence <= 0.75  # never as sure as a rule


def test_tool_returns_the_design_contract() -> None:
    tool = make_tool(build_tool_context())
    assert tool.name == "classify"
    assert set(tool.args) == {"text", "title", "layout"}  # layout: filled by the system for an uploaded .docx
    data = tool.invoke({"text": "关于低保对象的公示" + ROSTER})
    assert data["attribute"] in LABELS
    assert isinstance(data["confidence"], float)
    assert all(set(r) == {"text", "basis"} for r in data["reasons"])
    assert all({"type", "text", "start", "end", "masked"} <= set(f) for f in data["findings"])
    assert isinstance(data["redacted"], str)


def test_rendered_reply_is_bold_masked_and_ends_with_the_reminder() -> None:
    data = classify_document("关于低保对象的公示" + ROSTER).as_dict()
    text = render(data)
    assert text.startswith("**建议公开属性：此件删减后公开**")
    assert "532932198103130505" not in text and "5329************05" in text
    assert "第三十七条" in text
    assert text.rstrip().endswith("本工具不作决定。") and "审核、签发" in text.splitlines()[-1]
