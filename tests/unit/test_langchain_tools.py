"""An agent loop drives sopgen's LangChain tools through a tool-calling chat model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from sopgen.integrations.langchain import make_tools
from sopgen.llm.testing import ScriptedToolModel

ROOT = Path(__file__).resolve().parents[2]


def run_agent(model: Any, tools: list[Any], question: str, max_turns: int = 6) -> tuple[str, list[BaseMessage]]:
    """The classic tool-calling loop: call the model, run the tools it asks for, feed results back."""
    by_name = {t.name: t for t in tools}
    bound = model.bind_tools(tools)
    messages: list[BaseMessage] = [HumanMessage(question)]
    for _ in range(max_turns):
        reply: AIMessage = bound.invoke(messages)
        messages.append(reply)
        if not reply.tool_calls:
            return reply.text, messages
        for call in reply.tool_calls:
            output = by_name[call["name"]].invoke(call["args"])
            messages.append(ToolMessage(json.dumps(output, ensure_ascii=False, default=str), tool_call_id=call["id"]))
    raise AssertionError("the agent did not finish")


def test_agent_drafts_then_checks_a_sop(tmp_path: Path) -> None:
    tools = make_tools(use_index=False)

    def respond(tool: str, messages: list[BaseMessage]) -> dict[str, Any] | str:
        last = messages[-1]
        if isinstance(last, HumanMessage):
            return {"__tool__": "sopgen_draft", "title": "Reset a password", "goal": "Unlock the account within 15 "
                    "minutes.", "scope": "Service desk", "audience": "service desk agents", "profile": "basic"}
        result = json.loads(last.text)
        if "markdown" in result:
            return {"__tool__": "sopgen_check", "text": result["markdown"], "profile": "basic"}
        missing = [s["id"] for s in result["sections"] if s["status"] == "missing"]
        return f"Drafted and checked: score {result['score']}, missing sections: {missing or 'none'}."

    model = ScriptedToolModel(responder=respond)
    answer, messages = run_agent(model, tools, "Write me a SOP for password resets and check it.")
    assert answer.startswith("Drafted and checked: score") and "missing sections: none" in answer
    tool_outputs = [json.loads(m.text) for m in messages if isinstance(m, ToolMessage)]
    assert tool_outputs[0]["engine"] == "offline" and tool_outputs[0]["markdown"].startswith("---\n")
    assert {s["id"] for s in tool_outputs[1]["sections"]} == {"purpose", "scope", "resources", "procedure",
                                                               "revision_history"}


def test_tool_schemas_and_errors() -> None:
    tools = {t.name: t for t in make_tools(use_index=False)}
    schema = tools["sopgen_check"].args_schema.model_json_schema()  # type: ignore[union-attr]
    assert set(schema["properties"]) >= {"text", "path", "profile"}
    # a bad call is reported to the agent as text, not raised out of its loop
    assert "give exactly one of text or path" in str(tools["sopgen_check"].invoke({"profile": "basic"}))
    both = tools["sopgen_check"].invoke({"profile": "basic", "text": "# Purpose\nx\n", "path": "x.md"})
    assert "give exactly one of text or path" in str(both)
    gaps = tools["sopgen_gaps"].invoke({"paths": [str(ROOT / "corpora" / "de")], "profile": "basic"})
    assert gaps["summary"]["documents"] == 7 and gaps["summary"]["failed"] == 0
