import { constants as fsConstants, type Dirent, type Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ToolError } from './toolError';

/**
 * Opening exactly the file the confinement checked.
 *
 * Checking a path and then opening it by name again is a race: between the
 * two, anything that runs beside the agent (a command it started, a watcher,
 * a second tool call) can swap a file or a directory on the way for a symlink
 * to a file outside the workspace. So every file tool opens first and checks
 * what it opened:
 *
 * - The final component is opened with O_NOFOLLOW (a symlink there fails the
 *   open instead of being followed), directories also with O_DIRECTORY.
 * - On Linux the descriptor's real path is read back from
 *   `/proc/self/fd/N` (the kernel's own record of what was opened) and must
 *   equal the path that was checked. Entries of a pinned directory are then
 *   reached through `/proc/self/fd/N/name`: the kernel resolves that magic
 *   link to the directory it already opened, whatever the name on disk points
 *   to now, so a walk or a write can never be redirected above that level.
 * - Elsewhere (macOS, Windows, a Linux without /proc) the weaker fallback
 *   compares the descriptor's device and inode with what the checked path
 *   names after the open, and the path's real path with the checked one, and
 *   entries are reached by name below the checked directory. A swap that
 *   wins both races in the right order can still get through there.
 */

/** Whether descriptors can be pinned through /proc/self/fd on this machine. */
let procPinning: Promise<boolean> | undefined;

/**
 * Makes this process use the portable fallback even on Linux, so tests can
 * exercise the path that macOS and Windows take. Not for production use.
 */
export function usePortablePinningForTests(portable: boolean): void {
  procPinning = portable ? Promise.resolve(false) : undefined;
}

export function hasProcPinning(): Promise<boolean> {
  procPinning ??= (async () => {
    if (process.platform !== 'linux') return false;
    try {
      const handle = await fs.open(process.execPath, 'r');
      try {
        return (await fs.readlink(`/proc/self/fd/${handle.fd}`)) === (await fs.realpath(process.execPath));
      } finally {
        await handle.close();
      }
    } catch {
      return false;
    }
  })();
  return procPinning;
}

const O_NOFOLLOW = fsConstants.O_NOFOLLOW ?? 0;
const O_DIRECTORY = fsConstants.O_DIRECTORY ?? 0;
const O_NONBLOCK = fsConstants.O_NONBLOCK ?? 0;

/** The file or directory named by a checked path is no longer the one that was checked. */
export class PathChangedError extends ToolError {
  constructor(display: string, detail: string) {
    super(
      `${display} changed while it was being opened (${detail}), so the agent did not use it. ` +
        'Something is replacing files or folders in the workspace right now; wait for it to finish and try again.',
      'file changed',
    );
  }
}

/** An open descriptor whose identity was verified against the checked path. */
export interface PinnedHandle {
  readonly handle: fs.FileHandle;
  /** The checked real path the descriptor was verified against. */
  readonly path: string;
  /** `fstat` of the descriptor right after opening. */
  readonly stat: Stats;
  close(): Promise<void>;
}

/** A pinned directory: entries are opened relative to what was opened, not by name from the root. */
export interface PinnedDir extends PinnedHandle {
  /** The path through which an entry of this very directory is reached (see the module comment). */
  entryPath(name: string): string;
  /** The path through which the directory itself is listed. */
  readonly listPath: string;
}

function lastComponentError(e: unknown, display: string): never {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ELOOP' || code === 'EMLINK') throw new PathChangedError(display, 'it is now a symlink');
  throw e;
}

async function verifyOpened(handle: fs.FileHandle, expected: string, display: string): Promise<Stats> {
  const stat = await handle.stat();
  if (await hasProcPinning()) {
    const real = await fs.readlink(`/proc/self/fd/${handle.fd}`);
    if (real !== expected) throw new PathChangedError(display, 'a folder on its path was replaced or moved');
    return stat;
  }
  // The fallback: what the checked path names now must be what was opened, and the path must still be real.
  const now = await fs.stat(expected).catch(() => null);
  const real = await fs.realpath(expected).catch(() => null);
  if (!now || now.dev !== stat.dev || now.ino !== stat.ino || real !== expected) throw new PathChangedError(display, 'it was replaced while it was opened');
  return stat;
}

function makeDir(handle: fs.FileHandle, checked: string, stat: Stats, proc: boolean): PinnedDir {
  const base = proc ? `/proc/self/fd/${handle.fd}` : checked;
  return {
    handle,
    path: checked,
    stat,
    listPath: base,
    entryPath: (name) => path.join(base, name),
    close: () => handle.close(),
  };
}

function makeFile(handle: fs.FileHandle, checked: string, stat: Stats): PinnedHandle {
  return { handle, path: checked, stat, close: () => handle.close() };
}

/**
 * Opens the directory at the checked real path `absolute` and verifies it is
 * that directory. A symlink or a non-directory there is refused.
 */
export async function openPinnedDir(absolute: string, display: string): Promise<PinnedDir> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(absolute, fsConstants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'ELOOP') throw new PathChangedError(display, 'it is no longer a folder');
    throw e;
  }
  try {
    const stat = await verifyOpened(handle, absolute, display);
    if (!stat.isDirectory()) throw new PathChangedError(display, 'it is no longer a folder');
    return makeDir(handle, absolute, stat, await hasProcPinning());
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/**
 * Opens the entry `name` of a pinned directory for reading, without
 * following a symlink there. Non-blocking, so a FIFO cannot hang the tool;
 * the caller checks the type on `stat`.
 */
export async function openPinnedEntry(dir: PinnedDir, name: string, display: string): Promise<PinnedHandle> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(dir.entryPath(name), fsConstants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (e) {
    lastComponentError(e, display);
  }
  try {
    return makeFile(handle, path.join(dir.path, name), await verifyOpened(handle, path.join(dir.path, name), display));
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** Opens the subdirectory `name` of a pinned directory, refusing a symlink there. */
export async function openPinnedSubdir(dir: PinnedDir, name: string, display: string): Promise<PinnedDir> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(dir.entryPath(name), fsConstants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'ELOOP') throw new PathChangedError(display, 'it is no longer a folder');
    throw e;
  }
  try {
    const checked = path.join(dir.path, name);
    const stat = await verifyOpened(handle, checked, display);
    return makeDir(handle, checked, stat, await hasProcPinning());
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** Opens the checked real path `absolute` (a file or a directory) for reading, verified. */
export async function openPinnedPath(absolute: string, display: string): Promise<PinnedHandle> {
  const parent = await openPinnedDir(path.dirname(absolute), display);
  try {
    return await openPinnedEntry(parent, path.basename(absolute), display);
  } finally {
    await parent.close();
  }
}

/**
 * Opens `relative` (a `/`-separated path with no symlinks expected) below a
 * pinned directory one component at a time, each without following a symlink.
 */
export async function openPinnedBelow(dir: PinnedDir, relative: string, display: string): Promise<PinnedHandle> {
  const parts = relative.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) throw new ToolError(`${display} is a folder.`, 'is a directory');
  let current = dir;
  try {
    for (const part of parts.slice(0, -1)) {
      const next = await openPinnedSubdir(current, part, display);
      if (current !== dir) await current.close();
      current = next;
    }
    return await openPinnedEntry(current, parts[parts.length - 1], display);
  } finally {
    if (current !== dir) await current.close();
  }
}

/**
 * Opens the directory `absolute`, creating the `missing` directories (the
 * ones that do not exist yet down to `absolute`, outermost first) one at a time inside the pinned parent,
 * so a folder swapped for a symlink while they are created is refused rather
 * than followed. `onCreate` runs before each mkdir (to checkpoint it).
 */
export async function openPinnedDirCreating(absolute: string, missing: readonly string[], display: string, onCreate: (dir: string) => Promise<void>): Promise<PinnedDir> {
  const existing = missing.length > 0 ? path.dirname(missing[0]) : absolute;
  let current = await openPinnedDir(existing, display);
  try {
    // `missing` ends with `absolute` itself when it does not exist yet.
    for (const name of missing.map((m) => path.basename(m))) {
      await onCreate(path.join(current.path, name));
      await fs.mkdir(current.entryPath(name)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
      const next = await openPinnedSubdir(current, name, display);
      await current.close();
      current = next;
    }
    return current;
  } catch (e) {
    await current.close();
    throw e;
  }
}

/**
 * Reads at most `maxBytes` from the start of a pinned file. The buffer is
 * sized from the descriptor's `stat` (one byte past it, so a caller that asks
 * for one byte more than its cap can tell a file that grew after the stat),
 * never from what the file holds now, so a file that keeps growing cannot
 * make the read unbounded.
 */
export async function readPinnedPrefix(file: PinnedHandle, maxBytes: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.max(0, Math.min(file.stat.size + 1, maxBytes)));
  const { bytesRead } = await file.handle.read(buffer, 0, buffer.length, 0);
  return buffer.subarray(0, bytesRead);
}

/** Uses an opened and verified entry that turned out to be a folder as a pinned folder. */
export async function asPinnedDir(entry: PinnedHandle): Promise<PinnedDir> {
  if (!entry.stat.isDirectory()) throw new Error(`${entry.path} is not a folder`);
  return makeDir(entry.handle, entry.path, entry.stat, await hasProcPinning());
}

/** Whether a pinned folder is still at the path it was checked at (it may have been renamed since). */
export async function stillAt(dir: PinnedDir): Promise<boolean> {
  if (await hasProcPinning()) return (await fs.readlink(`/proc/self/fd/${dir.handle.fd}`).catch(() => null)) === dir.path;
  const now = await fs.stat(dir.path).catch(() => null);
  const real = await fs.realpath(dir.path).catch(() => null);
  return !!now && now.dev === dir.stat.dev && now.ino === dir.stat.ino && real === dir.path;
}

/**
 * Lists a pinned folder. On Linux this reads the opened folder itself; the
 * fallback lists by name and checks the folder's identity before and after,
 * which narrows the race to a swap and a swap back in between.
 */
export async function listPinned(dir: PinnedDir, display: string): Promise<Dirent[]> {
  if (await hasProcPinning()) return fs.readdir(dir.listPath, { withFileTypes: true });
  if (!(await stillAt(dir))) throw new PathChangedError(display, 'it was replaced while it was listed');
  const entries = await fs.readdir(dir.listPath, { withFileTypes: true });
  if (!(await stillAt(dir))) throw new PathChangedError(display, 'it was replaced while it was listed');
  return entries;
}
