"""Adapters for other people's tools: LangChain tools and an MCP server (extra 'mcp')."""
