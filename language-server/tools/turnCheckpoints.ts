import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { openPinnedDir, openPinnedDirCreating, PathChangedError } from './pinnedFiles';
import { writeFileAtomically } from './writeFileAtomically';
import { fileErrorReason, isPlainFileError } from './fileErrorReason';
import { ToolError } from './toolError';

/** One line of a turn's manifest. */
type ManifestEntry =
  /** A file as it was before the turn first changed it. */
  | { kind: 'file'; path: string; existed: true; mode: number; size: number; blob: string }
  /** A file the turn created. */
  | { kind: 'file'; path: string; existed: false }
  /** A directory the turn created (removed again on undo when empty). */
  | { kind: 'dir'; path: string };

export interface RestoredFile {
  path: string;
  /** `restored`: content and mode put back; `removed`: a file the turn created was deleted; `removedDir`: an empty directory it created was deleted. */
  action: 'restored' | 'removed' | 'removedDir' | 'unchanged';
}

export interface UndoReport {
  turnId: string;
  restored: RestoredFile[];
  failed: { path: string; error: string }[];
}

/** What one tool call changed in one file (see `recordChange`). */
export interface RecordedChange {
  toolName: string;
  relativePath: string;
  /** null: the call created the file. */
  before: string | null;
  after: string;
}

const MANIFEST = 'manifest.jsonl';
/** Not a turn directory: `listTurns` skips it because it has no turn.json. */
const CHANGES = 'changes';

/** Ids come from the client and the model and must never be able to name paths. */
function hashOf(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 32);
}
const TURN_INFO = 'turn.json';

/**
 * Durable per-turn checkpoints of every file the agent changes, so "Undo this
 * turn's changes" restores the files exactly, even after VS Code or the
 * language server restarted (BRIEF invariant 6).
 *
 * Layout: one directory per turn under `storageDir`, named by a hash of the
 * turn id (ids come from the client and must not be able to name paths),
 * holding `turn.json`, an append-only `manifest.jsonl` and one blob per
 * checkpointed file. A blob is copied and fsynced before its manifest line is
 * appended and fsynced, and both happen before the agent's write, so after a
 * crash the manifest never names a blob that is not there. Only the last
 * manifest line can be torn by a crash, and an unreadable line is skipped.
 */
export class TurnCheckpoints {
  /** Paths already checkpointed, per turn: the first state of a file is the one to restore. */
  private readonly recorded = new Map<string, Set<string>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly storageDir: string) {}

  /**
   * Records `filePath`'s current state (bytes and mode, or "did not exist")
   * unless this turn already recorded it. Call before every change. `known`
   * is the state the caller already read through a verified descriptor
   * (null: the file does not exist); passing it keeps the checkpoint from
   * reading the path by name again, where a symlink swapped in meanwhile
   * would put an outside file's bytes into the checkpoint, and undo would
   * then write them into the workspace.
   */
  recordFile(turnId: string, filePath: string, known?: { bytes: Buffer; mode: number } | null): Promise<void> {
    return this.serialize(() => this.keepingForUndo(() => this.recordFileUnlocked(turnId, filePath, known)));
  }

  private async recordFileUnlocked(turnId: string, filePath: string, known?: { bytes: Buffer; mode: number } | null): Promise<void> {
    const seen = await this.recordedPaths(turnId);
    const key = `file:${filePath}`;
    if (seen.has(key)) return;
    const dir = await this.ensureTurnDir(turnId);
    let entry: ManifestEntry;
    if (known !== undefined) {
      if (known === null) entry = { kind: 'file', path: filePath, existed: false };
      else {
        const blob = `${String(seen.size).padStart(6, '0')}-${randomBytes(4).toString('hex')}.bin`;
        await writeBlob(path.join(dir, blob), () => fs.writeFile(path.join(dir, blob), known.bytes));
        entry = { kind: 'file', path: filePath, existed: true, mode: known.mode, size: known.bytes.length, blob };
      }
      await appendDurably(path.join(dir, MANIFEST), entry);
      seen.add(key);
      return;
    }
    let stat;
    try {
      stat = await fs.lstat(filePath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (!stat) {
      entry = { kind: 'file', path: filePath, existed: false };
    } else {
      if (!stat.isFile()) throw new Error(`${filePath} is not a regular file, so it cannot be checkpointed`);
      const blob = `${String(seen.size).padStart(6, '0')}-${randomBytes(4).toString('hex')}.bin`;
      await writeBlob(path.join(dir, blob), () => fs.copyFile(filePath, path.join(dir, blob)));
      entry = { kind: 'file', path: filePath, existed: true, mode: stat.mode & 0o7777, size: stat.size, blob };
    }
    await appendDurably(path.join(dir, MANIFEST), entry);
    seen.add(key);
  }

  /**
   * Runs a checkpoint write; a full disk or a storage folder Hearth may not
   * write becomes a refusal that says so plainly. Checkpoints are written
   * before the change, so the file is then left as it was.
   */
  private async keepingForUndo(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      if (!isPlainFileError(e)) throw e;
      throw new ToolError(
        `Nothing was changed: Hearth could not keep the copy that lets the user undo this change in ${this.storageDir}, because ${fileErrorReason(e)}. ` +
          'Tell the user to free some disk space (or make that folder writable) and then try again.',
        'checkpoint failed',
      );
    }
  }

  /** Records that the turn is about to create `dirPath`, so undo can remove it again. */
  recordCreatedDir(turnId: string, dirPath: string): Promise<void> {
    return this.serialize(() => this.keepingForUndo(async () => {
      const seen = await this.recordedPaths(turnId);
      const key = `dir:${dirPath}`;
      if (seen.has(key)) return;
      const dir = await this.ensureTurnDir(turnId);
      await appendDurably(path.join(dir, MANIFEST), { kind: 'dir', path: dirPath });
      seen.add(key);
    }));
  }

  /**
   * Keeps what one tool call changed (the file before and after), so the
   * chat's "+N −M path" can open that change in the diff editor later, also
   * after a restart. Stored beside the turn's checkpoints, in a folder of its
   * own so undo, which only reads the manifest, never sees it; written after
   * the change (it is a record, not a checkpoint), and deleted with the turn.
   */
  recordChange(turnId: string, callId: string, change: RecordedChange): Promise<void> {
    return this.serialize(async () => {
      const dir = path.join(this.storageDir, CHANGES, this.turnKey(turnId));
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, `${hashOf(callId)}.json`), JSON.stringify(change));
    });
  }

  /** The change one tool call made, or undefined when none was recorded (or its turn was deleted). */
  async readChange(turnId: string, callId: string): Promise<RecordedChange | undefined> {
    try {
      const raw = JSON.parse(await fs.readFile(path.join(this.storageDir, CHANGES, this.turnKey(turnId), `${hashOf(callId)}.json`), 'utf8')) as Partial<RecordedChange>;
      if (typeof raw.relativePath !== 'string' || typeof raw.after !== 'string' || (raw.before !== null && typeof raw.before !== 'string') || typeof raw.toolName !== 'string') return undefined;
      return { toolName: raw.toolName, relativePath: raw.relativePath, before: raw.before, after: raw.after };
    } catch {
      return undefined;
    }
  }

  /** Turn ids that have checkpoints on disk (turns whose changes can be undone). */
  async listTurns(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.storageDir);
    } catch {
      return [];
    }
    const ids: string[] = [];
    for (const name of names) {
      try {
        const info = JSON.parse(await fs.readFile(path.join(this.storageDir, name, TURN_INFO), 'utf8')) as { turnId?: unknown };
        if (typeof info.turnId === 'string') ids.push(info.turnId);
      } catch {
        // Not a turn directory, or one being created: skip it.
      }
    }
    return ids;
  }

  /** The files a turn changed (for the chat's "Undo this turn's changes" button). */
  async changedFiles(turnId: string): Promise<string[]> {
    const entries = await readManifest(this.turnDir(turnId));
    return entries.filter((e) => e.kind === 'file').map((e) => e.path);
  }

  /**
   * Restores every file the turn changed to its state before the turn: content
   * byte for byte and mode; files the turn created are removed, and then the
   * directories it created if they are empty. Entries are undone newest first,
   * so a path recorded twice ends in its oldest state. On full success the
   * checkpoints are deleted; on partial failure they are kept so undo can be
   * retried.
   *
   * With `openFolders`, a change in a folder that is no longer one of them is
   * left as it is and reported: the user removed that folder from the window
   * (to keep Hearth out of it, or because it is another project now), and a
   * checkpoint's Restore does not touch such a folder either. Adding the
   * folder again lets Undo be tried again.
   */
  undoTurn(turnId: string, openFolders?: readonly string[]): Promise<UndoReport> {
    return this.serialize(async () => {
      const report: UndoReport = { turnId, restored: [], failed: [] };
      const dir = this.turnDir(turnId);
      const entries = await readManifest(dir);
      const open = openFolders && (await Promise.all(openFolders.map((f) => fs.realpath(f).catch(() => null)))).filter((f): f is string => f !== null);
      const closed = (p: string) => open !== undefined && !open.some((root) => p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
      const files = entries.filter((e): e is Extract<ManifestEntry, { kind: 'file' }> => e.kind === 'file').reverse();
      const dirs = entries.filter((e) => e.kind === 'dir').reverse();
      for (const entry of files) {
        if (closed(entry.path)) {
          report.failed.push({ path: entry.path, error: 'its workspace folder is no longer open in the window, so it was left as it is; add the folder again to undo this change' });
          continue;
        }
        try {
          await assertNoSymlinkedParent(entry.path);
          if (entry.existed) {
            await restoreFile(entry.path, path.join(dir, entry.blob), entry.mode);
            report.restored.push({ path: entry.path, action: 'restored' });
          } else {
            const removed = await removeFileIfPresent(entry.path);
            report.restored.push({ path: entry.path, action: removed ? 'removed' : 'unchanged' });
          }
        } catch (e) {
          report.failed.push({ path: entry.path, error: fileErrorReason(e) });
        }
      }
      for (const entry of dirs) {
        // Said once, with the files: a folder the reply made is left with them.
        if (closed(entry.path)) continue;
        try {
          await removeEmptyDir(entry.path);
          report.restored.push({ path: entry.path, action: 'removedDir' });
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          // A directory that now holds the user's own files is left alone on purpose.
          if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') report.failed.push({ path: entry.path, error: fileErrorReason(e) });
        }
      }
      // The record of each change stays: the chat can still show what the reply had done.
      if (report.failed.length === 0) await this.discardUnlocked(turnId, false);
      return report;
    });
  }

  /** Deletes a turn's checkpoints (for example when the session is deleted). */
  discardTurn(turnId: string): Promise<void> {
    return this.serialize(() => this.discardUnlocked(turnId, true));
  }

  private async discardUnlocked(turnId: string, withChanges: boolean): Promise<void> {
    await fs.rm(this.turnDir(turnId), { recursive: true, force: true });
    if (withChanges) await fs.rm(path.join(this.storageDir, CHANGES, this.turnKey(turnId)), { recursive: true, force: true });
    this.recorded.delete(turnId);
  }

  private turnDir(turnId: string): string {
    return path.join(this.storageDir, this.turnKey(turnId));
  }

  private turnKey(turnId: string): string {
    return `turn-${hashOf(turnId)}`;
  }

  private async ensureTurnDir(turnId: string): Promise<string> {
    const dir = this.turnDir(turnId);
    try {
      await fs.access(path.join(dir, TURN_INFO));
    } catch {
      await fs.mkdir(dir, { recursive: true });
      // Written aside and renamed: a full disk must not leave a torn turn.json, which would hide the turn from listTurns.
      const temp = path.join(dir, `${TURN_INFO}.${randomBytes(4).toString('hex')}.tmp`);
      await writeBlob(temp, () => fs.writeFile(temp, JSON.stringify({ turnId, createdAt: new Date().toISOString() })));
      await fs.rename(temp, path.join(dir, TURN_INFO));
      await fsyncPath(dir);
      await fsyncPath(this.storageDir);
    }
    return dir;
  }

  /** What this turn already recorded, read back from disk once (a restarted process continues the same manifest). */
  private async recordedPaths(turnId: string): Promise<Set<string>> {
    let seen = this.recorded.get(turnId);
    if (!seen) {
      seen = new Set((await readManifest(this.turnDir(turnId))).map((e) => `${e.kind}:${e.path}`));
      this.recorded.set(turnId, seen);
    }
    return seen;
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

async function readManifest(dir: string): Promise<ManifestEntry[]> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, MANIFEST), 'utf8');
  } catch {
    return [];
  }
  const entries: ManifestEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const entry = JSON.parse(line) as ManifestEntry;
      if ((entry.kind === 'file' || entry.kind === 'dir') && typeof entry.path === 'string') entries.push(entry);
    } catch {
      // A line torn by a crash while appending; everything before it is intact.
    }
  }
  return entries;
}

/**
 * Appends one manifest line and syncs it. A full disk can leave part of a
 * line without its newline; the next line would be glued to it and both
 * lost on reading (and with it the checkpoint of a file the tool then
 * changes), so a torn last line is ended first and reading skips it alone.
 */
async function appendDurably(file: string, entry: ManifestEntry): Promise<void> {
  const handle = await fs.open(file, 'a+');
  try {
    const { size } = await handle.stat();
    const last = Buffer.alloc(1);
    if (size > 0 && (await handle.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] !== 0x0a) await handle.appendFile('\n');
    await handle.appendFile(JSON.stringify(entry) + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a checkpoint's copy of a file (`write`) and syncs it; a copy the disk could not hold whole is removed again. */
async function writeBlob(file: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (e) {
    await fs.rm(file, { force: true });
    throw e;
  }
  await fsyncPath(file);
}

async function fsyncPath(p: string): Promise<void> {
  let handle;
  try {
    handle = await fs.open(p, 'r');
    await handle.sync();
  } catch {
    // Some platforms cannot fsync directories; the data itself was synced.
  } finally {
    await handle?.close();
  }
}

/**
 * Refuses to restore through a directory that became a symlink after the turn
 * (something replaced `src/` with a link elsewhere): the checkpoint was taken
 * at a real path, and following a new link could write outside the workspace.
 */
async function assertNoSymlinkedParent(filePath: string): Promise<void> {
  let dir = path.dirname(filePath);
  for (;;) {
    try {
      const real = await fs.realpath(dir);
      if (real !== dir) throw new Error(`${dir} is now a symlink (to ${real}); not restoring through it`);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      const parent = path.dirname(dir);
      if (parent === dir) return;
      dir = parent;
    }
  }
}

/**
 * Puts the checkpointed bytes back through the pinned parent folder
 * (pinnedFiles.ts), creating missing folders one pinned level at a time: a
 * folder swapped for a symlink after `assertNoSymlinkedParent` looked cannot
 * redirect the restore, and a crash never leaves a half-restored file.
 */
async function restoreFile(target: string, blob: string, mode: number): Promise<void> {
  const parent = path.dirname(target);
  const missing: string[] = [];
  for (let dir = parent; !(await fs.lstat(dir).catch(() => null)); dir = path.dirname(dir)) {
    if (path.dirname(dir) === dir) break;
    missing.unshift(dir);
  }
  const dir = await openPinnedDirCreating(parent, missing, target, async () => undefined);
  try {
    const current = await fs.lstat(dir.entryPath(path.basename(target))).catch(() => null);
    if (current?.isDirectory()) throw new Error(`${target} is now a directory; not replacing it`);
    // Restoring: a symlink the turn (or anything since) put at the name is replaced, never followed, and a file
    // given other hard links since is replaced by name, so those names keep what they hold (see writeFileAtomically).
    await writeFileAtomically(dir, path.basename(target), await fs.readFile(blob), target, mode, { restoring: true });
  } finally {
    await dir.close();
  }
}

/** Removes a file the turn created, through its pinned folder, so a swapped folder cannot make it remove a file elsewhere. */
async function removeFileIfPresent(target: string): Promise<boolean> {
  const dir = await openPinnedDir(path.dirname(target), target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (!dir) return false;
  try {
    const entry = dir.entryPath(path.basename(target));
    const current = await fs.lstat(entry).catch(() => null);
    if (!current) return false;
    if (current.isDirectory()) throw new Error(`${target} is now a directory; not removing it`);
    await fs.unlink(entry);
    return true;
  } finally {
    await dir.close();
  }
}

/**
 * Removes a folder the turn created, through its pinned parent: `rmdir` by
 * name would follow a parent folder swapped for a symlink since, and remove
 * an empty folder of the same name wherever that link points.
 */
async function removeEmptyDir(target: string): Promise<void> {
  const parent = await openPinnedDir(path.dirname(target), target).catch((e: NodeJS.ErrnoException) => {
    if (e instanceof PathChangedError) throw new Error(`${path.dirname(target)} is no longer the folder the reply made it in (it became a symlink or was moved), so ${path.basename(target)} was not removed through it`);
    throw e;
  });
  try {
    await fs.rmdir(parent.entryPath(path.basename(target)));
  } finally {
    await parent.close();
  }
}
