import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGlob, type CompiledGlob } from '../tools/globPattern';

/** Whether a document (by URI, with the workspace folders open now) is one `hearth.completion.disabledFiles` names. */
export type DisabledFileMatcher = (uri: string, roots: readonly string[]) => boolean;

/**
 * Compiles `hearth.completion.disabledFiles` into a matcher. The patterns are
 * the globs the agent's glob tool and .gitignore use (globPattern.ts): `*`,
 * `?` and `[...]` stay within one path segment, `**` spans folders, `{a,b}`
 * gives alternatives, a pattern without a slash matches a file name at any
 * depth and one with a slash is anchored at the workspace folder, and a
 * pattern that matches a folder (`secrets`, `secrets/`) covers every file in
 * it, as in .gitignore. Matching
 * ignores case, because on the case-insensitive disks of macOS and Windows
 * `.ENV` is the same file as `.env`, and a secrets rule that missed it would
 * fail silently. As in .gitignore, a pattern starting with `!` takes a
 * matching file back out of the list, and the last pattern that matches
 * decides: `!.env.example` after the defaults allows suggestions in that
 * template again.
 */
export function disabledFileMatcher(patterns: readonly string[]): DisabledFileMatcher {
  const globs: CompiledGlob[] = [];
  for (const pattern of patterns) {
    if (pattern.trim() === '') continue;
    try {
      globs.push(compileGlob(pattern, { braces: true, ignoreCase: true }));
    } catch {
      // Only a pattern whose {…} alternatives expand past the matcher's bound is refused; it cannot
      // be matched at all, and disabling suggestions everywhere over one bad entry would be a surprise.
    }
  }
  if (globs.length === 0) return () => false;
  return (uri, roots) => {
    const candidates = pathsOf(uri, roots).flatMap(withFolders);
    let disabled = false;
    for (const glob of globs) {
      if (candidates.some(({ path: p, isDir }) => glob.matches(p, isDir))) disabled = !glob.negated;
    }
    return disabled;
  };
}

/**
 * The `/`-separated paths a document is matched by: relative to each
 * workspace folder that holds it, else its absolute path without the leading
 * `/`, so that the default pattern for `id_rsa*` also covers `~/.ssh/id_rsa`
 * opened from outside the workspace. A document that is not a file (an
 * untitled tab) is matched by the path its URI carries: `untitled:Untitled-1`
 * by `Untitled-1`, and a new file VS Code has already named by that name.
 */
function pathsOf(uri: string, roots: readonly string[]): string[] {
  const file = filePathOf(uri);
  if (file === undefined) return [];
  const inside: string[] = [];
  if (path.isAbsolute(file)) {
    for (const root of roots) {
      const relative = path.relative(root, file);
      if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) inside.push(relative.split(path.sep).join('/'));
    }
  }
  return inside.length > 0 ? inside : [file.split(path.sep).join('/').replace(/^\/+/, '')];
}

function filePathOf(uri: string): string | undefined {
  try {
    if (uri.startsWith('file:')) return fileURLToPath(uri);
    return decodeURIComponent(new URL(uri).pathname);
  } catch {
    return undefined;
  }
}

/** The path itself and each folder it is in (`a/b/c.ts`: `a`, `a/b`), so a pattern naming a folder covers its files. */
function withFolders(file: string): { path: string; isDir: boolean }[] {
  const parts = file.split('/');
  return parts.map((_, i) => ({ path: parts.slice(0, i + 1).join('/'), isDir: i < parts.length - 1 }));
}
