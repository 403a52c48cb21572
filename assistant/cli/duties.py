"""``gongkai duties``: a unit's tasks in the plan (exportable as 任务清单), or who is responsible for a task."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli.common import emit_json, load_settings
from knowledge.errors import BadInput
from tools.export import FORMATS


def _format_for(fmt: str | None, output: Path | None) -> str | None:
    """The export format: --format, else the --output file's suffix, else none (chat text)."""
    if fmt or output is None:
        return fmt
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise BadInput("无法从文件名判断导出格式，请用 --format csv|xlsx|md 指定。")
    return suffix


def _write(payload: bytes, fmt: str, output: Path | None, count: int) -> None:
    if output is None:
        if fmt == "xlsx":
            raise BadInput(
                "xlsx 是二进制文件，不能输出到终端；请用 --output 指定文件，例如 --output 任务清单.xlsx。"
            )
        click.echo(payload, nl=False)
        return
    try:
        output.write_bytes(payload)
    except OSError as exc:
        raise BadInput(f"无法写入文件“{output}”，请检查路径和权限。", detail=type(exc).__name__) from exc
    click.echo(f"已导出{count}项任务到 {output}", err=True)


@click.command("duties", help="查询单位在方案中的任务（职责清单），或用 --task 反查某项任务的责任单位。"
               "默认按现行（最新）方案，--year 指定年份，--compare 与另一年的方案比较。")
@click.argument("unit", required=False)
@click.option("--task", help="按任务内容反查责任单位，例如：门户网站信息公开平台。")
@click.option("--year", type=int, help="按哪一年的方案查询，例如 2020；默认现行（最新）方案。")
@click.option("--compare", type=int, help="与哪一年的方案比较单位的任务（新增、不再列出、延续），例如 2020。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（接口约定见 DESIGN.md）。")
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="导出任务清单：csv、xlsx 或 md。")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="导出文件路径（xlsx 必须指定）。"
)
def duties_command(
    unit: str | None, task: str | None, year: int | None, compare: int | None, as_json: bool, fmt: str | None,
    output: Path | None,
) -> None:
    if bool(unit) == bool(task):
        raise BadInput("请给出单位名称（如：gongkai duties 县卫健局）或用 --task 给出任务内容，二者选一。")
    fmt = _format_for(fmt, output)
    if as_json and fmt:
        raise BadInput("--json 不能与导出格式同时使用。")
    if fmt and (task or compare is not None):
        raise BadInput("只有单位的任务清单可以导出；--task 反查和 --compare 比较的结果请用 --json 或直接查看。")
    from assistant.factory import build_tool_context
    from tools import duties as duties_tool
    from tools.export import export

    toolbox_args = {"unit": unit, "task": task, "year": year, "compare": compare}
    data = duties_tool.make_tool(build_tool_context(load_settings())).invoke(toolbox_args)
    if as_json:
        emit_json(data)
    elif fmt:
        _write(export(data, fmt), fmt, output, len(data["tasks"]))
    else:
        click.echo(duties_tool.render(data))


COMMANDS: list[click.Command] = [duties_command]
