"""``gongkai docs list|show|remove|supersede``: the knowledge base's documents as records."""

from __future__ import annotations

from typing import Any

import click

from assistant.cli.common import emit_json, load_settings
from assistant.cli.index import open_store


def _line(doc: dict[str, Any]) -> str:
    year = f"{doc['year']}年" if doc["year"] else "年份未知"
    return f"{doc['id']}  《{doc['title']}》  {doc['kind_label']}  {year}  {doc['status_label']}"


@click.group("docs", help="知识库文档：列出、查看、删除、标记为已被新版本替代或已撤回。")
def docs() -> None:
    pass


@docs.command("list", help="列出知识库中的文档（编号、标题、类型、年份、状态）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（id、title、kind、year、status）")
def list_command(as_json: bool) -> None:
    from knowledge.documents import detail, listed, summary

    with open_store(load_settings()) as store:
        documents = listed(store)
    if as_json:
        emit_json([summary(d) for d in documents])
        return
    for doc in documents:
        click.echo(_line(detail(doc)))
    click.echo(f"共{len(documents)}个文档。")


@docs.command("show", help="查看一个文档的全部信息（发文机关、文号、来源文件、段数、替代关系）。")
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def show_command(doc_id: str, as_json: bool) -> None:
    from knowledge.documents import detail, lookup

    with open_store(load_settings()) as store:
        doc = detail(lookup(store, doc_id))
    if as_json:
        emit_json(doc)
        return
    click.echo(_line(doc))
    for label, key in (("发文机关", "issuer"), ("文号", "doc_number"), ("来源文件", "file"), ("段数", "chunks"),
                       ("被替代为", "superseded_by")):
        if doc[key]:
            click.echo(f"  {label}：{doc[key]}")


@docs.command("remove", help="从知识库删除一个导入的文档；所有进程的回答立即不再引用它。")
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出被删除的文档")
def remove_command(doc_id: str, as_json: bool) -> None:
    from knowledge.documents import remove, summary

    with open_store(load_settings()) as store:
        doc = remove(store, doc_id)
    if as_json:
        emit_json(summary(doc))
    else:
        click.echo(f"已删除：《{doc.title}》（{doc.doc_id}）。")


@docs.command("supersede", help="标记文档已被新版本替代：此后只有问到它的年份时才引用它。")
@click.argument("doc_id")
@click.option("--by", "by", required=True, help="新版本文档的编号")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出被替代的文档")
def supersede_command(doc_id: str, by: str, as_json: bool) -> None:
    from knowledge.documents import summary, supersede

    with open_store(load_settings()) as store:
        doc = supersede(store, doc_id, by)
    if as_json:
        emit_json(summary(doc))
    else:
        click.echo(f"已标记：《{doc.title}》已被 {by} 替代。")


@docs.command("withdraw", help="标记文档已撤回或废止：保留记录，回答不再引用它（可用 restore 恢复）。")
@click.argument("doc_id")
def withdraw_command(doc_id: str) -> None:
    from knowledge.documents import withdraw

    with open_store(load_settings()) as store:
        doc = withdraw(store, doc_id)
    click.echo(f"已标记为已撤回：《{doc.title}》。")


@docs.command("restore", help="把已被替代或已撤回的文档恢复为现行有效。")
@click.argument("doc_id")
def restore_command(doc_id: str) -> None:
    from knowledge.documents import restore

    with open_store(load_settings()) as store:
        doc = restore(store, doc_id)
    click.echo(f"已恢复为现行有效：《{doc.title}》。")


COMMANDS: list[click.Command] = [docs]
