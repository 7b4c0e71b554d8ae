import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readSmallFile } from '../workspace/readSmallFile';

/**
 * The git directories a workspace folder really uses, found the way git finds
 * them, without running git (in a hostile repository even `git rev-parse`
 * reads a config the attacker wrote):
 * - `.git` as a directory;
 * - `.git` as a file `gitdir: <path>` (worktrees, submodules,
 *   `git init --separate-git-dir`), relative to the folder holding the file;
 * - a worktree's git dir names the shared one in its `commondir` file, which
 *   holds the config and hooks every worktree uses.
 * Returned as real paths, deduplicated. A `.git` that is a symlink is
 * followed, since git follows it too.
 */
export async function resolveGitDirs(folder: string): Promise<string[]> {
  const found = new Set<string>();
  const dotGit = path.join(folder, '.git');
  let gitDir: string | null = null;
  try {
    const stat = await fs.stat(dotGit);
    if (stat.isDirectory()) gitDir = dotGit;
    else if (stat.isFile()) {
      const text = (await readSmall(dotGit)) ?? '';
      const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
      if (match) gitDir = path.resolve(folder, match[1]);
    }
  } catch {
    return [];
  }
  if (!gitDir) return [];
  const real = await fs.realpath(gitDir).catch(() => null);
  if (!real) return [];
  found.add(real);
  const common = await readSmall(path.join(real, 'commondir'));
  if (common) {
    const commonReal = await fs.realpath(path.resolve(real, common.trim())).catch(() => null);
    if (commonReal) found.add(commonReal);
  }
  return [...found];
}

/** Git refuses a `.git` file larger than this (setup.c, read_gitfile_gently); `commondir` is as small. */
const MAX_GIT_FILE_BYTES = 1024 * 1024;

function readSmall(file: string): Promise<string | null> {
  // Without blocking: a FIFO planted under the name must not hold the reader (readSmallFile opens it non-blocking).
  return readSmallFile(file, { maxBytes: MAX_GIT_FILE_BYTES, followLinks: true }).catch(() => null);
}
