import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXECUTION_SENSITIVE_TOP_LEVEL, executionSensitivity } from '../executionSensitivePaths';
import { resolveGitDirs } from '../gitDirs';
import { foldSegment, protectedPathReason } from '../protectedPaths';

/** A path inside a workspace folder that a sandboxed command must not change. */
export interface GuardedPath {
  /** Absolute path as found under the folder (not resolved). */
  path: string;
  /** Path relative to the folder, `/` separators. */
  relative: string;
  /** 'protected': never writable (git internals, editor and Hearth settings); 'sensitive': makes another program run code. */
  kind: 'protected' | 'sensitive';
  /**
   * Set when the path is a symlink: its target. A mount lands on the target,
   * not on the link, so the command can still replace the link itself; the
   * audit puts it back.
   */
  link?: { target: string; ino: number };
  /** False for a dangling symlink: nothing can be mounted on it, but the audit still sees it appear. */
  mountable: boolean;
}

export interface GuardScan {
  guarded: GuardedPath[];
  /** Real paths of the git directories the folder and its nested repositories use (they may live outside the folder). */
  gitDirs: string[];
  /** The scan stopped at a cap, so deeper files may be unguarded. */
  truncated: boolean;
  /** Every folder listed completely (relative path, '' for the folder itself) and the names it held. */
  listings: Map<string, Set<string>>;
}

/**
 * How deep below a folder the scan looks for nested package.json, Makefile,
 * .git … (1 = the folder's own entries): deep enough for monorepos'
 * `packages/@scope/name/package.json` and a repository vendored two folders
 * down; MAX_ENTRIES bounds the cost.
 */
export const GUARD_SCAN_DEPTH = 5;
/** Directory entries looked at per folder; a huge tree is not walked at every command. */
const MAX_ENTRIES = 4000;
/** Paths guarded per folder; every one costs a mount at each command's start. */
const MAX_GUARDS = 300;

/**
 * Directories whose contents are not scanned: dependencies and VCS data are
 * guarded whole or hold nothing a build tool reads as instructions, and
 * walking them would spend the entry budget on every command.
 */
const NO_DESCENT = new Set(['node_modules', '.git', '.hg', '.svn', 'target', '.venv', 'venv', '__pycache__']);

/** Top-level entries guarded whole although no rule names the directory itself. */
const WHOLE_DIRECTORIES = new Set(['.vscode', '.github/workflows', '.circleci', '.mvn']);

function classify(segments: readonly string[]): GuardedPath['kind'] | null {
  const folded = segments.map(foldSegment);
  if (folded.length === 1 && folded[0] === '.vscode') return 'protected';
  if (WHOLE_DIRECTORIES.has(folded.join('/'))) return 'sensitive';
  if (protectedPathReason(segments)) return 'protected';
  if (executionSensitivity(segments)) return 'sensitive';
  return null;
}

/**
 * Finds the existing files and folders under `root` that a command must not
 * change: the protected ones (`.git`, `.hearth`, `.vscode/`, `*.code-workspace`)
 * and the execution-sensitive ones (package.json, lockfiles, Makefile,
 * node_modules/ …), at the top level and in a bounded walk of nested folders
 * (monorepo packages have their own package.json). A matching folder is
 * guarded whole and not entered. Symlinks are guarded by name (the mount
 * follows them, so their target becomes read-only) and never walked into;
 * dangling ones are listed but not mountable.
 */
export async function findGuardedPaths(root: string): Promise<GuardScan> {
  const guarded: GuardedPath[] = [];
  const seen = new Set<string>();
  const gitDirs = new Set<string>();
  let truncated = false;
  let entries = 0;
  const listings = new Map<string, Set<string>>();
  const done = (): GuardScan => ({ guarded, gitDirs: [...gitDirs], truncated, listings });
  const nestedGitFolders: string[] = [];

  // Synchronous calls on purpose: this runs before every command, and a few
  // hundred cheap system calls in a row are several times faster than the
  // same calls through the thread pool, even on a loaded machine.
  const guard = (relative: string, kind: GuardedPath['kind']): void => {
    if (seen.has(relative)) return;
    if (guarded.length >= MAX_GUARDS) {
      truncated = true;
      return;
    }
    const full = path.join(root, relative);
    const lstat = tryFs(() => fs.lstatSync(full));
    if (!lstat) return;
    seen.add(relative);
    // stat follows symlinks: a dangling link cannot be a mount point.
    const mountable = !lstat.isSymbolicLink() || tryFs(() => fs.statSync(full)) !== null;
    const entry: GuardedPath = { path: full, relative, kind, mountable };
    if (lstat.isSymbolicLink()) {
      const target = tryFs(() => fs.readlinkSync(full));
      if (target !== null) entry.link = { target, ino: lstat.ino };
    }
    guarded.push(entry);
  };

  const rootEntries = tryFs(() => fs.readdirSync(root));
  const topLevel = new Set(rootEntries ?? []);
  // The documented top-level names first, so a cap never drops them.
  for (const relative of ['.git', '.hearth', '.vscode', ...EXECUTION_SENSITIVE_TOP_LEVEL]) {
    if (!topLevel.has(relative.split('/')[0])) continue;
    guard(relative, classify(relative.split('/')) ?? 'sensitive');
  }

  // Then a breadth-first walk, which also catches other spellings (`.GIT`, `PACKAGE.JSON`) and nested files.
  let level: string[] = [''];
  walk: for (let depth = 1; depth <= GUARD_SCAN_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dirRelative of level) {
      const dirents = tryFs(() => fs.readdirSync(path.join(root, dirRelative), { withFileTypes: true }));
      if (!dirents) continue;
      // The listing is complete even when the cap stops the walk inside it: the audit can then
      // tell every new name here from an old one (a cap must never make new paths look old).
      listings.set(dirRelative, new Set(dirents.map((d) => d.name)));
      for (const entry of dirents) {
        if (++entries > MAX_ENTRIES) {
          truncated = true;
          break walk;
        }
        const relative = dirRelative === '' ? entry.name : `${dirRelative}/${entry.name}`;
        const kind = classify(relative.split('/'));
        if (kind) {
          guard(relative, kind);
          if (foldSegment(entry.name) === '.git' && dirRelative !== '') nestedGitFolders.push(dirRelative);
          continue;
        }
        if (entry.isDirectory() && !NO_DESCENT.has(entry.name)) next.push(relative);
      }
    }
    level = next;
  }
  for (const folder of ['', ...nestedGitFolders]) {
    for (const dir of await resolveGitDirs(path.join(root, folder))) gitDirs.add(dir);
  }
  return done();
}

function tryFs<T>(call: () => T): T | null {
  try {
    return call();
  } catch {
    return null;
  }
}
