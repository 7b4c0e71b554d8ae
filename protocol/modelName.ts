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

/**
 * A model name as Ollama resolves it, for comparing two names: an untagged
 * name means `:latest` (a colon before the last slash is a registry's port,
 * not a tag), and every part matches whatever its case (server/routes.go
 * `getExistingName` compares with `strings.EqualFold`), so
 * "Qwen2.5-Coder:7B" runs, and /api/tags and /api/ps list, qwen2.5-coder:7b.
 * Every place that asks "is this the same model?" uses this one rule.
 */
export function modelKey(name: string): string {
  const folded = name.trim().toLowerCase();
  return folded.lastIndexOf(':') > folded.lastIndexOf('/') ? folded : `${folded}:latest`;
}

/** Whether two names run the same model (see modelKey). */
export function sameModel(a: string, b: string): boolean {
  return modelKey(a) === modelKey(b);
}
