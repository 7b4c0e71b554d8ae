/**
 * The most characters one token of a code model ever spells out: tokenizers
 * merge runs of spaces or of one punctuation character, but not past a few
 * dozen; ordinary code tokens are 3 to 4 characters.
 */
const MAX_CHARS_PER_TOKEN = 32;

/**
 * How much text a suggestion asked for `maxTokens` tokens can honestly be.
 * Ollama stops at `num_predict`, but a backend that ignores it (a broken
 * server, anything hostile on Ollama's port or behind a provider's URL) could
 * stream without end: the answer is read no further than this, so it cannot
 * grow the reader's memory or hold a suggestion open forever.
 */
export function suggestionCharLimit(maxTokens: number): number {
  return Math.max(1, Math.floor(maxTokens)) * MAX_CHARS_PER_TOKEN;
}
