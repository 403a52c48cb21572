"""Metrics on small hand-computed cases, grading rules, --compare and the CI floor check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eval.compare import compare, render_text
from eval.floors import check, load_floors
from eval.grading import ItemResult, args_match, section_matches, span_match
from eval.metrics import percentile, summarise


def _r(kind: str, passed: bool, group: str = "", latency: float = 10.0, **detail: Any) -> ItemResult:
    expected = {"source": {"title": "t", "section": group}} if kind == "qa" else None
    return ItemResult(id=f"{kind}-{len(detail)}-{passed}-{group}-{latency}", kind=kind, set_name="s",
                      group=group or kind, prompt="q", passed=passed, expected=expected,
                      latency_ms=latency, detail=detail)


def test_retrieval_and_key_facts_by_hand() -> None:
    # ranks 1, 3, none, 6 -> hit@1 1/4, hit@5 2/4, MRR (1 + 1/3 + 0 + 1/6)/4 = 0.375
    results = [
        _r("qa", True, "一", rank=1, facts_found=["a"], facts_total=1, all_facts=True),
        _r("qa", True, "一", rank=3, facts_found=["a", "b"], facts_total=2, all_facts=True),
        _r("qa", False, "四(三)", rank=None, facts_found=[], facts_total=2, all_facts=False, refused=True),
        _r("qa", False, "四(三)", rank=6, facts_found=["a"], facts_total=1, all_facts=True),
    ]
    s = summarise(results)
    assert s["total"] == 4 and s["passed"] == 2
    h = s["headline"]
    assert (h["qa.hit@1"], h["qa.hit@5"], h["qa.mrr"]) == (0.25, 0.5, 0.375)
    assert h["qa.key_fact_accuracy"] == 0.75 and s["metrics"]["key_facts"]["fact_recall"] == round(4 / 6, 4)
    assert h["qa.wrongly_refused"] == 0.25
    assert s["sections"]["一"]["hit@1"] == 0.5 and s["sections"]["四(三)"]["accuracy"] == 0.0


def test_classification_confusion_and_public_leaks() -> None:
    results = [
        _r("classify", True, label="此件公开发布", predicted="此件公开发布"),
        _r("classify", False, label="此件不公开", predicted="此件公开发布"),
        _r("classify", True, label="此件删减后公开", predicted="此件删减后公开", tp_found=2, found=3, tp_expected=2, expected_spans=2),
        _r("classify", False, label="此件删减后公开", predicted="此件依申请公开", tp_found=1, found=1, tp_expected=1, expected_spans=2),
    ]
    s = summarise(results)
    cls = s["metrics"]["classify"]
    assert cls["accuracy"] == 0.5 and cls["public_when_not"] == 1
    assert cls["confusion"]["此件删减后公开"] == {"此件删减后公开": 1, "此件依申请公开": 1}
    # redaction: tp 3 of 4 found, 3 of 4 expected; the classify sets list only what must go, so recall only
    assert s["headline"]["classify.redaction_recall"] == 0.75 and s["metrics"]["redaction"]["precision"] == 0.75


def test_duties_deadline_intent_oos_and_latency() -> None:
    results = [
        _r("duties", False, tp_found=2, found=3, tp_expected=2, expected=2),
        _r("duties", True, tp_found=1, found=1, tp_expected=1, expected=2),
        _r("deadline", True), _r("deadline", False), _r("deadline", True, latency=30.0),
        _r("intent", True, tool_ok=True), _r("intent", False, tool_ok=True), _r("intent", False, tool_ok=False),
        _r("out_of_scope", True, latency=100.0), _r("out_of_scope", False, latency=200.0),
    ]
    h = summarise(results)["headline"]
    assert (h["duties.precision"], h["duties.recall"]) == (0.75, 0.75)
    assert h["deadline.exact_match"] == round(2 / 3, 4)
    assert h["intent.accuracy"] == round(1 / 3, 4)
    assert h["oos.handled_rate"] == 0.5
    assert h["latency.p50_ms"] == 10.0 and h["latency.p95_ms"] == 200.0
    assert h["qa.hit@5"] is None and h["classify.public_when_not"] is None  # no such items: no number


def test_percentile_nearest_rank() -> None:
    assert percentile([4, 1, 3, 2], 50) == 2 and percentile([1, 2, 3, 4], 95) == 4 and percentile([], 50) is None


@pytest.mark.parametrize(
    ("got", "expected", "match"),
    [("四(三)", "四", True), ("四（三）", "四(三)", True), ("四", "四(三)", False), ("十一", "十", False),
     ("第三十三条第二款", "第三十三条", True), ("第三十三条", "第三条", False), ("一", "一", True)],
)
def test_section_matching(got: str, expected: str, match: bool) -> None:
    assert section_matches(got, expected) is match


def test_spans_match_by_text_or_overlap() -> None:
    found = [{"text": "532932198103130505", "start": 5, "end": 23}, {"text": "电话", "start": 30, "end": 32}]
    assert span_match(found, [{"text": "532932198103130505"}]) == (1, 2, 1, 1)
    assert span_match(found, [{"start": 10, "end": 12}, {"text": "139"}]) == (1, 2, 1, 2)


def test_a_value_masked_at_each_occurrence_is_not_a_false_positive() -> None:
    found = [{"text": "张建华", "start": 0, "end": 3}, {"text": "张建华", "start": 20, "end": 23}]
    correct, n_found, matched, n_expected = span_match(found, [{"text": "张建华"}])
    assert (correct / n_found, matched / n_expected) == (1.0, 1.0)


def test_one_finding_covering_two_spans_matches_both() -> None:
    found = [{"text": "张三、李四"}]
    assert span_match(found, [{"text": "张三"}, {"text": "李四"}]) == (1, 1, 2, 2)


def test_args_match_normalises_text_and_dates() -> None:
    assert args_match({"received": "2026-09-28"}, {"received": "2026-09-28", "channel": "in_person"})
    assert args_match({"unit": "县卫健局"}, {"unit": " 县卫健局 "})
    assert not args_match({"received": "2026-09-28"}, {"received": "2026-09-29"})
    assert not args_match({"extend": True}, {})


def _run(hit5: float, items: dict[str, bool]) -> dict[str, Any]:
    return {"headline": {"qa.hit@5": hit5, "classify.public_when_not": 0, "latency.p50_ms": 5.0},
            "items": [{"id": k, "passed": v} for k, v in items.items()]}


def test_compare_lists_what_got_better_and_worse() -> None:
    before = _run(0.80, {"a": True, "b": False, "c": True})
    after = _run(0.90, {"a": False, "b": True, "c": True, "d": True})
    after["headline"]["classify.public_when_not"] = 2
    diff = compare(before, after)
    assert [r["metric"] for r in diff["better"]] == ["qa.hit@5"]
    assert [r["metric"] for r in diff["worse"]] == ["classify.public_when_not"]
    assert (diff["fixed_items"], diff["broken_items"], diff["new_items"]) == (["b"], ["a"], ["d"])
    text = render_text(diff)
    assert "变好：检索前五命中率 hit@5 80.0% → 90.0%" in text and "新失败的题（1）：a" in text


def test_floor_check_names_each_metric_below_its_floor() -> None:
    floors = {"dev": {"qa.hit@5": {"min": 0.85}, "classify.public_when_not": {"max": 0}, "intent.accuracy": {"min": 0.9}}}
    summary = {"headline": {}, "splits": {"dev": {"headline": {
        "qa.hit@5": 0.8, "classify.public_when_not": 1, "intent.accuracy": None}}}}
    problems, skipped = check(summary, floors)
    assert len(problems) == 3 and skipped == []
    assert problems[0] == "[dev] 检索前五命中率 hit@5（qa.hit@5）：80.0%，低于下限 85.0%"
    assert "高于上限 0" in problems[1] and "没有这一项的结果" in problems[2]
    summary["splits"]["dev"]["headline"] = {"qa.hit@5": 0.9, "classify.public_when_not": 0, "intent.accuracy": 0.95}
    assert check(summary, floors) == ([], [])


def test_floors_of_a_split_that_did_not_run_are_skipped_not_failed(tmp_path: Path) -> None:
    path = tmp_path / "floors.yaml"
    path.write_text("floors:\n  dev:\n    qa.hit@5: {min: 0.9}\n  test:\n    qa.hit@5: {min: 0.9}\n"
                    "  pii.recall: {min: 0.5}\n", encoding="utf-8")
    floors = load_floors(path)
    assert floors == {"dev": {"qa.hit@5": {"min": 0.9}}, "test": {"qa.hit@5": {"min": 0.9}},
                      "all": {"pii.recall": {"min": 0.5}}}
    summary = {"headline": {"pii.recall": 0.4}, "splits": {"dev": {"headline": {"qa.hit@5": 0.95}}}}
    problems, skipped = check(summary, floors)
    assert skipped == ["test"] and problems == ["删减召回率（个人信息题）（pii.recall）：40.0%，低于下限 50.0%"]


def test_an_intent_item_may_name_a_knowledge_question_as_question() -> None:
    from eval.grading import grade_intent
    from eval.items import Item
    from eval.validate import check_item

    raw = {"id": "i-1", "message": "依申请公开多久答复", "expected_tool": "question"}
    assert check_item("intent", raw) is None
    item = Item(id="i-1", kind="intent", set_name="s", file="f", line=1, data=raw)
    assert grade_intent(item, {"tool": None, "answer": "……"}, None).passed
    assert not grade_intent(item, {"tool": "deadline", "answer": "……"}, None).passed
