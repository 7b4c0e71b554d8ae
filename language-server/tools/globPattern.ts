/**
 * Glob patterns with .gitignore semantics, the same ones ripgrep's `--glob`
 * uses: a pattern without a slash matches a name at any depth ("*.ts"), a
 * pattern with a slash is anchored at the root ("src/*.ts"), `**` spans
 * directories, and `*`, `?` and `[...]` never cross a `/`. Sharing one
 * translation between the glob tool, the JavaScript grep fallback and the
 * .gitignore reader is what makes the fallback return what ripgrep returns.
 */

export interface CompiledGlob {
  readonly source: string;
  readonly regex: RegExp;
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
    body = body.replace(/\/+$/, '');
  }
  const anchored = body.includes('/');
  if (body.startsWith('/')) body = body.slice(1);
  if (body.startsWith('./')) body = body.replace(/^(\.\/)+/, '');
  const translated = translate(body, options.braces);
  const source = anchored ? `^${translated}$` : `^(?:.*/)?${translated}$`;
  const regex = new RegExp(source, options.ignoreCase ? 'i' : '');
  return {
    source,
    regex,
    dirOnly,
    negated,
    matches(relativePath: string, isDir: boolean): boolean {
      if (dirOnly && !isDir) return false;
      return regex.test(relativePath);
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

const REGEX_SPECIAL = /[.+^$()|{}[\]\\/]/;

function escapeChar(c: string): string {
  return REGEX_SPECIAL.test(c) ? `\\${c}` : c;
}

function translate(glob: string, braces: boolean): string {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atSegmentStart = i === 0 || glob[i - 1] === '/';
        const after = glob[i + 2];
        if (atSegmentStart && after === '/') {
          // "**/" matches zero or more whole directories.
          out += '(?:.*/)?';
          i += 3;
          continue;
        }
        if (atSegmentStart && after === undefined) {
          out += '.*';
          i += 2;
          continue;
        }
        // "a**b" is not a globstar; it behaves like a single "*".
        out += '[^/]*';
        i += 2;
        while (glob[i] === '*') i++;
        continue;
      }
      out += '[^/]*';
      i++;
      continue;
    }
    if (c === '?') {
      out += '[^/]';
      i++;
      continue;
    }
    if (c === '[') {
      const end = classEnd(glob, i);
      if (end < 0) {
        out += '\\[';
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
      out += negate ? `(?!/)[^${escaped}]` : `[${escaped}]`;
      i = end + 1;
      continue;
    }
    if (c === '{' && braces) {
      const end = braceEnd(glob, i);
      if (end > 0) {
        const alternatives = splitTopLevel(glob.slice(i + 1, end));
        if (alternatives.length > 1) {
          out += `(?:${alternatives.map((a) => translate(a, braces)).join('|')})`;
          i = end + 1;
          continue;
        }
      }
      out += '\\{';
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeChar(glob[i + 1]);
      i += 2;
      continue;
    }
    out += escapeChar(c);
    i++;
  }
  return out;
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
