import * as fs from 'node:fs';
import * as path from 'node:path';
import { wordPatternSource, type ShellWord, type WordPart } from './shellWord';

/**
 * Where a command runs and what it may read without asking: the workspace
 * folders (real paths) and the working directory. Without it the checks are
 * lexical only, against a working directory that stands for the workspace.
 */
export interface CommandPathContext {
  readonly roots: readonly string[];
  readonly cwd: string;
  /** Whether an absolute path is one of the user's secrets files (`ToolPolicy.secretsFiles`): a command naming one asks. */
  readonly isSecretsFile?: (absolutePath: string) => boolean;
}

/** Paths every command may name although they are outside the workspace. */
const HARMLESS_OUTSIDE = new Set(['/dev/null', '/dev/stdin', '/dev/stdout', '/dev/stderr']);

const MAX_GLOB_MATCHES = 2000;
const MAX_GLOB_PARTS = 8;
const LEXICAL_ROOT = '/\u0000workspace';

/**
 * Why an argument (or an option's value) names a path outside the workspace,
 * or null. The check follows the path the way the kernel does: component by
 * component, resolving each symlink that exists (so `link/../secret` is judged
 * where `link` really points), and a glob is judged by every file it matches.
 */
export function outsidePathReason(word: ShellWord, context: CommandPathContext | undefined, valueOffset = 0): string | null {
  const parts = sliceParts(word.parts, valueOffset);
  const literal = parts.every((p) => p.kind === 'text') ? parts.map((p) => (p as { text: string }).text).join('') : null;
  if (literal !== null) {
    if (literal === '' || HARMLESS_OUTSIDE.has(literal)) return null;
    if (isOutside(literal, context)) return `it names \`${literal}\`, which is outside the workspace`;
    if (hardLinked(literal, context)) return `it names \`${literal}\`, a file with more than one hard link, which may be the same file as one outside the workspace`;
    return namesSecretsFile(literal, context) ? secretsFileReason(literal) : null;
  }
  const display = parts.map((p) => (p.kind === 'text' ? p.text : p.kind === 'glob' ? p.text : '…')).join('');
  // Each `*` multiplies the work of matching a name; a pattern with many is not worth the time (or a regex blow-up).
  if (parts.filter((p) => p.kind === 'glob').length > MAX_GLOB_PARTS) return `the pattern \`${display}\` is too complex to check`;
  // A pattern's fixed start already says where it looks (`../*`, `/etc/*`).
  const fixedStart = leadingText(parts);
  const dir = fixedStart.includes('/') ? fixedStart.slice(0, fixedStart.lastIndexOf('/') + 1) || '/' : '.';
  if (isOutside(dir, context)) return `it names \`${display}\`, which is outside the workspace`;
  if (!context) return null;
  const matches = expandGlob(parts, context.cwd);
  if (matches === null) return `the pattern \`${display}\` matches too many files to check`;
  const outside = matches.find((m) => isOutside(m, context));
  if (outside) return `the pattern \`${display}\` matches \`${outside}\`, which is outside the workspace`;
  const secret = matches.find((m) => namesSecretsFile(m, context));
  return secret ? `the pattern \`${display}\` matches \`${secret}\`, a secrets file (hearth.completion.disabledFiles names it), whose contents would go to the model` : null;
}

function secretsFileReason(literal: string): string {
  return `it names \`${literal}\`, a secrets file (hearth.completion.disabledFiles names it), whose contents would go to the model`;
}

/**
 * Whether `target` names one of the user's secrets files, as written or
 * where its links lead; with a colon also the part after it, which git
 * reads as a path (`git show HEAD:.env`).
 */
function namesSecretsFile(target: string, context: CommandPathContext | undefined): boolean {
  const test = context?.isSecretsFile;
  if (!context || !test) return false;
  const colon = target.indexOf(':');
  const candidates = colon >= 0 ? [target, target.slice(colon + 1)] : [target];
  return candidates.some((candidate) => {
    if (candidate === '') return false;
    if (test(path.resolve(context.cwd, candidate))) return true;
    const physical = resolvePhysically(context.cwd, candidate);
    return physical !== null && test(physical);
  });
}

/**
 * Why a glob word may reach the program as an option, or null: a pattern
 * that starts like one (`--out*`), or one whose first component matches a
 * file named like one (`*` or `[-]*` beside a file called
 * `--output=README.md`, which git reads as `--output`). The option checks
 * only see the words as written, so such a word must not run unasked.
 * Without a context nothing can be listed, so any pattern that starts with a
 * wildcard counts.
 */
export function optionLikeGlobReason(word: ShellWord, context: CommandPathContext | undefined): string | null {
  if (!word.parts.some((p) => p.kind === 'glob') || word.parts.some((p) => p.kind === 'param' || p.kind === 'substitution')) return null;
  const display = word.parts.map((p) => (p.kind === 'text' || p.kind === 'glob' ? p.text : '')).join('');
  const leading = leadingText(word.parts);
  if (leading.startsWith('-')) return `the pattern \`${display}\` starts like an option, and the program reads what it matches as one`;
  // A fixed start that is not a dash (`src/*`, `./*`) can never become an option.
  if (leading !== '') return null;
  if (!context) return `the pattern \`${display}\` may match a file named like an option, which the program would read as one`;
  const matches = expandGlob(word.parts, context.cwd);
  if (matches === null) return `the pattern \`${display}\` matches too many files to check`;
  const optionLike = matches.find((m) => m.startsWith('-'));
  return optionLike === undefined ? null : `the pattern \`${display}\` matches the file \`${optionLike}\`, which the program would read as an option`;
}

/** A regular file with other hard links: its content may be a file outside the workspace (as the file tools also ask). */
function hardLinked(target: string, context: CommandPathContext | undefined): boolean {
  if (!context) return false;
  try {
    const stat = fs.statSync(path.resolve(context.cwd, target), { throwIfNoEntry: false });
    return stat !== undefined && stat.isFile() && stat.nlink > 1;
  } catch {
    return false;
  }
}

function sliceParts(parts: readonly WordPart[], offset: number): WordPart[] {
  if (offset === 0) return [...parts];
  const out: WordPart[] = [];
  let skip = offset;
  for (const part of parts) {
    if (skip > 0 && part.kind === 'text') {
      if (part.text.length <= skip) {
        skip -= part.text.length;
        continue;
      }
      out.push({ ...part, text: part.text.slice(skip) });
      skip = 0;
      continue;
    }
    out.push(part);
  }
  return out;
}

function leadingText(parts: readonly WordPart[]): string {
  let out = '';
  for (const p of parts) {
    if (p.kind !== 'text') break;
    out += p.text;
  }
  return out;
}

function inside(candidate: string, root: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function isOutside(target: string, context: CommandPathContext | undefined): boolean {
  if (HARMLESS_OUTSIDE.has(target)) return false;
  if (!context) {
    const resolved = path.posix.resolve(LEXICAL_ROOT, target);
    return !inside(resolved, LEXICAL_ROOT);
  }
  const lexical = path.resolve(context.cwd, target);
  if (!context.roots.some((r) => inside(lexical, r))) return true;
  const physical = resolvePhysically(context.cwd, target);
  if (physical === null) return true;
  return !context.roots.some((r) => inside(physical, r));
}

/**
 * Resolves `target` from `cwd` as the kernel would: `..` after a symlink goes
 * to the parent of the link's target. Returns null when a link cannot be
 * followed (a loop, a dangling link): its destination is unknown.
 */
function resolvePhysically(cwd: string, target: string): string | null {
  let current = target.startsWith('/') ? '/' : cwd;
  const components = target.split('/').filter((c) => c !== '' && c !== '.');
  let exists = true;
  for (const component of components) {
    if (component === '..') {
      current = path.dirname(current);
      continue;
    }
    current = path.join(current, component);
    if (!exists) continue;
    let stat: fs.Stats | undefined;
    try {
      stat = fs.lstatSync(current, { throwIfNoEntry: false });
    } catch {
      stat = undefined;
    }
    if (!stat) {
      exists = false;
      continue;
    }
    if (stat.isSymbolicLink()) {
      try {
        current = fs.realpathSync(current);
      } catch {
        return null;
      }
    }
  }
  return current;
}

/**
 * Expands a glob word against the file system as /bin/sh would (names
 * starting with `.` only when the pattern's component does), or null when it
 * matches more files than are worth checking. No match: the shell passes the
 * pattern on as it is, so the pattern itself is returned.
 */
function expandGlob(parts: readonly WordPart[], cwd: string): string[] | null {
  // Split the parts into path components at every literal "/".
  const components: WordPart[][] = [[]];
  for (const part of parts) {
    if (part.kind !== 'text') {
      components[components.length - 1].push(part);
      continue;
    }
    const pieces = part.text.split('/');
    pieces.forEach((piece, i) => {
      if (i > 0) components.push([]);
      if (piece !== '') components[components.length - 1].push({ ...part, text: piece });
    });
  }
  const absolute = parts[0]?.kind === 'text' && parts[0].text.startsWith('/');
  let bases: string[] = [absolute ? '/' : ''];
  let count = 0;
  for (const component of components) {
    if (component.length === 0) continue;
    const isPattern = component.some((p) => p.kind === 'glob');
    const fixed = component.map((p) => (p.kind === 'text' ? p.text : '')).join('');
    const next: string[] = [];
    for (const base of bases) {
      if (!isPattern) {
        next.push(base === '' ? fixed : path.join(base, fixed));
        continue;
      }
      // Case-insensitive, so ranges that a locale's collation widens (`[a-z]` matching `B`) are still checked.
      const regex = new RegExp(`^${wordPatternSource(component, false)}$`, 'is');
      const literalDot = component[0].kind === 'text' && component[0].text.startsWith('.');
      const allowDot = literalDot || component[0].kind === 'glob' && component[0].text.startsWith('[');
      let names: string[];
      try {
        names = fs.readdirSync(path.resolve(cwd, base || '.'));
      } catch {
        continue;
      }
      // `.*` matches `.` and `..` in dash (and in bash before 5.2): `ls .*` lists the parent directory.
      if (literalDot) names.push('.', '..');
      for (const name of names) {
        if (name.startsWith('.') && !allowDot) continue;
        if (!regex.test(name)) continue;
        if (++count > MAX_GLOB_MATCHES) return null;
        next.push(base === '' ? name : path.join(base, name));
      }
    }
    bases = next;
  }
  if (bases.length === 0) return [parts.map((p) => (p.kind === 'text' || p.kind === 'glob' ? p.text : '')).join('')];
  return bases;
}
