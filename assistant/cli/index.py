"""``gongkai ingest PATH…`` (add documents to the knowledge base) and ``gongkai index --rebuild``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.cli.common import load_settings
from knowledge.errors import BadInput, GongkaiError
from knowledge.index import IndexOptions

if TYPE_CHECKING:
    from assistant.settings import Settings


def _options(settings: Settings) -> IndexOptions:
    return IndexOptions(
        data_dir=settings.data_dir,
        embedder=settings.embedder,
        embedding_model=settings.embedding_model,
        chroma_url=settings.chroma_url,
        mode=settings.retrieval_mode,
    )


@click.command(help="导入文档（.txt/.md/.docx/.pdf，可给文件夹），按标题和条款切分后加入知识库。")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def ingest(paths: tuple[Path, ...]) -> None:
    from knowledge.index import ChunkStore, ensure_builtin, open_retriever, store_path
    from knowledge.ingest import collect_files, ingest_path

    if not paths:
        raise BadInput("请给出要导入的文件，例如：gongkai ingest 通知.docx 办法.pdf")
    settings = load_settings()
    settings.ensure_dirs()
    store = ChunkStore(store_path(settings.data_dir))
    ensure_builtin(store)
    files = collect_files(list(paths))
    if not files:
        raise BadInput("给出的文件夹中没有可导入的文件（支持 .txt、.md、.docx、.pdf）。")
    failed = 0
    for path in files:
        try:
            result = ingest_path(store, path, max_bytes=settings.max_file_bytes)
        except GongkaiError as exc:
            failed += 1
            click.echo(f"✗ {exc.user_message}", err=True)
            continue
        verb = "已替换" if result.status == "replaced" else "已导入"
        click.echo(f"✓ {verb}：{result.name}（《{result.title}》，{result.chunk_count}段）")
    open_retriever(_options(settings))  # embed the new chunks now, not on the first question
    click.echo(f"完成：成功{len(files) - failed}个，失败{failed}个。")
    if failed:
        raise BadInput(f"有{failed}个文件导入失败，见上面的说明。")


@click.command(help="建立或重建检索索引（内置方案和条例摘要，以及已导入的文档）。")
@click.option("--rebuild", is_flag=True, help="丢弃现有索引，全部重新建立")
def index(rebuild: bool) -> None:
    from knowledge.index import ChunkStore, open_retriever, store_path

    settings = load_settings()
    settings.ensure_dirs()
    started = time.perf_counter()
    retriever = open_retriever(_options(settings), rebuild=rebuild)
    documents = ChunkStore(store_path(settings.data_dir)).documents()
    seconds = time.perf_counter() - started
    vectors = "无（只用关键词检索）" if retriever.vectors is None else settings.embedder
    click.echo(f"索引{'已重建' if rebuild else '已就绪'}：{len(documents)}个文档，{len(retriever.chunks)}段；"
               f"检索方式 {retriever.mode}，向量模型 {vectors}；用时{seconds:.1f}秒。")


COMMANDS: list[click.Command] = [ingest, index]
