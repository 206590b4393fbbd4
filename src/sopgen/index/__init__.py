"""The knowledge base: structure-aware chunks of indexed documents in Chroma, hybrid retrieval."""
