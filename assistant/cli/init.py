"""``gongkai init --county 某某县 --prefecture 某某州``: a starter county data set under the data directory."""

from __future__ import annotations

import click

from assistant.cli.common import load_settings


@click.command("init", help="为本县生成初始县情数据（县名、州市名、统称、单位清单），之后导入本县的工作方案即可使用。")
@click.option("--county", required=True, help="县（市、区）名全称，例如：某某县。")
@click.option("--prefecture", default="", help="所属州（市）名，例如：某某州。")
@click.option("--township", "townships", multiple=True, help="镇乡名，可多次给出，例如：--township 桃源镇 --township 青石乡。")
@click.option("--force", is_flag=True, help="覆盖已有的县情数据。")
def init_command(county: str, prefecture: str, townships: tuple[str, ...], force: bool) -> None:
    from knowledge.county_init import write_starter

    settings = load_settings()
    target = settings.county_dir or settings.data_dir / "county"
    written = write_starter(target, county=county, prefecture=prefecture, townships=list(townships), force=force)
    click.echo(f"已生成{county.strip()}的县情数据：{written}（county.yaml、units.yaml）。")
    if settings.county_dir is None:
        click.echo("本数据目录下的命令会自动使用它。下一步：gongkai ingest 本县的政务公开工作方案.docx")
    else:
        click.echo("下一步：gongkai ingest 本县的政务公开工作方案.docx")


COMMANDS: list[click.Command] = [init_command]
