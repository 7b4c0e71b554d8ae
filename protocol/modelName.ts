/**
 * An Ollama model name as `ollama pull` takes it: an optional registry host
 * and namespace, a name and an optional tag (`nomic-embed-text`,
 * `qwen2.5-coder:7b`, `hf.co/org/model:Q4_K_M`). Anything else is refused
 * before Ollama sees it.
 */
export const MODEL_NAME = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+){0,3}(:[\w.-]+)?$/;

/**
 * The chat model Hearth offers to download when Ollama has none at all: a
 * code model that takes tools and fits a laptop's GPU or 16 GB of memory.
 * Every first-run suggestion names this one, so they agree.
 */
export const STARTER_CHAT_MODEL = 'qwen2.5-coder:7b';
