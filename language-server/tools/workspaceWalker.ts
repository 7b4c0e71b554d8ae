import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { GitignoreRules } from './gitignoreRules';
import { listPinned, openPinnedDir, openPinnedEntry, openPinnedSubdir, PathChangedError, type PinnedDir, type PinnedHandle } from './pinnedFiles';
import { ToolError } from './toolError';

export interface WalkedFile {
  readonly absolute: string;
  /** Relative to the workspace folder, `/`-separated. */
  readonly relativeToRoot: string;
  /**
   * Opens the file through the pinned folder the walk listed it in, without
   * following a symlink. Valid until the walk moves on to the next file.
   */
  open(): Promise<PinnedHandle>;
}

export interface WalkOptions {
  signal: AbortSignal;
  /** Stop after visiting this many entries (huge trees that .gitignore does not trim). */
  maxEntries?: number;
  /** Set to true when the walk stopped at `maxEntries`. */
  limits?: { truncated: boolean };
  /** Counts folders that were skipped because they changed (became a symlink) while the walk reached them. */
  changed?: { count: number };
  /**
   * Called with each folder the walk is about to list (before it lists it),
   * so a watcher can start watching it first: a file created after the
   * listing is then seen by the watcher, one created before by the walk.
   */
  onDirectory?: (relative: string, dir: PinnedDir) => void;
  /**
   * Applies the walk's own skipping rules to the start path too: nothing is
   * listed when it lies in `.git/` or in something .gitignore excludes, so a
   * walk of one path yields exactly what a walk of the whole folder would
   * yield there.
   */
  skipIgnoredStart?: boolean;
  /**
   * Called with each symlink the walk meets where it would yield a file (not
   * ignored, not in `.git/`), still never followed: `readLink` reads where it
   * points through the pinned folder. For checkpoints, which must put a
   * user's link back as it was.
   */
  onSymlink?: (relative: string, readLink: () => Promise<string>) => Promise<void>;
}

const DEFAULT_MAX_ENTRIES = 200_000;

/**
 * The walk gives the event loop a turn after this long: the entries of one
 * folder are listed at once, and matching each against the .gitignore
 * patterns is synchronous work (up to MAX_IGNORE_RULES patterns a path), so
 * a large folder under a long .gitignore would otherwise hold the language
 * server's thread, and every chat and completion request, until it is done.
 */
const WALK_SLICE_MS = 20;

/**
 * Lists the files under `startRelative` (a directory or a file) in one
 * workspace folder, depth first with names in byte order (the order of
 * `rg --sort path`), skipping `.git/` and whatever .gitignore excludes.
 * Symlinks are not followed, neither to files nor to directories, exactly
 * like ripgrep's default: a link can point outside the workspace, and the
 * confinement only vouches for paths it resolved itself.
 *
 * Every folder is pinned (pinnedFiles.ts): the root is opened and verified,
 * and each subfolder is opened through its pinned parent with O_NOFOLLOW, so
 * a folder swapped for a symlink between the listing and the descent is
 * skipped instead of followed; files are opened the same way by `open()`.
 */
export async function* walkFiles(rootPath: string, startRelative: string, options: WalkOptions): AsyncGenerator<WalkedFile> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  let visited = 0;
  let sliceStarted = performance.now();
  const parts = startRelative.split('/').filter((p) => p !== '');
  const opened: PinnedDir[] = [await openPinnedDir(rootPath, '.')];
  try {
    let rules = await GitignoreRules.forRoot(rootPath, opened[0].listPath);
    // Descend to the start folder one pinned component at a time.
    for (let i = 0; i < parts.length; i++) {
      const parent = opened[opened.length - 1];
      const rel = parts.slice(0, i + 1).join('/');
      const stat = await fs.lstat(parent.entryPath(parts[i]));
      if (options.skipIgnoredStart && (stat.isDirectory() ? parts[i] === '.git' || rules.isIgnored(rel, true) : rules.isIgnored(rel, false))) return;
      if (stat.isFile() && i === parts.length - 1) {
        yield { absolute: path.join(rootPath, rel), relativeToRoot: rel, open: () => openPinnedEntry(parent, parts[i], rel) };
        return;
      }
      if (stat.isSymbolicLink() && i === parts.length - 1 && options.onSymlink) {
        await options.onSymlink(rel, () => fs.readlink(parent.entryPath(parts[i])));
        return;
      }
      if (!stat.isDirectory()) return;
      opened.push(await openPinnedSubdir(parent, parts[i], rel));
      rules = await rules.enter(rel, opened[opened.length - 1].listPath);
    }
    yield* walkDir(opened[opened.length - 1], parts.join('/'), rules);
  } finally {
    for (const dir of opened.reverse()) await dir.close();
  }

  /**
   * Lists one folder for the walk: null when it cannot be listed (skipped,
   * as ripgrep does; a folder replaced meanwhile is counted). A folder the
   * walk opened itself (`owned`) is closed when it is not returned.
   */
  async function listed(dir: PinnedDir, dirRelative: string, rules: GitignoreRules, owned: boolean): Promise<Frame | null> {
    let entries: Dirent[] | null = null;
    try {
      if (options.signal.aborted) throw new ToolError('The search was cancelled.', 'cancelled');
      options.onDirectory?.(dirRelative, dir);
      entries = await listPinned(dir, dirRelative === '' ? '.' : dirRelative);
    } catch (e) {
      if (e instanceof ToolError) {
        if (owned) await dir.close();
        throw e;
      }
      if (e instanceof PathChangedError && options.changed) options.changed.count++;
    }
    if (!entries) {
      if (owned) await dir.close();
      return null;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { dir, dirRelative, rules, entries, next: 0, owned };
  }

  /**
   * Depth first with an explicit stack of open folders rather than one
   * generator per level: nested generators resume through every level on
   * the call stack, so a repository with a 2,000-folder-deep path (Git
   * checks out anything shorter than PATH_MAX) overflowed it, which failed
   * the whole walk (no codebase index, no glob) and left every folder on the
   * way open until garbage collection.
   */
  async function* walkDir(start: PinnedDir, startRelative: string, startRules: GitignoreRules): AsyncGenerator<WalkedFile> {
    const stack: Frame[] = [];
    try {
      const first = await listed(start, startRelative, startRules, false);
      if (first) stack.push(first);
      while (stack.length > 0) {
        const frame = stack[stack.length - 1];
        if (frame.next >= frame.entries.length) {
          stack.pop();
          if (frame.owned) await frame.dir.close();
          continue;
        }
        const entry = frame.entries[frame.next++];
        if (performance.now() - sliceStarted > WALK_SLICE_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          sliceStarted = performance.now();
        }
        if (++visited > maxEntries) {
          if (options.limits) options.limits.truncated = true;
          return;
        }
        const rel = frame.dirRelative === '' ? entry.name : `${frame.dirRelative}/${entry.name}`;
        if (entry.isSymbolicLink()) {
          if (options.onSymlink && !frame.rules.isIgnored(rel, false)) {
            const dir = frame.dir;
            await options.onSymlink(rel, () => fs.readlink(dir.entryPath(entry.name)));
          }
          continue;
        }
        if (entry.isDirectory()) {
          if (entry.name === '.git' || frame.rules.isIgnored(rel, true)) continue;
          let sub: PinnedDir;
          try {
            sub = await openPinnedSubdir(frame.dir, entry.name, rel);
          } catch (e) {
            // Swapped for a symlink (or removed) since it was listed: skipped, never followed.
            if (e instanceof PathChangedError && options.changed) options.changed.count++;
            continue;
          }
          let rules: GitignoreRules;
          try {
            rules = await frame.rules.enter(rel, sub.listPath);
          } catch (e) {
            await sub.close();
            throw e;
          }
          const child = await listed(sub, rel, rules, true);
          if (child) stack.push(child);
        } else if (entry.isFile()) {
          if (frame.rules.isIgnored(rel, false)) continue;
          const dir = frame.dir;
          yield { absolute: path.join(rootPath, rel), relativeToRoot: rel, open: () => openPinnedEntry(dir, entry.name, rel) };
        }
      }
    } finally {
      // Cancelled, stopped early or failed: the folders still open are closed, deepest first.
      for (const frame of stack.reverse()) if (frame.owned) await frame.dir.close();
    }
  }
}

/** One folder of a walk in progress: its sorted entries and the next one to visit. */
interface Frame {
  readonly dir: PinnedDir;
  readonly dirRelative: string;
  readonly rules: GitignoreRules;
  readonly entries: Dirent[];
  next: number;
  /** Opened by the walk below its start folder, so the walk closes it. */
  readonly owned: boolean;
}

