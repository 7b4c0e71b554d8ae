import { commentLine } from './commentLine';

/** Code from another file of the same language, offered to the model as context. */
export interface ContextSnippet {
  path: string;
  text: string;
}

export interface PromptInput {
  /** The whole document, as the server has it from didOpen/didChange. */
  text: string;
  offset: number;
  /** Workspace-relative path, for the header. */
  path: string;
  languageId: string;
  snippets: ContextSnippet[];
  /** The model's context length in tokens. */
  contextLength: number;
  /** Tokens reserved for the answer. */
  maxTokens: number;
}

export interface CompletionPrompt {
  /** What the model sees before the cursor: snippets, the file header, then the document's prefix window. */
  prefix: string;
  /** The document's suffix window. */
  suffix: string;
  /** The document's own prefix window, without header and snippets (for post-processing). */
  documentPrefix: string;
  /** Whether a suggestion may span several lines (nothing but whitespace after the cursor on its line). */
  multiline: boolean;
}

/**
 * Ollama runs a model with a 4096-token context unless told otherwise, and
 * asking for more would make it reload the model; prompts beyond that are
 * silently cut from the start, which loses the FIM sentinels. So the window is
 * sized to the smaller of the model's context and Ollama's default.
 */
const OLLAMA_DEFAULT_CONTEXT = 4096;
/** Longer prompts buy little quality and cost prompt-evaluation time on every keystroke. */
const MAX_PROMPT_TOKENS = 2048;
/** Code averages 3–4 characters per token; 3 keeps the window inside the budget. */
const CHARS_PER_TOKEN = 3;
/** Share of the budget for the code after the cursor. */
const SUFFIX_SHARE = 0.25;
/** Share of the prefix budget that context snippets and the header may take. */
const CONTEXT_SHARE = 0.3;
/**
 * The prefix window starts on a multiple of this many characters, so while the
 * user types the prompt's beginning stays the same and Ollama can reuse its
 * cached evaluation of it instead of re-reading the whole prompt.
 */
const WINDOW_STEP = 512;

/** The prompt budget in characters for a model. */
export function promptBudgetChars(contextLength: number, maxTokens: number): number {
  const usable = Math.min(contextLength, OLLAMA_DEFAULT_CONTEXT) - maxTokens - 64;
  const tokens = Math.max(256, Math.min(MAX_PROMPT_TOKENS, usable));
  return tokens * CHARS_PER_TOKEN;
}

/** Line endings after which a block (or a multi-line expression) usually follows. */
const OPENS_BLOCK = /([{([:=]|=>|->|\bdo|\bthen)\s*$/;

/**
 * Whether a suggestion may span several lines: only with nothing after the
 * cursor on its line, and only on an empty line or after something that opens
 * a block. In the middle of a statement the user wants that statement
 * finished, not the next ten lines.
 */
export function allowsMultiline(text: string, offset: number): boolean {
  // Only the whitespace next to the cursor and the few characters beyond it are read, never the whole line:
  // the line can be a minified file of megabytes, and this runs on every keystroke.
  let after = offset;
  while (after < text.length && isBlank(text[after])) after++;
  if (after < text.length && text[after] !== '\n') return false;
  let before = offset;
  while (before > 0 && isBlank(text[before - 1])) before--;
  if (before === 0 || text[before - 1] === '\n') return true;
  // An opener must end right before that whitespace; eight characters hold the longest one and the character before it (for \b).
  return OPENS_BLOCK.test(text.slice(Math.max(0, before - 8), offset));
}

/** Whitespace within a line: what trim() removes, except the line break. */
function isBlank(char: string): boolean {
  return char !== '\n' && char.trim() === '';
}

function startOfWindow(text: string, offset: number, chars: number): number {
  if (offset <= chars) return 0;
  // Rounded up to the step so the start moves only every WINDOW_STEP characters of typing.
  let start = Math.ceil((offset - chars) / WINDOW_STEP) * WINDOW_STEP;
  // Searched within the window only: on a line of megabytes a search from `start` would run to its end.
  const lineStart = text.slice(start, offset).indexOf('\n');
  // Starting on a line boundary keeps the model from seeing half a line; minified code has none.
  if (lineStart >= 0) start += lineStart + 1;
  return start;
}

function endOfWindow(text: string, offset: number, chars: number): number {
  if (text.length - offset <= chars) return text.length;
  const end = offset + chars;
  // Searched within the window only, as in startOfWindow.
  const lineEnd = text.slice(offset + 1, end + 1).lastIndexOf('\n');
  return lineEnd >= 0 ? offset + 1 + lineEnd + 1 : end;
}

function renderSnippets(snippets: ContextSnippet[], comment: (t: string) => string, budget: number): string {
  let out = '';
  for (const snippet of snippets) {
    // trimEnd, not /\s+$/: that regular expression takes time quadratic in a run of spaces, and the file is the repository's.
    const lines = [`Compare this snippet from ${snippet.path}:`, ...snippet.text.trimEnd().split('\n')];
    const block = lines.map((l) => comment(l)).join('\n') + '\n';
    if (out.length + block.length > budget) break;
    out += block;
  }
  return out;
}

/**
 * The prompt for one suggestion: prefix and suffix windows sized to the
 * model's context, the file's path and language as a header, and snippets of
 * other files of the same language, all written as comments of the document's
 * language so the model reads one plausible source file.
 */
export function buildCompletionPrompt(input: PromptInput): CompletionPrompt {
  const budget = promptBudgetChars(input.contextLength, input.maxTokens);
  const suffixChars = Math.floor(budget * SUFFIX_SHARE);
  const suffixEnd = endOfWindow(input.text, input.offset, suffixChars);
  const suffix = input.text.slice(input.offset, suffixEnd);
  // Space the suffix does not need goes to the prefix.
  const prefixChars = budget - suffix.length;
  const comment = commentLine(input.languageId);
  let header = '';
  if (comment) {
    const fileHeader = `${comment(`Path: ${input.path}`)}\n${comment(`Language: ${input.languageId}`)}\n`;
    header = renderSnippets(input.snippets, comment, Math.floor(prefixChars * CONTEXT_SHARE)) + fileHeader;
  }
  const start = startOfWindow(input.text, input.offset, prefixChars - header.length);
  const documentPrefix = input.text.slice(start, input.offset);
  return { prefix: header + documentPrefix, suffix, documentPrefix, multiline: allowsMultiline(input.text, input.offset) };
}
