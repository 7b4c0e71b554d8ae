import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { GitignoreRules } from './gitignoreRules';
import { ToolError } from './toolError';

export interface WalkedFile {
  readonly absolute: string;
  /** Relative to the workspace folder, `/`-separated. */
  readonly relativeToRoot: string;
}

export interface WalkOptions {
  signal: AbortSignal;
  /** Stop after visiting this many entries (huge trees that .gitignore does not trim). */
  maxEntries?: number;
  /** Set to true when the walk stopped at `maxEntries`. */
  limits?: { truncated: boolean };
}

const DEFAULT_MAX_ENTRIES = 200_000;

/**
 * Lists the files under `startRelative` (a directory or a file) in one
 * workspace folder, depth first with names in byte order (the order of
 * `rg --sort path`), skipping `.git/` and whatever .gitignore excludes.
 * Symlinks are not followed, neither to files nor to directories, exactly
 * like ripgrep's default: a link can point outside the workspace, and the
 * confinement only vouches for paths it resolved itself.
 */
export async function* walkFiles(rootPath: string, startRelative: string, options: WalkOptions): AsyncGenerator<WalkedFile> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  let visited = 0;
  const startAbsolute = startRelative === '' ? rootPath : path.join(rootPath, startRelative);
  const stat = await fs.lstat(startAbsolute);
  if (stat.isFile()) {
    yield { absolute: startAbsolute, relativeToRoot: startRelative };
    return;
  }
  if (!stat.isDirectory()) return;

  async function* walkDir(dirRelative: string, rules: GitignoreRules): AsyncGenerator<WalkedFile> {
    if (options.signal.aborted) throw new ToolError('The search was cancelled.', 'cancelled');
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dirRelative === '' ? rootPath : path.join(rootPath, dirRelative), { withFileTypes: true });
    } catch {
      // Unreadable directories are skipped, as ripgrep does.
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (++visited > maxEntries) {
        if (options.limits) options.limits.truncated = true;
        return;
      }
      const rel = dirRelative === '' ? entry.name : `${dirRelative}/${entry.name}`;
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (entry.name === '.git' || rules.isIgnored(rel, true)) continue;
        yield* walkDir(rel, await rules.enter(rel));
        if (visited > maxEntries) return;
      } else if (entry.isFile()) {
        if (rules.isIgnored(rel, false)) continue;
        yield { absolute: path.join(rootPath, rel), relativeToRoot: rel };
      }
    }
  }

  yield* walkDir(startRelative, await GitignoreRules.forDirectory(rootPath, startRelative));
}
