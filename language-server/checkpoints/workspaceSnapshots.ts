import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { walkFiles } from '../tools/workspaceWalker';
import { openPinnedDir, openPinnedDirCreating, readPinned } from '../tools/pinnedFiles';
import { writeFileAtomically } from '../tools/writeFileAtomically';
import { protectedPathReason } from '../tools/protectedPaths';

/** A file as a snapshot holds it: its content's SHA-256, permission bits and size. */
type FileState = [hash: string, mode: number, size: number];

/** One checkpoint: the state of every file the workspace walk reaches. */
export interface Snapshot {
  v: 1;
  id: string;
  at: number;
  /** The workspace folders (real paths); a file's key is `<index of its folder>/<path in it>`. */
  roots: string[];
  files: Record<string, FileState>;
  /** Files left out (too large): a restore leaves them alone in both directions. */
  skipped: string[];
  /** The walk stopped at a cap: files missing from the snapshot are then not deleted by a restore. */
  truncated: boolean;
}

export interface SnapshotLimits {
  /** Files larger than this are not copied (and a restore leaves them alone). */
  maxFileBytes: number;
  /** At most this many files per snapshot. */
  maxFiles: number;
  /** At most this many bytes of changed files read per snapshot (the first one reads everything). */
  maxReadBytes: number;
  /** The store's size cap: past it, the oldest checkpoints are deleted. */
  maxStoreBytes: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = { maxFileBytes: 5 * 1024 * 1024, maxFiles: 20_000, maxReadBytes: 512 * 1024 * 1024, maxStoreBytes: 1024 * 1024 * 1024 };

export interface RestoreReport {
  written: string[];
  deleted: string[];
  /** Paths a restore did not put back, with the reason (a folder became a symlink, a file too large to keep, …). */
  failed: { path: string; error: string }[];
}

/** Keys are `<root index>/<relative path>`; ids and keys from a stored file are checked before use. */
const KEY = /^(\d+)\/(.+)$/;
const HASH = /^[0-9a-f]{64}$/;
const ID = /^[0-9a-f-]{36}$/;

/**
 * Checkpoints of the workspace's files, stored under the extension's storage
 * (never in the workspace): a content-addressed object store (one file per
 * distinct content, named by its SHA-256) and one small JSON manifest per
 * checkpoint. Only what the workspace walk reaches is kept — the same walk as
 * glob, grep and the indexes: `.gitignore`d paths and `.git/` are skipped,
 * symlinks are never followed, every file is read through a verified
 * descriptor — minus the protected set (Hearth's and VS Code's settings), so
 * a restore can never change the approval policy. Files above a size cap are
 * left out and left alone.
 *
 * A snapshot re-reads only files whose size, mtime, ctime or inode changed
 * since the previous one (a stat cache in memory), so a checkpoint after
 * each tool call costs one walk. A restore writes through pinned folders
 * with `writeFileAtomically`, checks each object's hash before writing it,
 * and deletes only files the snapshot taken just before the restore holds:
 * it never touches anything outside the workspace folders.
 */
export class WorkspaceSnapshots {
  private readonly objectsDir: string;
  private readonly manifestsDir: string;
  private readonly statCache = new Map<string, { ino: number; size: number; mtimeMs: number; ctimeMs: number; hash: string }>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    storageDir: string,
    private readonly roots: () => string[],
    private readonly limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS,
  ) {
    this.objectsDir = path.join(storageDir, 'objects');
    this.manifestsDir = path.join(storageDir, 'snapshots');
  }

  /** Takes a checkpoint of the workspace now and returns it (stored before this resolves). */
  take(signal: AbortSignal = new AbortController().signal): Promise<Snapshot> {
    return this.serialize(async () => {
      const snapshot = await this.walk(signal);
      await fs.mkdir(this.manifestsDir, { recursive: true });
      await writeDurably(path.join(this.manifestsDir, `${snapshot.id}.json`), JSON.stringify(snapshot));
      await this.prune(snapshot.id);
      return snapshot;
    });
  }

  /** A stored checkpoint, or undefined when it does not exist (pruned, or an id from elsewhere). */
  async read(id: string): Promise<Snapshot | undefined> {
    if (!ID.test(id)) return undefined;
    try {
      const raw = JSON.parse(await fs.readFile(path.join(this.manifestsDir, `${id}.json`), 'utf8')) as Snapshot;
      if (raw.v !== 1 || raw.id !== id || !Array.isArray(raw.roots) || typeof raw.files !== 'object' || raw.files === null) return undefined;
      return raw;
    } catch {
      return undefined;
    }
  }

  /**
   * Puts the workspace back to `target`, byte for byte: files that differ are
   * rewritten (content and permission bits), files the target lacks are
   * deleted, files it has and the workspace lacks are recreated. `current` is
   * the snapshot taken right before (the redo point): a file is deleted only
   * when that snapshot holds it, so nothing the walk cannot see is touched.
   */
  restore(target: Snapshot, current: Snapshot): Promise<RestoreReport> {
    return this.serialize(() => this.restoreUnlocked(target, current));
  }

  private async restoreUnlocked(target: Snapshot, current: Snapshot): Promise<RestoreReport> {
    const report: RestoreReport = { written: [], deleted: [], failed: [] };
    const rootsNow = current.roots;
    // Keys of the target rebased onto the folders open now (a folder that is no longer open cannot be restored).
    const rebase = (key: string, from: string[]): { key: string; root: string; rel: string } | { error: string; display: string } => {
      const m = KEY.exec(key);
      if (!m) return { error: 'not a workspace path', display: key };
      const root = from[Number(m[1])];
      const rel = m[2];
      const display = rel;
      const parts = rel.split('/');
      if (!root || parts.some((p) => p === '' || p === '.' || p === '..') || path.isAbsolute(rel)) return { error: 'not a workspace path', display };
      if (protectedPathReason(parts) !== null) return { error: 'a protected path', display };
      const index = rootsNow.indexOf(root);
      if (index < 0) return { error: `its folder ${root} is not open`, display };
      return { key: `${index}/${rel}`, root, rel };
    };
    const skippedNow = new Set(current.skipped);
    const targetKeys = new Set<string>();
    const keepDirs = new Set<string>();
    for (const [key, state] of Object.entries(target.files)) {
      const place = rebase(key, target.roots);
      if ('error' in place) {
        report.failed.push({ path: place.display, error: place.error });
        continue;
      }
      targetKeys.add(place.key);
      for (let d = path.posix.dirname(place.rel); d !== '.'; d = path.posix.dirname(d)) keepDirs.add(`${place.root}\0${d}`);
      const now = current.files[place.key];
      if (now && now[0] === state[0] && now[1] === state[1]) continue;
      if (skippedNow.has(place.key)) {
        report.failed.push({ path: place.rel, error: 'it is now too large to checkpoint, so it was left as it is' });
        continue;
      }
      try {
        await this.writeFile(place.root, place.rel, state);
        report.written.push(place.rel);
      } catch (e) {
        report.failed.push({ path: place.rel, error: (e as Error).message });
      }
    }
    if (target.truncated) return report;
    const skippedThen = new Set(target.skipped.map((k) => rebase(k, target.roots)).flatMap((p) => ('key' in p ? [p.key] : [])));
    const emptied = new Map<string, Set<string>>();
    for (const key of Object.keys(current.files)) {
      if (targetKeys.has(key) || skippedThen.has(key)) continue;
      const m = KEY.exec(key);
      const root = m ? rootsNow[Number(m[1])] : undefined;
      if (!m || !root || !target.roots.includes(root)) continue;
      const rel = m[2];
      try {
        if (await removeFile(root, rel)) report.deleted.push(rel);
        for (let d = path.posix.dirname(rel); d !== '.'; d = path.posix.dirname(d)) {
          if (!keepDirs.has(`${root}\0${d}`)) (emptied.get(root) ?? emptied.set(root, new Set()).get(root)!).add(d);
        }
      } catch (e) {
        report.failed.push({ path: rel, error: (e as Error).message });
      }
    }
    // Folders that only held deleted files go too (deepest first); one that holds anything else stays.
    for (const [root, dirs] of emptied) {
      for (const dir of [...dirs].sort((a, b) => b.split('/').length - a.split('/').length)) await removeEmptyDir(root, dir);
    }
    return report;
  }

  private async writeFile(root: string, rel: string, [hash, mode]: FileState): Promise<void> {
    if (!HASH.test(hash)) throw new Error('the checkpoint is damaged');
    const bytes = await fs.readFile(this.objectPath(hash)).catch(() => {
      throw new Error('its checkpointed content is gone from the store');
    });
    // A damaged or truncated object is refused rather than written: the restore must be byte for byte or not at all.
    if (sha256(bytes) !== hash) throw new Error('its checkpointed content is damaged');
    const target = path.join(root, ...rel.split('/'));
    const parent = path.dirname(target);
    const missing: string[] = [];
    for (let dir = parent; dir !== root && !(await fs.lstat(dir).catch(() => null)); dir = path.dirname(dir)) missing.unshift(dir);
    // Pinned from the workspace folder down: a folder that became a symlink is refused, never followed.
    const dir = await openPinnedDirCreating(parent, missing, rel, async () => undefined);
    try {
      await writeFileAtomically(dir, path.basename(target), bytes, rel, mode & 0o777);
    } finally {
      await dir.close();
    }
  }

  private async walk(signal: AbortSignal): Promise<Snapshot> {
    const roots: string[] = [];
    for (const root of this.roots()) roots.push(await fs.realpath(root).catch(() => root));
    const snapshot: Snapshot = { v: 1, id: randomUUID(), at: Date.now(), roots, files: {}, skipped: [], truncated: false };
    let count = 0;
    let read = 0;
    const seen = new Set<string>();
    for (const [index, root] of roots.entries()) {
      const limits = { truncated: false };
      for await (const file of walkFiles(root, '', { signal, limits })) {
        const key = `${index}/${file.relativeToRoot}`;
        if (protectedPathReason(file.relativeToRoot.split('/')) !== null) continue;
        if (++count > this.limits.maxFiles) {
          snapshot.truncated = true;
          break;
        }
        const handle = await file.open().catch(() => undefined);
        if (!handle) continue;
        try {
          const st = handle.stat;
          if (!st.isFile()) continue;
          if (st.size > this.limits.maxFileBytes) {
            snapshot.skipped.push(key);
            continue;
          }
          const cacheKey = `${root}\0${file.relativeToRoot}`;
          seen.add(cacheKey);
          const cached = this.statCache.get(cacheKey);
          let hash: string;
          if (cached && cached.ino === st.ino && cached.size === st.size && cached.mtimeMs === st.mtimeMs && cached.ctimeMs === st.ctimeMs) {
            hash = cached.hash;
          } else {
            if ((read += st.size) > this.limits.maxReadBytes) {
              snapshot.truncated = true;
              break;
            }
            const bytes = await readPinned(handle);
            hash = sha256(bytes);
            await this.storeObject(hash, bytes);
            this.statCache.set(cacheKey, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, hash });
          }
          snapshot.files[key] = [hash, st.mode & 0o777, st.size];
        } finally {
          await handle.close();
        }
      }
      if (limits.truncated) snapshot.truncated = true;
      if (snapshot.truncated) break;
    }
    for (const key of this.statCache.keys()) if (!seen.has(key)) this.statCache.delete(key);
    return snapshot;
  }

  private objectPath(hash: string): string {
    return path.join(this.objectsDir, hash.slice(0, 2), hash.slice(2));
  }

  private async storeObject(hash: string, bytes: Buffer): Promise<void> {
    const file = this.objectPath(hash);
    if (await fs.stat(file).then((s) => s.size === bytes.length, () => false)) return;
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(temp, bytes);
    await fs.rename(temp, file);
  }

  /**
   * Keeps the store under its size cap: the oldest checkpoints go first (never
   * `keep`, the one just taken), then every object no checkpoint names.
   */
  private async prune(keep: string): Promise<void> {
    const names = (await fs.readdir(this.manifestsDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
    const manifests: Snapshot[] = [];
    for (const name of names) {
      const snap = await this.read(name.slice(0, -'.json'.length));
      if (snap) manifests.push(snap);
    }
    manifests.sort((a, b) => a.at - b.at);
    const sizes = new Map<string, number>();
    const referenced = () => {
      sizes.clear();
      for (const m of manifests) for (const [hash, , size] of Object.values(m.files)) sizes.set(hash, size);
      let total = 0;
      for (const size of sizes.values()) total += size;
      return total;
    };
    let total = referenced();
    let dropped = false;
    while (total > this.limits.maxStoreBytes && manifests.length > 1) {
      const oldest = manifests[0].id === keep ? manifests.splice(1, 1)[0] : manifests.shift()!;
      await fs.rm(path.join(this.manifestsDir, `${oldest.id}.json`), { force: true });
      dropped = true;
      total = referenced();
    }
    if (!dropped) return;
    for (const prefix of await fs.readdir(this.objectsDir).catch(() => [] as string[])) {
      for (const rest of await fs.readdir(path.join(this.objectsDir, prefix)).catch(() => [] as string[])) {
        if (!sizes.has(prefix + rest)) await fs.rm(path.join(this.objectsDir, prefix, rest), { force: true });
      }
    }
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function writeDurably(file: string, text: string): Promise<void> {
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, file);
}

/** Deletes `rel` under `root` through its pinned folder; a folder or a symlink there now is left alone. */
async function removeFile(root: string, rel: string): Promise<boolean> {
  const target = path.join(root, ...rel.split('/'));
  const dir = await openPinnedDir(path.dirname(target), rel).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (!dir) return false;
  try {
    const entry = dir.entryPath(path.basename(target));
    const now = await fs.lstat(entry).catch(() => null);
    if (!now) return false;
    if (!now.isFile()) throw new Error('it is no longer a regular file, so it was left alone');
    await fs.unlink(entry);
    return true;
  } finally {
    await dir.close();
  }
}

async function removeEmptyDir(root: string, rel: string): Promise<void> {
  const target = path.join(root, ...rel.split('/'));
  const parent = await openPinnedDir(path.dirname(target), rel).catch(() => null);
  if (!parent) return;
  try {
    const entry = parent.entryPath(path.basename(target));
    const st = await fs.lstat(entry).catch(() => null);
    if (st?.isDirectory()) await fs.rmdir(entry).catch(() => undefined);
  } finally {
    await parent.close();
  }
}
