const OPENERS = new Set(['(', '[', '{']);
const MATCHING: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** The bracket state at the cursor: what is open, and whether the cursor sits inside a string. */
export interface BracketContext {
  /** Openers not yet closed, innermost last. */
  open: string[];
  /** The quote character of the string literal the cursor is in, if any. */
  quote?: string;
}

/**
 * Walks code and reports each bracket outside string literals and line
 * comments; `visit` returns false to stop. Returns the quote state at the
 * end. This is deliberately lexical: a parser per language costs more than a
 * keystroke's budget, and suggestions are short.
 */
function lex(code: string, commentToken: string | undefined, quote: string | undefined, visit: (ch: string, index: number) => boolean): string | undefined {
  for (let i = 0; i < code.length; i++) {
    const ch = code[i];
    if (ch === '\n') {
      // Only template literals span lines; other unterminated quotes end at the line break.
      if (quote !== '`') quote = undefined;
      continue;
    }
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      continue;
    }
    if (commentToken && ch === commentToken[0] && code.startsWith(commentToken, i)) {
      const end = code.indexOf('\n', i);
      if (end < 0) return quote;
      i = end - 1;
      continue;
    }
    if ((OPENERS.has(ch) || MATCHING[ch]) && !visit(ch, i)) return quote;
  }
  return quote;
}

/**
 * The brackets open at the end of `prefix`. Closers that match nothing (the
 * window started inside a block) are ignored rather than treated as errors.
 */
export function bracketContextAt(prefix: string, commentToken: string | undefined): BracketContext {
  const open: string[] = [];
  const quote = lex(prefix, commentToken, undefined, (ch) => {
    if (OPENERS.has(ch)) open.push(ch);
    else if (open[open.length - 1] === MATCHING[ch]) open.pop();
    return true;
  });
  return { open, quote };
}

export interface SuggestionBrackets {
  /**
   * Index of the first closer that closes nothing: it matches neither an
   * opener earlier in the suggestion nor the innermost bracket open at the
   * cursor. The suggestion is wrong from there on. -1 if there is none.
   */
  firstMismatch: number;
  /** Closers that closed brackets opened before the cursor. */
  closedOuter: number;
}

/** Checks a suggestion's brackets against the brackets open at the cursor. */
export function scanSuggestionBrackets(text: string, context: BracketContext, commentToken: string | undefined): SuggestionBrackets {
  const own: string[] = [];
  const outer = [...context.open];
  let closedOuter = 0;
  let firstMismatch = -1;
  lex(text, commentToken, context.quote, (ch, index) => {
    if (OPENERS.has(ch)) {
      own.push(ch);
      return true;
    }
    const wanted = MATCHING[ch];
    if (own.length > 0) {
      if (own[own.length - 1] === wanted) {
        own.pop();
        return true;
      }
    } else if (outer[outer.length - 1] === wanted) {
      outer.pop();
      closedOuter++;
      return true;
    }
    firstMismatch = index;
    return false;
  });
  return { firstMismatch, closedOuter };
}

/** How many closing brackets `text` contains. */
export function countClosers(text: string): number {
  let n = 0;
  for (const ch of text) if (MATCHING[ch]) n++;
  return n;
}
