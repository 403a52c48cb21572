"""Aggregate graded items into the trainers' metrics: overall, per plan section, and a flat headline dict."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from eval.grading import ItemResult
from eval.validate import ATTRIBUTES

PUBLIC = "此件公开发布"


def ratio(num: float, den: float) -> float | None:
    return None if den == 0 else round(num / den, 4)


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile (p50 of 1..4 is 2); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return round(ordered[rank - 1], 1)


def retrieval(results: list[ItemResult]) -> dict[str, Any]:
    """hit@1, hit@5 and MRR over qa items that name a source (rank None = not retrieved)."""
    ranked = [r for r in results if r.kind == "qa" and isinstance(r.expected, dict) and r.expected.get("source")]
    n = len(ranked)
    ranks = [r.detail.get("rank") for r in ranked]
    return {
        "n": n,
        "hit@1": ratio(sum(1 for k in ranks if k == 1), n),
        "hit@5": ratio(sum(1 for k in ranks if k is not None and k <= 5), n),
        "mrr": ratio(sum(1 / k for k in ranks if k), n),
    }


def key_facts(results: list[ItemResult]) -> dict[str, Any]:
    qa = [r for r in results if r.kind == "qa"]
    found = sum(len(r.detail.get("facts_found", [])) for r in qa)
    total = sum(int(r.detail.get("facts_total", 0)) for r in qa)
    return {
        "n": len(qa),
        "accuracy": ratio(sum(1 for r in qa if r.detail.get("all_facts")), len(qa)),
        "fact_recall": ratio(found, total),
        "wrongly_refused": ratio(sum(1 for r in qa if r.detail.get("refused")), len(qa)),
    }


def citations(results: list[ItemResult]) -> dict[str, Any]:
    """Over qa items that name a source: the expected one cited; padded = answered with a clause that
    is none of the expected sources (eval/answers.py), out of those answered."""
    sourced = [r for r in results if r.kind == "qa" and "citation_hit" in r.detail]
    answered = [r for r in sourced if not r.detail.get("refused")]
    return {"n": len(sourced), "answered": len(answered),
            "citation_hit": ratio(sum(1 for r in sourced if r.detail["citation_hit"]), len(sourced)),
            "padded_rate": ratio(sum(1 for r in answered if r.detail.get("padded")), len(answered))}


def by_label(results: list[ItemResult], kind: str, label: str) -> dict[str, dict[str, Any]]:
    """Pass rate per answer_type (qa) or category (out_of_scope): aggregate only, never per item."""
    groups: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        if r.kind == kind:
            groups[str(r.detail.get(label) or "（未标注）")].append(r)
    return {k: {"n": len(v), "rate": ratio(sum(1 for r in v if r.passed), len(v))} for k, v in sorted(groups.items())}


def lookalikes(results: list[ItemResult]) -> dict[str, Any]:
    items = [r for r in results if r.kind == "pii" and "keep_total" in r.detail]
    total = sum(int(r.detail["keep_total"]) for r in items)
    return {"n": len(items), "strings": total,
            "intact": ratio(sum(int(r.detail["keep_intact"]) for r in items), total)}


def classification(results: list[ItemResult]) -> dict[str, Any]:
    items = [r for r in results if r.kind == "classify"]
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for r in items:
        confusion[str(r.detail.get("label"))][str(r.detail.get("predicted") or "（出错）")] += 1
    correct = sum(1 for r in items if r.detail.get("predicted") == r.detail.get("label"))
    leaks = [r.id for r in items if r.detail.get("predicted") == PUBLIC and r.detail.get("label") != PUBLIC]
    return {
        "n": len(items),
        "accuracy": ratio(correct, len(items)),
        "labels": list(ATTRIBUTES),
        "confusion": {label: dict(counts) for label, counts in confusion.items()},
        "public_when_not": len(leaks),
        "public_when_not_ids": leaks,
    }


def spans(results: list[ItemResult], kind: str) -> dict[str, Any]:
    """Precision/recall of personal-data spans: classify items with ``redact``, or pii items."""
    items = [r for r in results if r.kind == kind and "expected_spans" in r.detail]
    tp_found = sum(int(r.detail["tp_found"]) for r in items)
    found = sum(int(r.detail["found"]) for r in items)
    tp_expected = sum(int(r.detail["tp_expected"]) for r in items)
    expected = sum(int(r.detail["expected_spans"]) for r in items)
    return {"n": len(items), "precision": ratio(tp_found, found) if found else (1.0 if items else None),
            "recall": ratio(tp_expected, expected) if expected else (1.0 if items else None),
            "tp_found": tp_found, "found": found, "tp_expected": tp_expected, "expected": expected,
            "leaks": sum(int(r.detail.get("leaks", 0)) for r in items) if items else None}


def duties(results: list[ItemResult]) -> dict[str, Any]:
    items = [r for r in results if r.kind == "duties" and r.error is None]
    n_all = sum(1 for r in results if r.kind == "duties")
    tp_found = sum(int(r.detail["tp_found"]) for r in items)
    found = sum(int(r.detail["found"]) for r in items)
    tp_expected = sum(int(r.detail["tp_expected"]) for r in items)
    expected = sum(int(r.detail["expected"]) for r in items)
    missed = sum(1 for r in results if r.kind == "duties" and r.error is not None)  # errors count as misses
    return {"n": n_all, "precision": ratio(tp_found, found), "recall": ratio(tp_expected, expected + missed)}


def simple_rate(results: list[ItemResult], kind: str) -> dict[str, Any]:
    items = [r for r in results if r.kind == kind]
    return {"n": len(items), "rate": ratio(sum(1 for r in items if r.passed), len(items))}


def by_kind(results: list[ItemResult], kind: str) -> dict[str, Any]:
    """Pass rate and latency of one kind of item."""
    latencies = [r.latency_ms for r in results if r.kind == kind]
    return simple_rate(results, kind) | {"p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95)}


def intent(results: list[ItemResult]) -> dict[str, Any]:
    items = [r for r in results if r.kind == "intent"]
    return {"n": len(items), "accuracy": ratio(sum(1 for r in items if r.passed), len(items)),
            "tool_accuracy": ratio(sum(1 for r in items if r.detail.get("tool_ok")), len(items))}


def sections(results: list[ItemResult]) -> dict[str, dict[str, Any]]:
    """Per plan section (or law title) for qa items; per kind for everything else."""
    groups: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        groups[r.group if r.kind == "qa" else r.kind].append(r)
    out = {}
    for name, rs in groups.items():
        row: dict[str, Any] = {"n": len(rs), "accuracy": ratio(sum(1 for r in rs if r.passed), len(rs))}
        if all(r.kind == "qa" for r in rs):
            row |= {k: v for k, v in retrieval(rs).items() if k != "n"}
            row["key_fact_accuracy"] = key_facts(rs)["accuracy"]
        out[name] = row
    return out


def summarise(results: list[ItemResult]) -> dict[str, Any]:
    """Everything the report, --json, --compare and the CI floor read."""
    ret, facts, cls = retrieval(results), key_facts(results), classification(results)
    red, pii, dut = spans(results, "classify"), spans(results, "pii"), duties(results)
    oos, dl, it = simple_rate(results, "out_of_scope"), simple_rate(results, "deadline"), intent(results)
    cit, conv, keep = citations(results), simple_rate(results, "conversation"), lookalikes(results)
    latencies = [r.latency_ms for r in results]
    headline = {
        "qa.hit@1": ret["hit@1"], "qa.hit@5": ret["hit@5"], "qa.mrr": ret["mrr"],
        "qa.key_fact_accuracy": facts["accuracy"], "qa.wrongly_refused": facts["wrongly_refused"],
        "qa.padded_rate": cit["padded_rate"], "qa.citation_hit": cit["citation_hit"],
        "oos.handled_rate": oos["rate"], "conversation.accuracy": conv["rate"],
        "classify.accuracy": cls["accuracy"], "classify.public_when_not": cls["public_when_not"] if cls["n"] else None,
        "classify.redaction_recall": red["recall"],
        "pii.precision": pii["precision"], "pii.recall": pii["recall"], "pii.lookalikes_intact": keep["intact"],
        "pii.leaks": pii["leaks"],
        "duties.precision": dut["precision"], "duties.recall": dut["recall"],
        "deadline.exact_match": dl["rate"], "intent.accuracy": it["accuracy"],
        "latency.p50_ms": percentile(latencies, 50), "latency.p95_ms": percentile(latencies, 95),
    }
    return {
        "total": len(results),
        "passed": sum(1 for r in results if r.passed),
        "headline": headline,
        "metrics": {"retrieval": ret, "key_facts": facts, "citations": cit, "out_of_scope": oos,
                    "conversation": conv, "classify": cls, "redaction": red, "pii": pii, "lookalikes": keep,
                    "duties": dut, "deadline": dl, "intent": it,
                    "qa_by_answer_type": by_label(results, "qa", "answer_type"),
                    "oos_by_category": by_label(results, "out_of_scope", "category"),
                    "latency_ms": {"p50": headline["latency.p50_ms"], "p95": headline["latency.p95_ms"]}},
        "kinds": {k: by_kind(results, k) for k in sorted({r.kind for r in results})},
        "sections": sections(results),
    }


def summarise_splits(results: list[ItemResult]) -> dict[str, Any]:
    """The overall summary plus ``splits``: the same summary for each split that ran (dev, test)."""
    summary = summarise(results)
    present = [s for s in ("dev", "test") if any(r.split == s for r in results)]
    present += sorted({r.split for r in results} - set(present))
    summary["splits"] = {s: summarise([r for r in results if r.split == s]) for s in present}
    return summary
