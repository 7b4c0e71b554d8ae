import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXECUTION_SENSITIVE_TOP_LEVEL, executionSensitivity } from '../executionSensitivePaths';
import { resolveGitDirs } from '../gitDirs';
import { foldSegment, protectedPathReason } from '../protectedPaths';
import { GuardScanCache, type DirectoryListing, type ListedEntry } from './guardScanCache';

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
  /**
   * Set for a folder guarded because git accepts it as a repository (HEAD,
   * objects/, refs/) although it is not called `.git`: a bare repository such
   * as `remote.git/`, whose hooks run when someone pushes to it and whose
   * config runs programs when git is run inside it.
   */
  gitDirectory?: true;
}

export interface GuardScan {
  guarded: GuardedPath[];
  /** Real paths of the git directories the folder and its nested repositories use (they may live outside the folder). */
  gitDirs: string[];
  /** The scan stopped at a cap, so deeper files may be unguarded. */
  truncated: boolean;
  /** Every folder listed completely (relative path, '' for the folder itself) and the names it held. */
  listings: Map<string, ReadonlySet<string>>;
}

/**
 * How deep below a folder the scan looks for nested package.json, Makefile,
 * .git … (1 = the folder's own entries): deep enough for monorepos'
 * `packages/@scope/name/package.json` and a repository vendored two folders
 * down; MAX_ENTRIES bounds the cost.
 */
export const GUARD_SCAN_DEPTH = 5;
/**
 * Below GUARD_SCAN_DEPTH the walk goes on, within the same entry budget, for
 * the protected paths alone (`.git`, a bare repository, `.hearth`): a git
 * directory runs its config and hooks outside the sandbox as soon as anyone
 * looks (VS Code's Git extension when a file there is opened, a shell prompt
 * that shows the branch), at any depth, and Java or vendored trees are deep.
 * This bounds only a chain of folders nested absurdly deep; reaching it makes
 * the scan truncated, so allow-listed commands ask.
 */
export const PROTECTED_SCAN_DEPTH = 64;
/**
 * Directory entries looked at per folder. Only the first scan of a folder
 * reads them all (about 100 ms for 30,000 files here); later scans reuse the
 * listings of directories that did not change (see GuardScanCache) and cost
 * one lstat per directory. 100,000 entries within five levels (outside
 * node_modules/, target/ and the other folders not entered) covers large
 * monorepos; a folder beyond it makes allow-listed commands ask (see
 * runCommandTool), so the budget is what keeps such commands unasked, not
 * what keeps them safe.
 */
export const MAX_ENTRIES = 100_000;
/**
 * Paths guarded per folder; every one costs at least one bwrap mount at each
 * command's start, and bwrap's cost grows faster than linearly with mounts
 * (measured with bubblewrap 0.8: about 0.1 s for 300 read-only binds, 0.9 s
 * for 1,000, 4.6 s for 2,000; it refuses more than 9,000 arguments, about
 * 3,000 mounts), so this stays where a command still starts quickly.
 */
export const MAX_GUARDS = 300;

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
 * dangling ones are listed but not mountable. With a `cache`, directories
 * that did not change since the last scan of `root` are not read again; the
 * guarded paths themselves are always looked at afresh.
 */
export async function findGuardedPaths(root: string, cache?: GuardScanCache): Promise<GuardScan> {
  const guarded: GuardedPath[] = [];
  const seen = new Set<string>();
  const gitDirs = new Set<string>();
  let truncated = false;
  let entries = 0;
  const listings = new Map<string, ReadonlySet<string>>();
  const done = (): GuardScan => ({ guarded, gitDirs: [...gitDirs], truncated, listings });
  const nestedGitFolders: string[] = [];

  // Synchronous calls on purpose: this runs before every command, and a few
  // hundred cheap system calls in a row are several times faster than the
  // same calls through the thread pool, even on a loaded machine.
  const guard = (relative: string, kind: GuardedPath['kind'], gitDirectory = false): void => {
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
    if (gitDirectory) entry.gitDirectory = true;
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
  // A listing records what the walk decided about each name, which depends on the path alone,
  // so a cached listing gives the same walk as a fresh one.
  const scan = (cache ?? new GuardScanCache()).begin(root);
  let level: string[] = [''];
  walk: for (let depth = 1; level.length > 0; depth++) {
    if (depth > PROTECTED_SCAN_DEPTH) {
      truncated = true;
      break;
    }
    const next: string[] = [];
    for (const dirRelative of level) {
      const listing = scan.list(dirRelative, (dirents) => readListing(dirRelative, dirents));
      if (!listing) continue;
      // The listing is complete even when the cap stops the walk inside it: the audit can then
      // tell every new name here from an old one (a cap must never make new paths look old).
      listings.set(dirRelative, listing.names);
      // A bare repository (or a git dir under another name) is guarded whole, like .git; the workspace
      // folder itself is left writable, since guarding it would make every command read-only.
      if (listing.gitDirectory && dirRelative !== '') {
        guard(dirRelative, 'protected', true);
        entries += listing.names.size;
        continue;
      }
      const budget = MAX_ENTRIES - entries;
      entries += listing.names.size;
      for (const entry of listing.entries) {
        if (entry.index >= budget) break;
        const relative = dirRelative === '' ? entry.name : `${dirRelative}/${entry.name}`;
        if (entry.kind) {
          guard(relative, entry.kind);
          if (foldSegment(entry.name) === '.git' && dirRelative !== '') nestedGitFolders.push(dirRelative);
          continue;
        }
        next.push(relative);
      }
      if (entries > MAX_ENTRIES) {
        truncated = true;
        break walk;
      }
    }
    level = next;
  }
  scan.end();
  for (const folder of ['', ...nestedGitFolders]) {
    for (const dir of await resolveGitDirs(path.join(root, folder))) gitDirs.add(dir);
  }
  return done();
}

/** What the walk does with each name in the directory `dirRelative`: guard it, walk into it, or nothing. */
function readListing(dirRelative: string, dirents: fs.Dirent[]): DirectoryListing {
  const names = new Set(dirents.map((d) => d.name));
  if (isGitDirectoryListing(dirents)) return { names, entries: [], gitDirectory: true };
  const entries: ListedEntry[] = [];
  dirents.forEach((entry, index) => {
    const relative = dirRelative === '' ? entry.name : `${dirRelative}/${entry.name}`;
    const segments = relative.split('/');
    const found = classify(segments);
    // Deeper than GUARD_SCAN_DEPTH only protected paths are guarded (see PROTECTED_SCAN_DEPTH).
    const kind = segments.length > GUARD_SCAN_DEPTH && found !== 'protected' ? null : found;
    if (kind) entries.push({ name: entry.name, index, kind });
    // Symlinks are never walked into: isDirectory() is false for them.
    else if (entry.isDirectory() && !NO_DESCENT.has(entry.name)) entries.push({ name: entry.name, index, kind: null });
  });
  return { names, entries, gitDirectory: false };
}

/**
 * Git's test for a repository directory (HEAD, objects/ and refs/), read from
 * the listing alone so the walk costs no extra system call; links count, as
 * git follows them. The file tools make the same test with stat calls (see
 * `protectedLocationReason`). A false positive only makes a folder read-only
 * for commands.
 */
function isGitDirectoryListing(dirents: readonly fs.Dirent[]): boolean {
  const has = (name: string, kind: 'file' | 'directory'): boolean =>
    dirents.some((d) => d.name === name && (d.isSymbolicLink() || (kind === 'file' ? d.isFile() : d.isDirectory())));
  return has('HEAD', 'file') && has('objects', 'directory') && has('refs', 'directory');
}

function tryFs<T>(call: () => T): T | null {
  try {
    return call();
  } catch {
    return null;
  }
}
