import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { resolveGitDirs } from './gitDirs';

/**
 * Paths the agent may read but never write, whatever the user's policy says:
 * Git's internals (a hook or a config change is code execution later), and
 * every file that holds Hearth's or VS Code's configuration, so the agent can
 * never change its own approval policy (BRIEF invariant 2).
 *
 * The comparison is always case-folded, also on case-sensitive file systems:
 * `.GIT/config` is a different file from `.git/config` on Linux, but the same
 * file once the repository is cloned on macOS or Windows, and nobody has a
 * legitimate reason to write either. Trailing dots and spaces are dropped
 * because Windows ignores them (`.git.` opens `.git`).
 */

/** A path segment as every name rule compares it: case-folded, trailing dots and spaces dropped. */
export function foldSegment(segment: string): string {
  return segment.toLowerCase().replace(/[. ]+$/, '');
}

/**
 * Returns why writing the path is forbidden, or null when it is allowed.
 * `segments` is the path relative to a workspace folder, split on `/`.
 */
export function protectedPathReason(segments: readonly string[]): string | null {
  const folded = segments.map(foldSegment);
  for (let i = 0; i < folded.length; i++) {
    const seg = folded[i];
    if (seg === '.git') {
      return 'files inside .git/ are Git\'s internals (hooks and config run code); the agent may not write them. Use run_command with a git command instead';
    }
    if (seg === '.hearth') {
      return '.hearth/ holds Hearth\'s own configuration, which the agent may not change';
    }
    const isLast = i === folded.length - 1;
    if (isLast && seg.endsWith('.code-workspace')) {
      return '*.code-workspace files hold VS Code workspace settings, which the agent may not change';
    }
    if (isLast && i > 0 && folded[i - 1] === '.vscode' && (seg === 'settings.json' || seg === 'mcp.json')) {
      return `.vscode/${seg} holds VS Code and Hearth settings (including the agent's approval policy and MCP servers), which the agent may not change`;
    }
  }
  return null;
}

/** Whether `candidate` is `dir` or inside it, case-folded where the file system folds case. */
export function isSameOrInside(dir: string, candidate: string, caseInsensitive: boolean): boolean {
  const a = caseInsensitive ? dir.toLowerCase() : dir;
  const b = caseInsensitive ? candidate.toLowerCase() : candidate;
  return b === a || b.startsWith(a.endsWith(path.sep) ? a : a + path.sep);
}

/**
 * Returns why writing the real path `target` is forbidden because of what it
 * really is, whatever it is called: the names in `protectedPathReason` are
 * only where git and VS Code look first. Git follows a `.git` file's
 * `gitdir:` (worktrees, submodules, `--separate-git-dir`) and a worktree's
 * `commondir`; VS Code reads `.vscode/settings.json` through a symlinked
 * `.vscode`. So the real locations of the workspace folder's protected set
 * are computed now (they can change between calls) and compared with the
 * target's real path. Any folder above the target (up to the workspace
 * folder) that git would accept as a repository (HEAD, objects/, refs/) is
 * protected too, which covers a git dir that some `.git` file deeper in the
 * tree, or a `GIT_DIR`, points at.
 */
export async function protectedLocationReason(rootRealPath: string, target: string, caseInsensitive: boolean): Promise<string | null> {
  const gitReason = "it is inside the repository's real git directory (hooks and config run code); the agent may not write it. Use run_command with a git command instead";
  for (const gitDir of await resolveGitDirs(rootRealPath)) {
    if (isSameOrInside(gitDir, target, caseInsensitive)) return gitReason;
  }
  for (let dir = path.dirname(target); isSameOrInside(rootRealPath, dir, caseInsensitive); dir = path.dirname(dir)) {
    if (await looksLikeGitDir(dir)) return `${gitReason} (${path.basename(dir)}/ is a git directory)`;
    if (await wouldBecomeGitDir(dir, target, caseInsensitive)) {
      return `with it, ${path.basename(dir)}/ would be a git directory (HEAD, objects/ and refs/), whose config and hooks git runs when anyone works in that folder; the agent may not make one. Use run_command with a git command instead`;
    }
    if (dir === path.dirname(dir)) break;
  }
  const fold = (p: string): string => (caseInsensitive ? p.toLowerCase() : p);
  const realOf = (p: string): Promise<string | null> => fs.realpath(p).catch(() => null);
  const vscode = await realOf(path.join(rootRealPath, '.vscode'));
  for (const name of ['settings.json', 'mcp.json']) {
    const locations = [vscode && path.join(vscode, name), await realOf(path.join(rootRealPath, '.vscode', name))];
    if (locations.some((l) => l !== null && fold(l) === fold(target))) {
      return `it is the file VS Code reads as .vscode/${name} (settings, including the agent's approval policy and MCP servers), which the agent may not change`;
    }
  }
  const hearth = await realOf(path.join(rootRealPath, '.hearth'));
  if (hearth && isSameOrInside(hearth, target, caseInsensitive)) return "it is inside the folder Hearth reads as .hearth/ (Hearth's own configuration), which the agent may not change";
  const names = await fs.readdir(rootRealPath).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.toLowerCase().endsWith('.code-workspace'))) {
    const real = await realOf(path.join(rootRealPath, name));
    if (real && fold(real) === fold(target)) return `it is the file VS Code reads as ${name} (workspace settings), which the agent may not change`;
  }
  return null;
}

/**
 * Whether writing the file `target` (creating the folders on its way) would
 * make `dir` pass git's test for a repository directory. A git directory
 * built one file at a time (its config first, then HEAD, objects/ and
 * refs/) is refused at whichever write completes it: each earlier step looks
 * harmless, and the last one turns the config written first into code git
 * runs in that folder, for a shell prompt or an editor outside the sandbox.
 */
async function wouldBecomeGitDir(dir: string, target: string, caseInsensitive: boolean): Promise<boolean> {
  const fold = (p: string): string => (caseInsensitive ? p.toLowerCase() : p);
  const under = (name: string): boolean => fold(target).startsWith(fold(path.join(dir, name)) + path.sep);
  const writesHead = fold(target) === fold(path.join(dir, 'HEAD'));
  if (!writesHead && !under('objects') && !under('refs')) return false;
  const [head, objects, refs] = await Promise.all(['HEAD', 'objects', 'refs'].map((n) => fs.stat(path.join(dir, n)).catch(() => null)));
  return (writesHead || !!head?.isFile()) && (under('objects') || !!objects?.isDirectory()) && (under('refs') || !!refs?.isDirectory());
}

/** Git's own test for a repository directory: a HEAD file and objects/ and refs/ folders. */
export async function looksLikeGitDir(dir: string): Promise<boolean> {
  const [head, objects, refs] = await Promise.all(['HEAD', 'objects', 'refs'].map((n) => fs.stat(path.join(dir, n)).catch(() => null)));
  return !!head?.isFile() && !!objects?.isDirectory() && !!refs?.isDirectory();
}
