"""``gongkai ingest PATH…`` (add documents to the knowledge base) and ``gongkai index --rebuild``."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistant.cli.common import emit_json, load_settings
from knowledge.errors import BadInput, GongkaiError
from knowledge.index import IndexOptions

if TYPE_CHECKING:
    from assistant.settings import Settings
    from knowledge.store import Change, ChunkStore


def _options(settings: Settings) -> IndexOptions:
    return IndexOptions(
        data_dir=settings.data_dir,
        embedder=settings.embedder,
        embedding_model=settings.embedding_model,
        embedding_threads=settings.embedding_threads,
        chroma_url=settings.chroma_url,
        mode=settings.retrieval_mode,
    )


@contextmanager
def open_store(settings: Settings) -> Iterator[ChunkStore]:
    """The chunk store in the configured database, for one command."""
    from assistant.factory import build_store
    from assistant.storage import open_database

    settings.ensure_dirs()
    db = open_database(settings.resolved_database_url)
    try:
        yield build_store(settings, db)
    finally:
        db.dispose()


def _kind_help() -> str:
    from knowledge.doc_kinds import kinds

    return "文档类型（不给则按标题推断）：" + "、".join(f"{k}={v}" for k, v in kinds().items() if k != "question")


@click.command(help="导入文档（.txt/.md/.docx/.pdf，可给文件夹），按标题和条款切分后加入知识库；"
               "类型、年份、文号、发文机关按标题和正文推断，也可用选项给出。")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--kind", default="", help=_kind_help())
@click.option("--year", type=int, default=None, help="年份，例如 2021（不给则从标题或文号推断）")
@click.option("--issuer", default="", help="发文机关，例如 茈碧湖镇人民政府")
@click.option("--doc-number", default="", help="文号，例如 洱政办发〔2021〕12号")
@click.option("--title", default="", help="标题（不给则取正文第一行或文件名）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（documents、errors）")
def ingest(paths: tuple[Path, ...], kind: str, year: int | None, issuer: str, doc_number: str, title: str,
           as_json: bool) -> None:
    from knowledge.documents import summary
    from knowledge.index import ensure_builtin, ingesting, update_index
    from knowledge.ingest import DocInfo, collect_files, ingest_path

    if not paths:
        raise BadInput("请给出要导入的文件，例如：gongkai ingest 通知.docx 办法.pdf")
    settings = load_settings()
    files = collect_files(list(paths))
    if not files:
        raise BadInput("给出的文件夹中没有可导入的文件（支持 .txt、.md、.docx、.pdf）。")
    info = DocInfo(title=title, kind=kind.strip(), year=year, issuer=issuer, doc_number=doc_number)
    info.check()  # a bad option fails every file alike: say it once
    yield_cpu(settings)
    documents: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    changes: list[Change] = []
    with open_store(settings) as store, ingesting(_options(settings)):
        ensure_builtin(store)
        for path in files:
            try:
                result = ingest_path(store, path, max_bytes=settings.max_file_bytes, info=info)
            except GongkaiError as exc:
                errors.append({"file": str(path), "error": exc.user_message})
                if not as_json:
                    click.echo(f"✗ {exc.user_message}", err=True)
                continue
            documents.append(summary(result.document))
            if result.change is not None:
                changes.append(result.change)
            if not as_json:
                click.echo(f"✓ {'已替换' if result.status == 'replaced' else '已导入'}：{result.name}"
                           f"（{_describe(result.document)}，{result.chunk_count}段，编号 {result.document.doc_id}）")
        if documents:
            # tokenise and embed the new chunks now, not on the first question; only them, the rest stays untouched
            update_index(_options(settings), store, changes)
    if as_json:
        emit_json({"documents": documents, "errors": errors})
    else:
        click.echo(f"完成：成功{len(documents)}个，失败{len(errors)}个。")
    if errors:
        raise BadInput(f"有{len(errors)}个文件导入失败" + ("。" if as_json else "，见上面的说明。"))


def yield_cpu(settings: Settings) -> None:
    """An ingest is batch work: lower its CPU priority so that a server on the same machine answers first
    (its questions waited for a core while the ingest embedded, README「知识库变大以后」)."""
    if settings.ingest_nice:
        with contextlib.suppress(OSError):  # not allowed here: run at the normal priority
            os.nice(settings.ingest_nice)


def _describe(doc: Any) -> str:
    from knowledge.doc_kinds import kind_label

    year = f"，{doc.year}年" if doc.year else ""
    return f"《{doc.title}》，{kind_label(doc.kind)}{year}"


@click.command(help="建立或重建检索索引（内置方案和条例摘要，以及已导入的文档）。")
@click.option("--rebuild", is_flag=True, help="丢弃现有索引，全部重新建立")
def index(rebuild: bool) -> None:
    from knowledge.index import open_retriever

    settings = load_settings()
    started = time.perf_counter()
    with open_store(settings) as store:
        retriever = open_retriever(_options(settings), store, rebuild=rebuild)
        documents = store.documents()
    seconds = time.perf_counter() - started
    vectors = "无（只用关键词检索）" if retriever.vectors is None else settings.embedder
    click.echo(f"索引{'已重建' if rebuild else '已就绪'}：{len(documents)}个文档，{len(retriever.chunks)}段；"
               f"检索方式 {retriever.mode}，向量模型 {vectors}；用时{seconds:.1f}秒。")


COMMANDS: list[click.Command] = [ingest, index]
