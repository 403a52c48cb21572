"""The hybrid retriever as a LangChain ``BaseRetriever`` (for the optional LLM agent and LangChain users)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class GongkaiRetriever(BaseRetriever):
    """Returns the chunks ``engine.search`` finds as Documents; metadata carries title, section and scores."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    engine: Any
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        documents = []
        for hit in self.engine.search(query, self.k):
            chunk = hit.chunk
            metadata: dict[str, Any] = {
                **chunk.metadata,
                "id": chunk.id,
                "doc_id": chunk.doc_id,
                "title": chunk.title,
                "section": chunk.section,
                "section_path": list(chunk.section_path),
                "score": hit.score,
                "bm25_score": hit.bm25_score,
                "dense_score": hit.dense_score,
            }
            documents.append(Document(page_content=chunk.text, metadata=metadata))
        return documents
