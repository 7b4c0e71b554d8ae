/**
 * Which file a chat code block names, for "Apply". Models name the file in
 * the fence's info string (```ts src/math.ts, ```ts:src/math.ts,
 * ```ts title="src/math.ts") or in a first-line comment (// src/math.ts,
 * # filepath: app.py). Both come from model output, so the path is only a
 * hint: the caller confines it to the workspace before opening anything.
 *
 * This module does not import `vscode`, so its rules are unit-tested directly.
 */

/** A workspace-relative looking path: no spaces or quotes, with a file extension or a folder separator. */
const PATH_LIKE = /^(?!.*\s)[\w@.~+-]*[\w@~+-][\w@.~+/\\-]*$/;

function looksLikePath(candidate: string): boolean {
  if (candidate.length === 0 || candidate.length > 260 || !PATH_LIKE.test(candidate)) return false;
  const name = candidate.split(/[\\/]/).pop() ?? '';
  // A bare word ("typescript", "diff") is a language, not a file: a file needs an extension or a folder.
  return /\.[A-Za-z0-9]{1,10}$/.test(name) || /^(?:Makefile|Dockerfile|Containerfile|Gemfile|Rakefile|Justfile)$/.test(name);
}

function clean(candidate: string): string {
  return candidate.replace(/^["'`]|["'`]$/g, '').replace(/^(?:file|filepath|filename|path|title)\s*[:=]\s*/i, '').replace(/^["'`]|["'`]$/g, '');
}

/** The path in a fence's info string, after the language word. */
export function pathFromInfo(info: string): string | undefined {
  const trimmed = info.trim();
  if (!trimmed) return undefined;
  // ```ts:src/math.ts (the language, a colon, then the path).
  const colon = /^[\w+#.-]+:(\S+)$/.exec(trimmed);
  if (colon && looksLikePath(colon[1])) return colon[1];
  const words = trimmed.split(/\s+/);
  // The first word may itself be the path when the model left out the language (```src/math.ts).
  const candidates = words.length === 1 ? words : words.slice(1);
  for (const word of candidates) {
    const candidate = clean(word);
    if (looksLikePath(candidate)) return candidate;
  }
  return undefined;
}

/** Comment openers a path comment can use, and their closers. */
const PATH_COMMENT = /^\s*(?:\/\/|#|--|;|\/\*|<!--)\s*(?:(?:file|filepath|filename|path)\s*:\s*)?(\S+?)\s*(?:\*\/|-->)?\s*$/i;

/** The path a first-line comment names (`// src/math.ts`, `# File: app.py`), if the first line is only that. */
export function pathFromFirstLine(code: string): string | undefined {
  const first = code.split('\n', 1)[0] ?? '';
  const m = PATH_COMMENT.exec(first);
  if (!m) return undefined;
  const candidate = clean(m[1]);
  return looksLikePath(candidate) ? candidate : undefined;
}

export interface NamedTarget {
  /** The path as the block names it (relative to a workspace folder, as models write it). */
  path: string | undefined;
  /** The code to merge: without the path comment, which is a label and not part of the file. */
  code: string;
}

/** The file a block names (info string first, then a first-line comment) and the code to merge. */
export function namedTarget(info: string, code: string): NamedTarget {
  const fromInfo = pathFromInfo(info);
  const fromComment = pathFromFirstLine(code);
  const withoutComment = fromComment ? code.slice(code.indexOf('\n') + 1 || code.length) : code;
  return { path: fromInfo ?? fromComment, code: withoutComment };
}

/**
 * A named path as a workspace-relative path with forward slashes, or
 * undefined when it is absolute or climbs out (`..`): a block from the model
 * must not steer Apply to a file outside the folders the user opened.
 */
export function confinedRelativePath(named: string): string | undefined {
  const normalised = named.replace(/\\/g, '/').replace(/^\.\//, '');
  if (normalised.startsWith('/') || /^[A-Za-z]:/.test(normalised) || normalised.startsWith('~')) return undefined;
  const parts = normalised.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..')) return undefined;
  return parts.join('/');
}

/** Configuration a model-named path must not steer Apply to: the editor's and Hearth's settings, git's internals, workspace files. */
const CONFIGURATION_PATH = /(?:^|\/)(?:\.vscode|\.hearth|\.git)(?:\/|$)|\.code-workspace$/i;

/**
 * Whether a workspace-relative path is configuration (`.vscode/`, `.hearth/`,
 * `.git/`, `*.code-workspace`). A block from the model that names one is not
 * followed: the user picks the file, so a prompt injection cannot aim a
 * one-click Apply at the settings that decide what runs.
 */
export function isConfigurationPath(relative: string): boolean {
  return CONFIGURATION_PATH.test(relative);
}

/**
 * The one workspace file a block's bare tail (`math.ts`, `tasks.json`) can
 * mean, given the workspace-relative paths of the files ending with it, or
 * undefined when none or several do. Files in configuration do not count:
 * checking only the named tail would let `tasks.json` reach
 * `.vscode/tasks.json`, which the named path `.vscode/tasks.json` cannot.
 */
export function onlyTailMatch<T>(matches: readonly T[], relativePathOf: (match: T) => string): T | undefined {
  const candidates = matches.filter((m) => !isConfigurationPath(relativePathOf(m).replace(/\\/g, '/')));
  return candidates.length === 1 ? candidates[0] : undefined;
}
