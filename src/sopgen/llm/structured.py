"""Structured output that survives weak models: pick the method per provider, repair truncated JSON,
re-ask with the validation error, and only then give up with a clear LLMError."""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from pydantic import BaseModel, ValidationError

from sopgen.errors import InvalidOutputError

M = TypeVar("M", bound=BaseModel)
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```\s*$", re.M)


def repair_json(text: str) -> Any:
    """Parse JSON from model text: strip fences and chatter, close what max_tokens cut off."""
    text = _FENCE.sub("", text.strip())
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0:
        raise ValueError("no JSON object in the reply")
    text = text[start:]
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    stack, in_string, last_safe, complete = _scan(text)
    if complete is not None:
        return json.loads(text[:complete])
    candidates = [text + ('"' if in_string else "") + "".join(reversed(stack))]
    # drop a dangling key or partial value after the last comma/opening bracket
    cut = text[: last_safe + (0 if text[last_safe] == "," else 1)]
    candidates.append(cut + "".join(reversed(_scan(cut)[0])))
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            continue
    raise ValueError("the reply is not valid JSON, even after closing brackets")


def _scan(text: str) -> tuple[list[str], bool, int, int | None]:
    """Walk JSON text: (closers still open, inside a string?, last safe cut, end of a complete value or None)."""
    stack: list[str] = []
    in_string = escape = False
    last_safe = 0
    for i, ch in enumerate(text):
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append("}" if ch == "{" else "]")
        elif ch in "}]":
            if stack:
                stack.pop()
            if not stack:
                return stack, False, last_safe, i + 1
        if ch in ",{[":
            last_safe = i
    return stack, in_string, last_safe, None


def _raw_text(raw: Any) -> str:
    if isinstance(raw, AIMessage):
        if raw.tool_calls:
            return json.dumps(raw.tool_calls[0]["args"])
        for bad in raw.invalid_tool_calls:
            if bad.get("args"):
                return str(bad["args"])
        return raw.text
    return str(raw)


def structured_call(chat: BaseChatModel, schema: type[M], messages: list[BaseMessage], method: str = "json_schema",
                    retries: int = 2) -> M:
    """Ask for an instance of `schema`; repair, then re-ask with the error, up to `retries` times."""
    history = list(messages)
    last_error = "no attempt"
    for _attempt in range(retries + 1):
        raw: Any
        if method == "prompt":
            instruction = HumanMessage(
                "Reply with one JSON object only, no prose, matching this JSON Schema:\n"
                + json.dumps(schema.model_json_schema(), ensure_ascii=False))
            raw = chat.invoke([*history, instruction])
            parsed = None
        else:
            runnable = chat.with_structured_output(schema, method=method, include_raw=True)  # type: ignore[arg-type]
            result: Any = runnable.invoke(history)
            raw, parsed = result["raw"], result.get("parsed")
            if isinstance(parsed, schema):
                return parsed
            if result.get("parsing_error") is not None:
                last_error = str(result["parsing_error"])
        text = _raw_text(raw)
        try:
            return schema.model_validate(repair_json(text))
        except (ValueError, ValidationError) as exc:
            last_error = str(exc)[:800]
        history += [AIMessage(text[:4000] or "(empty reply)"),
                    HumanMessage(f"That reply was not valid: {last_error}\nReply again with a complete, valid JSON "
                                 "object that matches the schema exactly.")]
    raise InvalidOutputError(f"the model did not return a valid {schema.__name__} after {retries + 1} attempts: {last_error}",
                   hint="try a larger model, or --engine offline")
