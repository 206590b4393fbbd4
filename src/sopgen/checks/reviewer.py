"""An optional LLM reviewer behind the same Finding interface as the rules (never required).

The model quotes the words it objects to; a quote that is not in the document is dropped, so every
reviewer finding points at real text with a real line and column.
"""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field

from sopgen.checks.findings import Finding
from sopgen.checks.masking import line_starts, position
from sopgen.documents import Document
from sopgen.documents.language import LANGUAGE_NAMES


class ReviewItem(BaseModel):
    quote: str = Field(description="The exact words from the document, at most 12 words.")
    problem: str
    suggestion: str


class Review(BaseModel):
    items: list[ReviewItem] = Field(default_factory=list)


def llm_review(doc: Document, chat: BaseChatModel, method: str = "json_schema", max_items: int = 10) -> list[Finding]:
    from sopgen.llm.prompts import neutralise, render
    from sopgen.llm.structured import structured_call

    text = doc.text if len(doc.text) < 24000 else doc.text[:24000]
    messages = render("review", doc.language, max_items=str(max_items),
                      language_name=LANGUAGE_NAMES.get(doc.language, "English"),
                      sources=f"<<<SOURCE {doc.path}>>>\n{neutralise(text)}\n<<<END SOURCE>>>")
    review = structured_call(chat, Review, messages, method)
    starts = line_starts(doc.text)
    findings: list[Finding] = []
    for item in review.items[:max_items]:
        quote = item.quote.strip().strip('"“”„«»')
        offset = doc.text.find(quote) if quote else -1
        if offset < 0:
            continue  # not in the document: the model paraphrased or invented it
        line, column = position(starts, offset)
        end_line, end_column = position(starts, offset + len(quote))
        findings.append(Finding(rule="llm-review", category="ambiguity", severity="info", line=line, column=column,
                                end_line=end_line, end_column=end_column, text=quote,
                                message=item.problem.strip(), suggestion=item.suggestion.strip()))
    return findings
