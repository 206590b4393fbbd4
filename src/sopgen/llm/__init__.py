"""Language-model plumbing: offline tokenizers, chat-model factory, retries, caching."""
