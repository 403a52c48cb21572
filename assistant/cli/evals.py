"""``gongkai eval``: the trainers' evaluation run (``gongkai quiz`` lives in assistant/cli/quiz.py).

eval is imported inside the commands: the CLI is the edge where the two packages meet.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from assistant.cli.common import emit_json, load_settings
from knowledge.errors import BadInput, GongkaiError

KIND_CHOICES = ["qa", "out_of_scope", "conversation", "classify", "pii", "duties", "deadline", "intent"]


SPLIT_CHOICES = ["dev", "test", "all"]


def _load(sets: tuple[str, ...], kinds: tuple[str, ...], split: str = "all") -> Any:
    from eval.items import SPLITS, load_sets, resolve_paths

    paths = resolve_paths(list(sets), SPLITS if split == "all" else (split,))
    if not paths:
        raise BadInput(f"没有找到题库：eval/sets/{'' if split == 'all' else split + '/'} 下没有 .yaml 文件。")
    loaded = load_sets(paths)
    for error in loaded.errors:
        click.echo(f"题库格式问题（已跳过）：{error}", err=True)
    if kinds:
        loaded.items = [i for i in loaded.items if i.kind in kinds]
    if not loaded.items:
        raise BadInput("没有可运行的题目：请检查题库文件和 --kind。")
    return loaded


def _backend(url: str | None, token: str | None = None) -> tuple[Any, dict[str, str]]:
    """The backend and the configuration it runs with (shown in the report)."""
    if url:
        from eval.http_client import HttpBackend

        return HttpBackend(url, token=token), {"embedder": "以被测服务的设置为准", "retrieval_mode": "以被测服务的设置为准"}
    from assistant.factory import build_engine
    from eval.runner import LocalBackend

    settings = load_settings()
    llm = settings.llm.model if settings.llm.enabled else "未启用（抽取式回答）"
    config = {"embedder": settings.embedder, "retrieval_mode": settings.retrieval_mode, "llm": llm}
    return LocalBackend(build_engine(settings)), config


def _run(loaded: Any, backend: Any) -> list[Any]:
    from eval.runner import run_item

    results = []
    with click.progressbar(loaded.items, label="评测中", file=sys.stderr, show_pos=True) as bar:
        for item in bar:
            results.append(run_item(item, backend))
    return results


def _print_summary(summary: dict[str, Any]) -> None:
    """One line per headline metric; with more than one split, the splits side by side."""
    from eval.report import fmt, metric_names

    click.echo(f"共{summary['total']}题，通过{summary['passed']}题，用时{summary['elapsed_s']}秒。")
    splits = summary.get("splits") or {}
    if len(splits) > 1:
        click.echo("  " + "；".join(f"{s}：{v['total']}题，通过{v['passed']}题" for s, v in splits.items()))
    for s, v in splits.items():
        click.echo(f"  {s} 各类题数：" + "、".join(f"{k} {kv['n']}" for k, kv in v["kinds"].items()))
    for key, value in summary["headline"].items():
        if value is None:
            continue
        name = metric_names().get(key, {}).get("name", key)
        if len(splits) > 1:
            click.echo(f"  {name}：" + "  ".join(f"{s} {fmt(key, v['headline'].get(key))}" for s, v in splits.items()))
        else:
            click.echo(f"  {name}：{fmt(key, value)}")


@click.command("eval", help="运行评测题库（默认 eval/sets/dev/ 和 eval/sets/test/ 下全部），分开发集、测试集输出各项指标。题库可为题库名或文件路径。")
@click.argument("sets", nargs=-1)
@click.option("--split", type=click.Choice(SPLIT_CHOICES), default="all", show_default=True,
              help="只运行开发集（dev）或测试集（test）；all 两者都运行，分开报告")
@click.option("--test-items", is_flag=True, help="报告和 JSON 中列出测试集的逐题结果（默认只给汇总，测试集保持盲测）")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KIND_CHOICES), help="只运行这类题，可重复")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), help="写出 HTML 报告")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部结果（可保存后用于 --compare）")
@click.option("--compare", "compare_path", type=click.Path(dir_okay=False, path_type=Path), help="与上次 --json 的结果比较")
@click.option("--url", help="对运行中的服务评测，如 http://127.0.0.1:8000")
@click.option("--token", envvar="GONGKAI_API_TOKEN", help="配合 --url：API 令牌（gongkai token create 生成），也可用环境变量 GONGKAI_API_TOKEN")
@click.option("--check-floor", is_flag=True, help="低于 eval/floors.yaml 中的下限时以非零状态退出（CI 用）")
@click.option("--floors", "floors_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="下限文件（默认 eval/floors.yaml）")
def eval_command(split: str, test_items: bool, sets: tuple[str, ...], kinds: tuple[str, ...],
                 report_path: Path | None, as_json: bool, compare_path: Path | None, url: str | None,
                 token: str | None, check_floor: bool, floors_path: Path | None) -> None:
    from eval import compare, floors, metrics, report

    previous = compare.load_previous(compare_path) if compare_path else None
    loaded = _load(sets, kinds, split)
    started = time.perf_counter()
    backend, config = _backend(url, token)
    results = _run(loaded, backend)
    summary = metrics.summarise_splits(results)
    summary |= {"elapsed_s": round(time.perf_counter() - started, 1), "mode": url or "local", "config": config,
                "load_errors": [str(e) for e in loaded.errors]}
    items = [r.as_dict() for r in results if test_items or r.split != "test"]
    if report_path:
        meta = f"{time.strftime('%Y-%m-%d %H:%M')} · {summary['mode']} · 用时{summary['elapsed_s']}秒"
        report_path.write_text(report.render_html(summary, items, meta=meta), encoding="utf-8")
        click.echo(f"报告已写入 {report_path}", err=True)
    diff = compare.compare(previous, summary | {"items": items}) if previous else None
    if as_json:
        emit_json(summary | {"items": items} | ({"compare": diff} if diff else {}))
    else:
        _print_summary(summary)
        if diff:
            click.echo(compare.render_text(diff))
    if not check_floor:
        return
    bounds = floors.load_floors(floors_path) if floors_path else floors.load_floors()
    problems, skipped = floors.check(summary, bounds)
    for name in skipped:
        click.echo(f"本次没有运行 {name} 集（或题库不存在），跳过它的下限。", err=True)
    if problems:
        raise GongkaiError("评测低于 eval/floors.yaml 中的下限：\n" + "\n".join(problems))


COMMANDS: list[click.Command] = [eval_command]
