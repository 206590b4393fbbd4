"""sopgen as LangChain tools, so an agent can search, outline, draft, check and gap-analyse SOPs.

    >>> from sopgen.integrations.langchain import make_tools
    >>> [t.name for t in make_tools()]
    ['sopgen_search', 'sopgen_outline', 'sopgen_draft', 'sopgen_check', 'sopgen_gaps']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.tools import StructuredTool, ToolException
from pydantic import BaseModel

from sopgen.errors import SopgenError
from sopgen.integrations import tools as ops


def _reported(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Bad arguments and unreadable files go back to the agent as a message, not out of its loop."""

    def run(**kw: Any) -> Any:
        try:
            return fn(**kw)
        except (ValueError, SopgenError) as exc:
            raise ToolException(str(exc)) from exc

    return run


def _validation_message(exc: Exception) -> str:
    """An invalid call, told to the agent in words it can act on (not raised out of its loop)."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return "invalid arguments: " + "; ".join(str(e.get("msg", e)) for e in errors())
    return f"invalid arguments: {exc}"


def make_tools(store: str | None = None, use_index: bool = True) -> list[StructuredTool]:
    """The five sopgen tools, bound to one index (`store`, default from settings)."""

    def search(**kw: Any) -> list[dict[str, Any]]:
        return ops.run_search(ops.SearchArgs(**kw), store)

    def outline(**kw: Any) -> dict[str, Any]:
        return ops.run_outline(ops.BriefArgs(**kw), store, use_index)

    def draft(**kw: Any) -> dict[str, Any]:
        return ops.run_draft(ops.BriefArgs(**kw), store, use_index)

    def check(**kw: Any) -> dict[str, Any]:
        return ops.run_check(ops.CheckArgs(**kw))

    def gaps(**kw: Any) -> dict[str, Any]:
        return ops.run_gaps(ops.GapsArgs(**kw))

    specs: list[tuple[str, Callable[..., Any], type[BaseModel]]] = [
        ("sopgen_search", search, ops.SearchArgs),
        ("sopgen_outline", outline, ops.BriefArgs),
        ("sopgen_draft", draft, ops.BriefArgs),
        ("sopgen_check", check, ops.CheckArgs),
        ("sopgen_gaps", gaps, ops.GapsArgs),
    ]
    return [StructuredTool.from_function(func=_reported(fn), name=name, description=(schema.__doc__ or name).strip(),
                                         args_schema=schema, handle_tool_error=True,
                                         handle_validation_error=_validation_message)
            for name, fn, schema in specs]
