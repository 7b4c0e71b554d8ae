/**
 * One shell word as the parser read it, in parts, so the policy can tell what
 * is fixed text, what the shell will expand, and regenerate the word exactly.
 */

export interface ListNode {
  readonly kind: 'list';
  /** Each pipeline with the operator that ends it (a newline or the end of input is `;`). */
  readonly items: { pipeline: PipelineNode; separator: ';' | '&' | '&&' | '||' }[];
}

export interface PipelineNode {
  readonly kind: 'pipeline';
  readonly commands: CommandNode[];
}

export interface SubshellNode {
  readonly kind: 'subshell';
  readonly body: ListNode;
  readonly redirections: RedirectionNode[];
}

export interface SimpleCommandNode {
  readonly kind: 'simple';
  readonly assignments: { name: string; value: ShellWord }[];
  readonly words: ShellWord[];
  readonly redirections: RedirectionNode[];
}

export type CommandNode = SimpleCommandNode | SubshellNode;

export interface RedirectionNode {
  readonly op: string;
  readonly fd?: number;
  readonly target: ShellWord;
}

export type WordPart =
  /** Fixed text after quote removal; `quoted` when it came from quotes or a backslash. */
  | { kind: 'text'; text: string; quoted: boolean }
  /** An unquoted pattern character or bracket expression: `*`, `?`, `[a-z]`. */
  | { kind: 'glob'; text: string }
  /** A parameter or tilde expansion: `$X`, `${X}`, `$1`, `~`. */
  | { kind: 'param'; text: string; quoted: boolean }
  /** A command substitution, `$(...)` or backquotes. */
  | { kind: 'substitution'; quoted: boolean; body: ListNode };

export interface ShellWord {
  readonly parts: WordPart[];
  /** The word after quote removal, with `$(...)` / `` `...` `` standing for substitutions (for messages). */
  readonly value: string;
  /** Some part of it was quoted or escaped. */
  readonly quoted: boolean;
  /**
   * Set when shells read this word differently (bash's `$'...'`, brace
   * expansion, a backslash-newline inside the word…): why, in words. Such a
   * word never runs without asking.
   */
  readonly unusual: string | null;
}

/** True when the word's value is fixed text, possibly with glob patterns. */
export function isStaticWord(word: ShellWord): boolean {
  return word.parts.every((p) => p.kind === 'text' || p.kind === 'glob');
}

/** The fixed text of a word without globs or expansions, or null when it has any. */
export function literalValue(word: ShellWord): string | null {
  let out = '';
  for (const part of word.parts) {
    if (part.kind !== 'text') return null;
    out += part.text;
  }
  return out;
}

/** A glob bracket expression as a regular expression class (`[!a-z]` → `[^a-z]`). */
function bracketToRegex(text: string): string {
  let inner = text.slice(1, -1);
  let negate = false;
  if (inner.startsWith('!') || inner.startsWith('^')) {
    negate = true;
    inner = inner.slice(1);
  }
  const escaped = inner.replace(/[\\\]^[]/g, (c) => '\\' + c);
  return `[${negate ? '^' : ''}${escaped}]`;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A regular expression source for every value the word could take: fixed
 * text as itself, globs as what they match, expansions and substitutions as
 * anything. `slashInGlob` says whether glob characters may match `/`.
 */
export function wordPatternSource(parts: readonly WordPart[], slashInGlob = true): string {
  return parts
    .map((p) => {
      if (p.kind === 'text') return escapeRegex(p.text);
      if (p.kind === 'glob') {
        if (p.text === '*') return slashInGlob ? '.*' : '[^/]*';
        if (p.text === '?') return slashInGlob ? '.' : '[^/]';
        return bracketToRegex(p.text);
      }
      return '[\\s\\S]*';
    })
    .join('');
}

/**
 * The word's possible values as a pattern, or null when it is fixed text.
 * `multi` is true when the shell may split it into several words (or none):
 * an unquoted expansion or substitution, or a glob.
 */
export function wordWildcard(word: ShellWord): { pattern: RegExp; multi: boolean } | null {
  if (literalValue(word) !== null) return null;
  const multi = word.parts.some((p) => p.kind === 'glob' || ((p.kind === 'param' || p.kind === 'substitution') && !p.quoted));
  return { pattern: new RegExp(`^${wordPatternSource(word.parts)}$`, 'is'), multi };
}

/** Quotes text for /bin/sh so it is read as exactly one literal word. */
export function singleQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
