"""``gongkai units``: the units that held plans name but the county's registry does not know (proposals)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from assistant.cli.common import emit_json, load_settings
from knowledge.errors import BadInput, NotFound
from knowledge.units import KINDS

if TYPE_CHECKING:
    from knowledge.proposals import Proposal
    from knowledge.shelf import Holdings
    from knowledge.store import ChunkStore

_KIND_NAMES = {"department": "部门", "township": "镇乡", "enterprise": "企业"}
_STATUS_NAMES = {"pending": "待确认", "accepted": "已确认", "rejected": "已排除"}


@click.group("units", help="管理单位清单：查看导入的方案中出现、单位清单里没有的单位（建议新增），确认或排除。")
def units_group() -> None:
    pass


@contextmanager
def _holdings() -> Iterator[tuple[ChunkStore, Holdings]]:
    from assistant.cli.index import open_store
    from knowledge.shelf import read_holdings

    with open_store(load_settings()) as store:
        yield store, read_holdings(store)


@units_group.command("proposals", help="列出方案中出现、单位清单里没有的单位（默认只列待确认的）。")
@click.option("--all", "show_all", is_flag=True, help="也列出已确认和已排除的。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON：[{name, kind, status, plans, aliases}]。")
def proposals_command(show_all: bool, as_json: bool) -> None:
    with _holdings() as (_, holdings):
        found = [p for p in holdings.proposals if show_all or p.status == "pending"]
    if as_json:
        emit_json([p.as_dict() for p in found])
        return
    if not found:
        click.echo("没有待确认的单位。" if not show_all else "方案中的单位都在单位清单里。")
        return
    click.echo(f"共{len(found)}个单位：")
    for p in found:
        aliases = f"，简称：{'、'.join(p.aliases)}" if p.aliases else ""
        click.echo(f"- {p.name}（{_KIND_NAMES[p.kind]}，{_STATUS_NAMES[p.status]}{aliases}）见《{'》《'.join(p.plans)}》")
    click.echo("确认：gongkai units accept 单位名 [--kind department|township|enterprise] [--alias 简称]；"
               "排除：gongkai units reject 单位名")


def _proposal(holdings: Holdings, name: str) -> Proposal:
    found = next((p for p in holdings.proposals if p.name == name.strip()), None)
    if found is None:
        raise NotFound(f"没有名为“{name.strip()[:30]}”的建议单位。用 gongkai units proposals --all 查看。")
    return found


@units_group.command("accept", help="确认一个建议单位，可指定类别和简称（简称可多次给出）。")
@click.argument("name")
@click.option("--kind", type=click.Choice(KINDS), help="单位类别：department（部门）、township（镇乡）、enterprise（企业）。")
@click.option("--alias", "aliases", multiple=True, help="人们常用的简称，例如：数据局。")
def accept_command(name: str, kind: str | None, aliases: tuple[str, ...]) -> None:
    clean = tuple(dict.fromkeys(a.strip() for a in aliases if a.strip()))
    if any(len(a) > 30 for a in clean):
        raise BadInput("简称过长（超过30字）。")
    with _holdings() as (store, holdings):
        found = _proposal(holdings, name)
        store.decide_unit(found.name, decision="accepted", kind=kind or found.kind, aliases=clean or found.aliases)
    click.echo(f"已确认：{found.name}（{_KIND_NAMES[kind or found.kind]}）")


@units_group.command("reject", help="排除一个建议单位（例如方案里的非单位文字），之后不再作为单位。")
@click.argument("name")
def reject_command(name: str) -> None:
    with _holdings() as (store, holdings):
        found = _proposal(holdings, name)
        store.decide_unit(found.name, decision="rejected", kind=found.kind)
    click.echo(f"已排除：{found.name}")


COMMANDS: list[click.Command] = [units_group]
