/**
 * A prompt file (`.hearth/prompts/review.md`): optional front matter between
 * `---` lines with `description` and `argument-hint`, then the prompt body.
 * Other keys (a `model`, `allowed-tools` or `mode` some other tools read) are
 * ignored on purpose: a prompt file is text for the model, never policy.
 */

/** A prompt file larger than this is not loaded; a prompt is a paragraph or a page, not a document. */
export const MAX_PROMPT_FILE_BYTES = 32 * 1024;

/** A command's name from its file name: letters, digits, `_` and `-` (a dot would look like an MCP prompt). */
export const PROMPT_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface PromptFile {
  description?: string;
  argumentHint?: string;
  body: string;
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1);
  return v;
}

/** Parses a prompt file's text. Front matter that is not closed is treated as part of the body. */
export function parsePromptFile(text: string): PromptFile {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const m = /^---\n([\s\S]*?)\n---(?:\n|$)/.exec(normalized);
  if (!m) return { body: normalized.trim() };
  const file: PromptFile = { body: normalized.slice(m[0].length).trim() };
  for (const line of m[1].split('\n')) {
    const kv = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!kv) continue;
    const value = unquote(kv[2]).replace(/\s+/g, ' ').slice(0, 300);
    if (!value) continue;
    const key = kv[1].toLowerCase();
    if (key === 'description') file.description = value;
    else if (key === 'argument-hint' || key === 'argument_hint' || key === 'argumenthint') file.argumentHint = value;
  }
  return file;
}
