"""The self-contained HTML report: inline CSS and SVG, no scripts or fonts from anywhere else."""

from __future__ import annotations

import functools
from html import escape
from pathlib import Path
from typing import Any

import yaml

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#1f2933;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-left:4px solid #b91c1c;padding-left:8px}
.meta{color:#52606d;font-size:13px}.cards{display:flex;flex-wrap:wrap;gap:10px;margin-top:12px}
.card{border:1px solid #d9e2ec;border-radius:6px;padding:8px 12px;min-width:150px}
.card b{display:block;font-size:20px}.card span{font-size:12px;color:#52606d}
.bad b{color:#b91c1c}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid #d9e2ec;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f0f4f8}
td.num{text-align:right;font-variant-numeric:tabular-nums}pre{white-space:pre-wrap;margin:0;font-size:12px;font-family:inherit}
details summary{cursor:pointer;color:#1d4ed8}.row{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}.err{color:#b91c1c}
"""
_HEAT = ("#f8fafc", "#fde2e2", "#f9a8a8", "#ef6b6b", "#c81e1e")


@functools.cache
def metric_names() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "metric_names.yaml").read_text("utf-8"))
    return data


def fmt(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key.endswith("mrr"):
        return f"{value:.3f}"
    if key.endswith("_ms") or key.endswith("public_when_not") or isinstance(value, int):
        return f"{value:g}"
    return f"{value:.1%}"


def _cards(summary: dict[str, Any]) -> str:
    out = [f'<div class="card"><b>{summary["passed"]}/{summary["total"]}</b><span>通过/总题数</span></div>']
    for key, value in summary["headline"].items():
        if value is None:
            continue
        bad = key == "classify.public_when_not" and value > 0
        name = metric_names().get(key, {}).get("name", key)
        out.append(f'<div class="card{" bad" if bad else ""}" data-metric="{escape(key)}">'
                   f"<b>{escape(fmt(key, value))}</b><span>{escape(name)}</span></div>")
    return '<div class="cards">' + "".join(out) + "</div>"


_NUM = "一二三四五六七八九十"
_KIND_NAMES = {"qa": "问答", "out_of_scope": "范围外问题", "conversation": "多轮对话", "classify": "公开属性", "pii": "个人信息识别",
               "duties": "职责清单", "deadline": "期限计算", "intent": "意图识别"}


def _plan_key(label: str) -> tuple[int, int] | None:
    """"四(三)" → (4, 3), "一" → (1, 0); None for anything that is not a plan section label."""
    head, _, rest = label.partition("(")
    if len(head) != 1 or head not in _NUM:
        return None
    sub = rest.rstrip(")")
    if rest and (len(sub) != 1 or sub not in _NUM):
        return None
    return _NUM.index(head) + 1, (_NUM.index(sub) + 1) if sub else 0


def split_rows(sections: dict[str, dict[str, Any]]) -> tuple[list[tuple[str, dict[str, Any]]], ...]:
    """(plan sections in plan order, other sources by size, item kinds)."""
    plan = sorted(((k, v) for k, v in sections.items() if _plan_key(k)), key=lambda kv: _plan_key(kv[0]) or (0, 0))
    kinds = [(_KIND_NAMES[k], sections[k]) for k in _KIND_NAMES if k in sections and k != "qa"]
    laws = sorted(((k, v) for k, v in sections.items() if not _plan_key(k) and k not in _KIND_NAMES),
                  key=lambda kv: (-kv[1]["n"], kv[0]))
    return plan, laws, kinds


def bar_chart(rows: list[tuple[str, dict[str, Any]]], chart_id: str, label_w: int = 90) -> str:
    """Horizontal bars: item pass rate per row (qa rows also show hit@5 as a thin orange bar)."""
    bar_w, row_h = 360, 24
    height = row_h * len(rows) + 30
    parts = [f'<svg id="{chart_id}" class="chart" xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 110}" '
             f'height="{height}" role="img" aria-label="正确率">']
    for i, (name, row) in enumerate(rows):
        y = 8 + i * row_h
        acc = row.get("accuracy") or 0.0
        shown = name if len(name) <= 18 else name[:17] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
                     f"<title>{escape(name)}</title>{escape(shown)}</text>")
        parts.append(f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="15" fill="#f0f4f8"/>')
        colour = "#2563eb" if acc >= 0.8 else "#f97316" if acc >= 0.5 else "#dc2626"
        parts.append(f'<rect class="bar" x="{label_w}" y="{y}" width="{acc * bar_w:.1f}" height="15" fill="{colour}"/>')
        if row.get("hit@5") is not None:
            parts.append(f'<rect x="{label_w}" y="{y + 16}" width="{row["hit@5"] * bar_w:.1f}" height="3" fill="#a16207"/>')
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 13}" font-size="12">{acc:.0%}（{row["n"]}题）</text>')
    parts.append(f'<text x="{label_w}" y="{height - 4}" font-size="11" fill="#52606d">粗条：通过率；细条：检索前五命中率</text>')
    return "".join(parts) + "</svg>"


def heat_map(cls: dict[str, Any]) -> str:
    """Confusion matrix: rows are the expected attribute, columns what the classifier said."""
    labels: list[str] = list(cls["labels"])
    extra = sorted({g for row in cls["confusion"].values() for g in row} - set(labels))
    cols = labels + extra
    cell, left, top = 70, 130, 60
    peak = max([c for row in cls["confusion"].values() for c in row.values()] or [1])
    parts = [f'<svg id="confusion-heatmap" xmlns="http://www.w3.org/2000/svg" width="{left + cell * len(cols) + 10}" '
             f'height="{top + cell * len(labels) + 10}" role="img" aria-label="公开属性混淆矩阵">',
             f'<text x="{left}" y="14" font-size="12" fill="#52606d">行：应为的属性；列：助手的判断</text>']
    for j, col in enumerate(cols):
        parts.append(f'<text x="{left + j * cell + cell / 2}" y="{top - 8}" text-anchor="middle" font-size="11">'
                     f"{escape(col.replace('此件', ''))}</text>")
    for i, row_label in enumerate(labels):
        y = top + i * cell
        parts.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4}" text-anchor="end" font-size="11">'
                     f"{escape(row_label.replace('此件', ''))}</text>")
        for j, col in enumerate(cols):
            count = cls["confusion"].get(row_label, {}).get(col, 0)
            shade = _HEAT[max(1, min(4, round(4 * count / peak)))] if count else _HEAT[0]
            if count and col == row_label:
                shade = "#bbf7d0" if count < peak / 2 else "#4ade80"
            parts.append(f'<rect class="cell" x="{left + j * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                         f'fill="{shade}" stroke="#d9e2ec"/><text x="{left + j * cell + cell / 2 - 1}" '
                         f'y="{y + cell / 2 + 5}" text-anchor="middle" font-size="15">{count}</text>')
    return "".join(parts) + "</svg>"


_FIELD_NAMES = {"key_facts": "要点", "source": "出处", "attribute": "属性", "redact": "应删", "spans": "个人信息",
                "tool": "工具", "args": "参数", "sections": "章节", "unit": "单位", "findings": "找到",
                "reasons": "理由", "answer": "回答", "expected_sections": "章节", "expected": "应为",
                "expected_tool": "工具", "expected_args": "参数"}


def _source_text(src: Any) -> str:
    if isinstance(src, dict) and "title" in src:
        section = src.get("section")
        return f"《{src['title']}》" + ("/".join(section) if isinstance(section, list) else str(section or ""))
    return _show(src)


def _show(value: Any) -> str:
    """Trainer-readable text for an expected/got value: labelled lines, not JSON."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        if "title" in value and "section" in value:
            return _source_text(value)
        lines = []
        for key, item in value.items():
            shown = "；".join(_source_text(v) for v in item) if key == "source" and isinstance(item, list) else \
                _source_text(item) if key == "source" else _show(item)
            lines.append(f"{_FIELD_NAMES.get(key, key)}：{shown}")
        return "\n".join(lines)
    if isinstance(value, list):
        return "；".join(_show(v) for v in value) or "（无）"
    return str(value)


def _rank_note(r: dict[str, Any]) -> str:
    if r.get("kind") != "qa" or "rank" not in (r.get("detail") or {}):
        return ""
    rank = r["detail"]["rank"]
    return f"\n〔期望出处：{'未检索到' if rank is None else f'第{rank}位'}〕"


def _sources(sources: list[dict[str, Any]]) -> str:
    out = []
    for s in sources:
        cite = f"《{s.get('title', '')}》{s.get('section', '')}"
        out.append(f"<details><summary>{escape(cite)}</summary><pre>{escape(str(s.get('text') or ''))}</pre></details>")
    return "".join(out) or "—"


def failures_table(items: list[dict[str, Any]]) -> str:
    failed = [r for r in items if not r["passed"]]
    if not failed:
        return "<p>全部通过。</p>"
    rows = ["<tr><th>编号</th><th>类型</th><th>问题 / 输入</th><th>应为</th><th>实际</th><th>出处</th></tr>"]
    for r in failed:
        got = f'<span class="err">{escape(r["error"])}</span>' if r.get("error") else f"<pre>{escape(_show(r['got']) + _rank_note(r))}</pre>"
        rows.append(f'<tr class="failed"><td>{escape(r["id"])}</td><td>{escape(r["kind"])}</td>'
                    f"<td><pre>{escape(r['prompt'][:600])}</pre></td><td><pre>{escape(_show(r['expected']))}</pre></td>"
                    f"<td>{got}</td><td>{_sources(r.get('sources') or [])}</td></tr>")
    return f"<table id='failures'>{''.join(rows)}</table>"


def sections_table(sections: dict[str, dict[str, Any]]) -> str:
    cols = [("n", "题数"), ("accuracy", "通过率"), ("hit@1", "hit@1"), ("hit@5", "hit@5"), ("mrr", "MRR"),
            ("key_fact_accuracy", "要点准确率")]
    head = "".join(f"<th>{c[1]}</th>" for c in cols)
    body = []
    plan, laws, kinds = split_rows(sections)
    for name, row in plan + laws + kinds:
        cells = "".join(f'<td class="num">{escape(fmt(k, row.get(k)) if k != "n" else str(row["n"]))}</td>' for k, _ in cols)
        body.append(f"<tr><td>{escape(name)}</td>{cells}</tr>")
    return f"<table><tr><th>章节 / 类型</th>{head}</tr>{''.join(body)}</table>"


def _charts(summary: dict[str, Any]) -> str:
    plan, laws, _ = split_rows(summary["sections"])
    kinds = [(_KIND_NAMES.get(k, k), {"n": v["n"], "accuracy": v["rate"]}) for k, v in summary["kinds"].items()]
    return ("<div class='row'><div><h2>各类题目通过率</h2>" + bar_chart(kinds, "kind-chart")
            + "</div><div><h2>公开属性混淆矩阵</h2>" + heat_map(summary["metrics"]["classify"]) + "</div></div>"
            + "<div class='row'><div><h2>方案各章节正确率</h2>" + bar_chart(plan, "section-chart", 60)
            + "</div><div><h2>法规等其他出处正确率</h2>" + bar_chart(laws, "source-chart", 230) + "</div></div>")


_SPLIT_NAMES = {"dev": "开发集 dev（和代码一起写的题）", "test": "测试集 test（盲写，冻结）"}
_CONFIG_NAMES = {"embedder": "向量模型", "retrieval_mode": "检索方式", "llm": "大模型"}


def config_line(config: dict[str, Any]) -> str:
    """"向量模型：use · 检索方式：hybrid · 大模型：未启用" — what the run was configured with."""
    return " · ".join(f"{_CONFIG_NAMES.get(k, k)}：{v}" for k, v in config.items())


def splits_table(summary: dict[str, Any]) -> str:
    """Headline metrics, one column per split that ran, with each split's item count per kind."""
    splits: dict[str, dict[str, Any]] = summary.get("splits") or {}
    if not splits:
        return ""
    head = "".join(f"<th>{escape(_SPLIT_NAMES.get(s, s))}</th>" for s in splits)
    rows = ["<tr><td>题数（通过）</td>" + "".join(
        f'<td class="num">{v["total"]}（{v["passed"]}）</td>' for v in splits.values()) + "</tr>"]
    for key in summary["headline"]:
        values = [v["headline"].get(key) for v in splits.values()]
        if all(x is None for x in values):
            continue
        name = metric_names().get(key, {}).get("name", key)
        cells = "".join(f'<td class="num">{escape(fmt(key, x))}</td>' for x in values)
        rows.append(f'<tr data-metric="{escape(key)}"><td>{escape(name)}</td>{cells}</tr>')
    sizes = "；".join(f"{s}：" + "、".join(f"{_KIND_NAMES.get(k, k)}{kv['n']}" for k, kv in v["kinds"].items())
                     for s, v in splits.items())
    return (f"<h2>开发集与测试集</h2><table id='splits'><tr><th>指标</th>{head}</tr>{''.join(rows)}</table>"
            f"<p class='meta'>{escape(sizes)}。测试集只给汇总，不列逐题结果。</p>")


def render_html(summary: dict[str, Any], items: list[dict[str, Any]], *, title: str = "政务公开助手评测报告",
                meta: str = "") -> str:
    errors = summary.get("load_errors") or []
    err_html = "".join(f"<li>{escape(e)}</li>" for e in errors)
    config = config_line(summary.get("config") or {})
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{_CSS}</style></head><body><h1>{escape(title)}</h1><div class='meta'>{escape(meta)}</div>"
            + (f"<div class='meta' id='config'>{escape(config)}</div>" if config else "")
            + f"{_cards(summary)}" + splits_table(summary)
            + (f"<h2>题库格式问题（这些题未运行）</h2><ul class='err'>{err_html}</ul>" if errors else "")
            + _charts(summary)
            + f"<h2>分章节明细</h2>{sections_table(summary['sections'])}"
            + f"<h2>未通过的题目（{sum(1 for r in items if not r['passed'])}）</h2>{failures_table(items)}"
            + "</body></html>")
