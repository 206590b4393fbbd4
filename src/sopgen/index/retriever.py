"""sopgen's hybrid search as a LangChain retriever."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from sopgen.index.search import Searcher


class SopgenRetriever(BaseRetriever):
    """`Searcher.search` behind the Runnable interface: `retriever.invoke("query")` -> LangChain Documents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    searcher: Searcher
    k: int = 5
    language: str | None = None
    section: str | None = None
    path_glob: str | None = None
    group: bool = False

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LCDocument]:
        hits = self.searcher.search(query, self.k, language=self.language, section=self.section,
                                    path_glob=self.path_glob, group=self.group)
        out = []
        for h in hits:
            meta: dict[str, Any] = h.model_dump(exclude={"text"})
            out.append(LCDocument(page_content=h.text, metadata=meta, id=h.id))
        return out
