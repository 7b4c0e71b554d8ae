/**
 * Glob patterns with .gitignore semantics, the same ones ripgrep's `--glob`
 * uses: a pattern without a slash matches a name at any depth ("*.ts"), a
 * pattern with a slash is anchored at the root ("src/*.ts"), `**` spans
 * directories, and `*`, `?` and `[...]` never cross a `/`. Sharing one
 * translation between the glob tool, the JavaScript grep fallback and the
 * .gitignore reader is what makes the fallback return what ripgrep returns.
 */

export interface CompiledGlob {
  /** The pattern as given. */
  readonly source: string;
  /** Matches only directories (the pattern ended with `/`). */
  readonly dirOnly: boolean;
  /** The pattern started with `!` (a re-include in .gitignore, an exclude in `--glob`). */
  readonly negated: boolean;
  /** Tests a `/`-separated path relative to the pattern's base directory. */
  matches(relativePath: string, isDir: boolean): boolean;
}

export interface CompileOptions {
  /** Expand `{a,b}` alternatives (globs do; .gitignore does not). */
  braces: boolean;
  /** Case-insensitive matching. */
  ignoreCase?: boolean;
}

/**
 * At most this many alternatives after expanding `{a,b}` (each one is
 * matched on its own, so this bounds the work per path).
 */
export const MAX_GLOB_ALTERNATIVES = 256;

/**
 * Compiles a glob into a matcher that runs in time linear in the path for a
 * given pattern. Patterns come from a repository's .gitignore files and from
 * the model's tool arguments, so neither may be trusted: translated into a
 * JavaScript regular expression, `*a*a*a*a*b` against a 200-character name
 * backtracks for tens of seconds on the language server's only thread. The
 * matcher below instead follows every position of the pattern at once (an
 * NFA simulation), so no pattern can make it backtrack.
 */
export function compileGlob(pattern: string, options: CompileOptions): CompiledGlob {
  let body = pattern;
  let negated = false;
  if (body.startsWith('!')) {
    negated = true;
    body = body.slice(1);
  } else if (body.startsWith('\\!') || body.startsWith('\\#')) {
    body = body.slice(1);
  }
  let dirOnly = false;
  if (body.endsWith('/') && body.length > 1) {
    dirOnly = true;
    // A loop, not /\/+$/: that expression is quadratic in a long run of slashes not at the end.
    let end = body.length;
    while (end > 0 && body[end - 1] === '/') end--;
    body = body.slice(0, end);
  }
  const anchored = body.includes('/');
  if (body.startsWith('/')) body = body.slice(1);
  if (body.startsWith('./')) body = body.replace(/^(\.\/)+/, '');
  const ignoreCase = options.ignoreCase ?? false;
  // An unanchored pattern may match below any directory, as if it started with "**/".
  const alternatives = translate(body, options.braces, ignoreCase).map((tokens) => toStates(anchored ? tokens : [{ kind: 'dirs' } as Token, ...tokens]));
  return {
    source: pattern,
    dirOnly,
    negated,
    matches(relativePath: string, isDir: boolean): boolean {
      if (dirOnly && !isDir) return false;
      return alternatives.some((states) => runStates(states, relativePath, ignoreCase));
    },
  };
}

/** The directory part of a pattern before its first wildcard: walks can start there. */
export function staticPrefix(pattern: string): string {
  if (!pattern.includes('/')) return '';
  const parts = pattern.replace(/^\//, '').split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (/[*?[\]{}\\!]/.test(part)) break;
    fixed.push(part);
  }
  return fixed.join('/');
}

/** One element of a glob, matched against UTF-16 code units, as the regular expressions it replaces were. */
type Token =
  /** One literal character. */
  | { kind: 'char'; ch: string; lower: string; upper: string }
  /** `?`: any one character but `/`. */
  | { kind: 'one' }
  /** `[...]`: one character of a class (never `/`), tested by a regular expression over that one character. */
  | { kind: 'class'; test: RegExp }
  /** `*`: any run of characters without `/`. */
  | { kind: 'star' }
  /** A trailing `**`: anything. */
  | { kind: 'rest' }
  /** `**` followed by `/`: nothing, or anything that ends with `/` (zero or more whole directories). */
  | { kind: 'dirs' };

/**
 * A state of the matcher: a token, plus, for `dirs`, a second state for
 * "inside the directories" that cannot be skipped (only the state before
 * any of them can: `(?:.*\/)?` matches nothing or something ending in `/`).
 */
type State = Token | { kind: 'dirsInside' };

/** Translates a glob (without its `!` and anchoring) into its alternatives, each a list of tokens. */
function translate(glob: string, braces: boolean, ignoreCase: boolean): Token[][] {
  let alternatives: Token[][] = [[]];
  const push = (token: Token): void => {
    for (const tokens of alternatives) tokens.push(token);
  };
  let i = 0;
  while (i < glob.length) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const after = glob[i + 2];
        if (atSegmentStart && after === '/') {
          push({ kind: 'dirs' });
          i += 3;
          continue;
        }
        if (atSegmentStart && after === undefined) {
          push({ kind: 'rest' });
          i += 2;
          continue;
        }
        // "a**b" is not a globstar; it behaves like a single "*".
        push({ kind: 'star' });
        i += 2;
        while (glob[i] === '*') i++;
        continue;
      }
      push({ kind: 'star' });
      i++;
      continue;
    }
    if (c === '?') {
      push({ kind: 'one' });
      i++;
      continue;
    }
    if (c === '[') {
      const end = classEnd(glob, i);
      if (end < 0) {
        push(charToken('[', ignoreCase));
        i++;
        continue;
      }
      let inner = glob.slice(i + 1, end);
      let negate = false;
      if (inner.startsWith('!') || inner.startsWith('^')) {
        negate = true;
        inner = inner.slice(1);
      }
      const escaped = inner.replace(/\\(.)/g, '$1').replace(/[\\\]^[]/g, (m) => `\\${m}`);
      // One character at a time: a class cannot backtrack.
      push({ kind: 'class', test: new RegExp(`^[${negate ? '^' : ''}${escaped}]$`, ignoreCase ? 'i' : '') });
      i = end + 1;
      continue;
    }
    if (c === '{' && braces) {
      const end = braceEnd(glob, i);
      if (end > 0) {
        const parts = splitTopLevel(glob.slice(i + 1, end));
        if (parts.length > 1) {
          const inner = parts.flatMap((part) => translate(part, braces, ignoreCase));
          if (alternatives.length * inner.length > MAX_GLOB_ALTERNATIVES) {
            throw new Error(`the pattern's {…} alternatives expand to more than ${MAX_GLOB_ALTERNATIVES} patterns; use fewer alternatives`);
          }
          alternatives = alternatives.flatMap((tokens) => inner.map((tail) => [...tokens, ...tail]));
          i = end + 1;
          continue;
        }
      }
      push(charToken('{', ignoreCase));
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < glob.length) {
      push(charToken(glob[i + 1], ignoreCase));
      i += 2;
      continue;
    }
    push(charToken(c, ignoreCase));
    i++;
  }
  return alternatives;
}

function charToken(ch: string, ignoreCase: boolean): Token {
  return { kind: 'char', ch, lower: ignoreCase ? ch.toLowerCase() : ch, upper: ignoreCase ? ch.toUpperCase() : ch };
}

function toStates(tokens: readonly Token[]): State[] {
  const states: State[] = [];
  for (const token of tokens) {
    states.push(token);
    if (token.kind === 'dirs') states.push({ kind: 'dirsInside' });
  }
  return states;
}

/** Where a state can move without reading a character, or -1. */
function skipTarget(states: readonly State[], j: number): number {
  const kind = states[j].kind;
  if (kind === 'star' || kind === 'rest') return j + 1;
  if (kind === 'dirs') return j + 2;
  return -1;
}

/**
 * Runs the states over `text`, keeping the set of states reached after each
 * character (each state at most once), so the work is at most the path's
 * length times the pattern's.
 */
function runStates(states: readonly State[], text: string, ignoreCase: boolean): boolean {
  const accept = states.length;
  // The generation in which each state was last added, so a state is added once per character.
  const mark = new Int32Array(accept + 1).fill(-1);
  let current: number[] = [];
  let next: number[] = [];
  const add = (set: number[], j: number, generation: number): void => {
    // Adds j and every state it can skip to.
    while (j >= 0 && mark[j] !== generation) {
      mark[j] = generation;
      set.push(j);
      j = j < accept ? skipTarget(states, j) : -1;
    }
  };
  add(current, 0, 0);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    next.length = 0;
    const generation = i + 1;
    for (const j of current) {
      if (j === accept) continue;
      const state = states[j];
      switch (state.kind) {
        case 'char':
          if (c === state.ch || (ignoreCase && (c.toLowerCase() === state.lower || c.toUpperCase() === state.upper))) add(next, j + 1, generation);
          break;
        case 'one':
          if (c !== '/') add(next, j + 1, generation);
          break;
        case 'class':
          if (c !== '/' && state.test.test(c)) add(next, j + 1, generation);
          break;
        case 'star':
          if (c !== '/') add(next, j, generation);
          break;
        case 'rest':
          add(next, j, generation);
          break;
        case 'dirs':
          add(next, j + 1, generation);
          if (c === '/') add(next, j + 2, generation);
          break;
        case 'dirsInside':
          add(next, j, generation);
          if (c === '/') add(next, j + 1, generation);
          break;
      }
    }
    if (next.length === 0) return false;
    [current, next] = [next, current];
  }
  return current.includes(accept);
}

function classEnd(glob: string, start: number): number {
  let i = start + 1;
  if (glob[i] === '!' || glob[i] === '^') i++;
  if (glob[i] === ']') i++;
  for (; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === ']') return i;
    else if (glob[i] === '/') return -1;
  }
  return -1;
}

function braceEnd(glob: string, start: number): number {
  let depth = 0;
  for (let i = start; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === '{') depth++;
    else if (glob[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}
