import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { walkFiles, type WalkedFile } from '../tools/workspaceWalker';
import { openPinnedDir, openPinnedDirCreating, readPinnedPrefix, type PinnedDir } from '../tools/pinnedFiles';
import { writeFileAtomically } from '../tools/writeFileAtomically';
import { fileErrorReason } from '../tools/fileErrorReason';
import { protectedPathReason } from '../tools/protectedPaths';
import { isStrictlyInside } from '../workspace/pathInside';
import { WorkspaceWatcher, type WorkspaceWatcherLimits } from './workspaceWatcher';
import { isGitignored } from '../codeIndex/isGitignored';
import { GitInternals } from './gitInternals';
import { withStoreLock } from './storeLock';

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
  /**
   * Symlinks, keyed like files, with where each points (never followed). A
   * checkpoint stored before links were kept has none, and a restore to it
   * then leaves every link as it is.
   */
  links?: Record<string, string>;
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

export interface SnapshotOptions {
  /**
   * Learn what changed between checkpoints from a file-system watcher
   * (workspaceWatcher.ts; Linux) instead of walking every folder each time.
   */
  watch?: boolean | WorkspaceWatcherLimits;
}

/** How the latest checkpoint was taken: by walking every folder (and why), or by re-reading the paths the watcher named. */
export interface TakeInfo {
  by: 'walk' | 'watcher';
  reason?: string;
  /** Paths the watcher named (by: 'watcher'). */
  examined?: number;
}

export interface RestoreReport {
  written: string[];
  deleted: string[];
  /** Paths a restore did not put back, with the reason (a folder became a symlink, a file too large to keep, …). */
  failed: { path: string; error: string }[];
}

/**
 * Keys are `<root index>/<relative path>`; ids and keys from a stored file are checked before use. `s`: a file name
 * may hold a newline, a carriage return or U+2028, which `.` alone does not match.
 */
const KEY = /^(\d+)\/(.+)$/s;
const HASH = /^[0-9a-f]{64}$/;
const ID = /^[0-9a-f-]{36}$/;

/**
 * Checkpoints of the workspace's files, stored under the extension's storage
 * (never in the workspace): a content-addressed object store (one file per
 * distinct content, named by its SHA-256) and one small JSON manifest per
 * checkpoint. Only what the workspace walk reaches is kept — the same walk as
 * glob, grep and the indexes: `.gitignore`d paths and `.git/` are skipped,
 * symlinks are never followed (each is kept as where it points, and put
 * back as a link), every file is read through a verified
 * descriptor — minus the protected set (Hearth's and VS Code's settings), so
 * a restore can never change the approval policy, and minus git directories
 * that are not called `.git` (GitInternals), which git changes on its own.
 * Files above a size cap are
 * left out and left alone.
 *
 * A snapshot re-reads only files whose size, mtime, ctime or inode changed
 * since the previous one (a stat cache in memory). With a watcher, a
 * checkpoint does not even walk: it starts from the previous checkpoint and
 * looks again only at the paths the watcher saw change, whoever changed them
 * (a file tool, a sandboxed command, the user), through the same walk rules
 * and pinned opens. It walks every folder instead when the watcher cannot
 * tell (see `capture`). A restore writes through pinned folders
 * with `writeFileAtomically`, checks each object's hash before writing it,
 * and deletes only files the snapshot taken just before the restore holds:
 * it never touches anything outside the workspace folders.
 */
export class WorkspaceSnapshots {
  private readonly storageDir: string;
  private readonly objectsDir: string;
  private readonly manifestsDir: string;
  private readonly statCache = new Map<string, { ino: number; size: number; mtimeMs: number; ctimeMs: number; hash: string }>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly watcher: WorkspaceWatcher | undefined;
  /** The latest checkpoint this process took: the base the next one starts from. */
  private last: Snapshot | undefined;
  /** Files with more than one name: a change through another name reaches no watch of theirs, so they are always looked at again. */
  private readonly linked = new Set<string>();
  /** The stored checkpoints (oldest first) and how many of them name each object, read from disk once. */
  private store: { manifests: { id: string; at: number }[]; refs: Map<string, { size: number; count: number }>; bytes: number } | undefined;
  /** How the latest checkpoint was taken (for the log and the benchmark). */
  lastTake: TakeInfo | undefined;

  constructor(
    storageDir: string,
    private readonly roots: () => string[],
    private readonly limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS,
    options: SnapshotOptions = {},
  ) {
    this.storageDir = storageDir;
    this.objectsDir = path.join(storageDir, 'objects');
    this.manifestsDir = path.join(storageDir, 'snapshots');
    if (options.watch) this.watcher = new WorkspaceWatcher(path.join(storageDir, 'watch-barrier'), options.watch === true ? undefined : options.watch);
  }

  /**
   * Takes a checkpoint of the workspace now and returns it (stored before
   * this resolves). `walk`: look at every file, whatever the watcher saw (a
   * restore's redo point, which must hold every edit it may overwrite).
   */
  take(signal: AbortSignal = new AbortController().signal, options: { walk?: boolean } = {}): Promise<Snapshot> {
    return this.serialize(() => this.locked(async () => {
      // Another window's language server may have pruned the checkpoint this one starts from: its content may be
      // gone with it, so this one looks at every file again and stores what it reads.
      if (this.last && !(await exists(path.join(this.manifestsDir, `${this.last.id}.json`)))) {
        this.last = undefined;
        this.statCache.clear();
      }
      const snapshot = await this.capture(signal, options.walk === true);
      // Loaded before the new checkpoint is written, so that it is counted once.
      const store = await this.loadStore();
      await fs.mkdir(this.manifestsDir, { recursive: true });
      await writeDurably(path.join(this.manifestsDir, `${snapshot.id}.json`), JSON.stringify(snapshot));
      store.manifests.push({ id: snapshot.id, at: snapshot.at });
      this.reference(store, snapshot, 1);
      await this.prune(snapshot.id);
      this.last = snapshot;
      return snapshot;
    }));
  }

  /** Stops watching the workspace (the language server is shutting down). */
  dispose(): void {
    this.watcher?.dispose();
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
   * when that snapshot holds it and the target's .gitignore (put back first)
   * does not exclude it, so nothing either walk could not see is touched.
   */
  restore(target: Snapshot, current: Snapshot): Promise<RestoreReport> {
    return this.serialize(() => this.locked(() => this.restoreUnlocked(target, current)));
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
    // Git's own files are never checkpointed (see GitInternals); one stored before that rule holds them, and they are left alone.
    const git = new Map<string, GitInternals>();
    const inGitDir = (root: string, rel: string) => (git.get(root) ?? git.set(root, new GitInternals(root)).get(root)!).contains(rel);
    const targetKeys = new Set<string>();
    /** Links removed to put a file or its folders back. */
    const unlinked = new Set<string>();
    const keepDirs = new Set<string>();
    for (const [key, state] of Object.entries(target.files)) {
      const place = rebase(key, target.roots);
      if ('error' in place) {
        report.failed.push({ path: place.display, error: place.error });
        continue;
      }
      // Left alone silently, as git's files are: it was never the reply's to put back.
      if ((await inGitDir(place.root, place.rel)) || protectedInOuterFolder(place.root, place.rel, rootsNow)) continue;
      targetKeys.add(place.key);
      for (let d = path.posix.dirname(place.rel); d !== '.'; d = path.posix.dirname(d)) keepDirs.add(`${place.root}\0${d}`);
      const now = current.files[place.key];
      if (now && now[0] === state[0] && now[1] === state[1]) continue;
      if (skippedNow.has(place.key)) {
        report.failed.push({ path: place.rel, error: 'it is now too large to checkpoint, so it was left as it is' });
        continue;
      }
      try {
        // A symlink now where the file or one of its folders was (the target holds no link there): the link goes,
        // never followed, and the folders and the file come back.
        const index = place.key.slice(0, place.key.indexOf('/'));
        for (let d = place.rel; d !== '.'; d = path.posix.dirname(d)) {
          const link = `${index}/${d}`;
          if (current.links?.[link] === undefined || target.links?.[link] !== undefined || unlinked.has(link)) continue;
          unlinked.add(link);
          if (await removeEntry(place.root, d, 'link')) report.deleted.push(d);
        }
        await this.writeFile(place.root, place.rel, state);
        report.written.push(place.rel);
      } catch (e) {
        report.failed.push({ path: place.rel, error: fileErrorReason(e) });
      }
    }
    // Links after files: a file the target holds below a link's place never needs the link's folder.
    for (const [key, link] of Object.entries(target.links ?? {})) {
      const place = rebase(key, target.roots);
      if ('error' in place) {
        report.failed.push({ path: place.display, error: place.error });
        continue;
      }
      if (typeof link !== 'string' || link === '' || link.includes('\0') || isGuardedLink(place.rel) || protectedInOuterFolder(place.root, place.rel, rootsNow) || (await inGitDir(place.root, place.rel))) continue;
      targetKeys.add(place.key);
      for (let d = path.posix.dirname(place.rel); d !== '.'; d = path.posix.dirname(d)) keepDirs.add(`${place.root}\0${d}`);
      if (current.links?.[place.key] === link) continue;
      try {
        await writeLink(place.root, place.rel, link);
        report.written.push(place.rel);
      } catch (e) {
        report.failed.push({ path: place.rel, error: fileErrorReason(e) });
      }
    }
    if (target.truncated) return report;
    const skippedThen = new Set(target.skipped.map((k) => rebase(k, target.roots)).flatMap((p) => ('key' in p ? [p.key] : [])));
    const emptied = new Map<string, Set<string>>();
    // A target stored before links were kept says nothing about them, so it deletes none.
    const gone: [string, 'file' | 'link'][] = [...Object.keys(current.files).map((k): [string, 'file'] => [k, 'file']), ...(target.links ? Object.keys(current.links ?? {}).map((k): [string, 'link'] => [k, 'link']) : [])];
    for (const [key, kind] of gone) {
      if (targetKeys.has(key) || skippedThen.has(key) || (kind === 'link' && unlinked.has(key))) continue;
      const m = KEY.exec(key);
      const root = m ? rootsNow[Number(m[1])] : undefined;
      if (!m || !root || !target.roots.includes(root)) continue;
      const rel = m[2];
      if (protectedInOuterFolder(root, rel, rootsNow)) continue;
      try {
        // The target was taken under its own .gitignore, which the writes above put back: a file that excludes was
        // never looked at then, so the target's lacking it says nothing, and no checkpoint holds the user's ignored
        // files (.env, local settings) to bring them back. So a reply that un-ignored them cannot have them deleted.
        if ((await isGitignored(root, rel)) || (await inGitDir(root, rel))) continue;
        if (await removeEntry(root, rel, kind)) report.deleted.push(rel);
        for (let d = path.posix.dirname(rel); d !== '.'; d = path.posix.dirname(d)) {
          if (!keepDirs.has(`${root}\0${d}`)) (emptied.get(root) ?? emptied.set(root, new Set()).get(root)!).add(d);
        }
      } catch (e) {
        report.failed.push({ path: rel, error: fileErrorReason(e) });
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
    const dir = await openParentCreating(root, target, rel);
    try {
      await writeFileAtomically(dir, path.basename(target), bytes, rel, mode & 0o777, { restoring: true });
    } finally {
      await dir.close();
    }
  }

  /**
   * The workspace now: from the previous checkpoint and the paths the watcher
   * saw change when it can tell, else by a walk. It walks for the first
   * checkpoint of the process, without a watcher (not Linux), when asked
   * (`walk`), when the folders changed, and when the watcher cannot tell: a
   * watch could not be added (too many folders, the inotify limit), too many
   * events arrived at once (the kernel may have dropped some), an event came
   * without a name, or its events did not arrive in time; and when a
   * .gitignore changed (what the walk reaches then changes).
   */
  private async capture(signal: AbortSignal, walk: boolean): Promise<Snapshot> {
    const roots: string[] = [];
    for (const root of this.roots()) roots.push(await fs.realpath(root).catch(() => root));
    // Cleared until this checkpoint is stored: after a failure the watcher's changes are spent, so the next one walks.
    const last = this.last;
    this.last = undefined;
    let reason: string | undefined;
    if (walk) reason = 'asked to look at every file';
    else if (!this.watcher) reason = 'no watcher';
    else if (!last) reason = 'the first checkpoint';
    else if (JSON.stringify(last.roots) !== JSON.stringify(roots)) reason = 'the workspace folders changed';
    if (reason === undefined && this.watcher && last) {
      await this.watcher.barrier();
      const changes = this.watcher.drain();
      if (!changes.certain) reason = `the watcher cannot tell what changed: ${changes.reason ?? 'unknown'}`;
      else if ([...changes.paths].some((k) => k.endsWith('/.gitignore'))) reason = 'a .gitignore changed';
      else {
        for (const key of this.linked) changes.paths.add(key);
        const snapshot = await this.update(signal, last, changes.paths);
        if (snapshot) {
          this.lastTake = { by: 'watcher', examined: changes.paths.size };
          return snapshot;
        }
        reason = 'the checkpoint reached a cap';
      }
    }
    this.lastTake = { by: 'walk', reason };
    return this.walk(signal, roots);
  }

  private async walk(signal: AbortSignal, roots: string[]): Promise<Snapshot> {
    // Watches start over with the walk, each added before its folder is listed (see WorkspaceWatcher).
    this.watcher?.reset();
    this.linked.clear();
    const snapshot: Snapshot = { v: 1, id: randomUUID(), at: Date.now(), roots, files: {}, links: {}, skipped: [], truncated: false };
    let count = 0;
    const budget = { read: 0, seen: new Set<string>() };
    for (const [index, root] of roots.entries()) {
      const limits = { truncated: false };
      const git = new GitInternals(root);
      const onSymlink = async (rel: string, readLink: () => Promise<string>) => {
        if (++count > this.limits.maxFiles) snapshot.truncated = true;
        else await this.recordLink(snapshot, index, rel, readLink, git);
      };
      for await (const file of walkFiles(root, '', { signal, limits, onSymlink, onDirectory: (rel, dir) => this.watcher?.watchDir(index, rel, dir.listPath, dir.stat.ino) })) {
        if (protectedPathReason(file.relativeToRoot.split('/')) !== null || (await git.contains(file.relativeToRoot))) continue;
        if (++count > this.limits.maxFiles || !(await this.record(snapshot, index, file, budget))) {
          snapshot.truncated = true;
          break;
        }
      }
      if (limits.truncated) snapshot.truncated = true;
      if (snapshot.truncated) break;
    }
    for (const key of this.statCache.keys()) if (!budget.seen.has(key)) this.statCache.delete(key);
    return snapshot;
  }

  /**
   * `last` with the changed paths looked at again, or undefined when that
   * reaches a cap (the caller walks then). A changed folder that is not the
   * one watched there (new, moved in, replaced) is walked with the walk's own
   * rules; one that is gone takes everything under it along.
   */
  private async update(signal: AbortSignal, last: Snapshot, changed: Set<string>): Promise<Snapshot | undefined> {
    const watcher = this.watcher!;
    // A checkpoint that stopped at a cap stays partial (a restore to it deletes nothing): it holds the files the
    // walk reached, kept current by the watches of the folders it listed, and whatever changes there since.
    const snapshot: Snapshot = { v: 1, id: randomUUID(), at: Date.now(), roots: last.roots, files: { ...last.files }, links: { ...last.links }, skipped: [], truncated: last.truncated };
    const skipped = new Set(last.skipped);
    const gone = new Set<string>();
    const rewalk: { index: number; rel: string }[] = [];
    const under = (key: string, set: Set<string>) => {
      for (let i = key.lastIndexOf('/'); i > 0; i = key.lastIndexOf('/', i - 1)) if (set.has(key.slice(0, i))) return true;
      return false;
    };
    // Parents sort before their children, so a path inside a folder walked again is skipped.
    for (const key of [...changed].sort()) {
      const m = KEY.exec(key);
      const root = m ? last.roots[Number(m[1])] : undefined;
      if (!m || !root || under(key, gone)) continue;
      const rel = m[2];
      // Looked at by name only to choose what to do; everything read goes through the walk's pinned opens.
      const now = await fs.lstat(path.join(root, ...rel.split('/'))).catch(() => null);
      if (now?.isDirectory() && watcher.watches(key, now.ino)) continue; // its own times or mode changed; its entries have their own watch
      delete snapshot.files[key];
      delete snapshot.links![key];
      skipped.delete(key);
      this.linked.delete(key);
      if (watcher.isWatched(key) || now?.isDirectory()) {
        gone.add(key);
        watcher.unwatchTree(key);
      }
      if (now) rewalk.push({ index: Number(m[1]), rel });
    }
    if (gone.size > 0) {
      for (const key of Object.keys(snapshot.files)) if (under(key, gone)) delete snapshot.files[key];
      for (const key of Object.keys(snapshot.links!)) if (under(key, gone)) delete snapshot.links![key];
      for (const key of skipped) if (under(key, gone)) skipped.delete(key);
    }
    snapshot.skipped = [...skipped];
    const budget = { read: 0, seen: new Set<string>() };
    const git = new Map<number, GitInternals>();
    for (const { index, rel } of rewalk) {
      const root = last.roots[index];
      const gitOfRoot = git.get(index) ?? git.set(index, new GitInternals(root)).get(index)!;
      try {
        const onSymlink = (r: string, readLink: () => Promise<string>) => this.recordLink(snapshot, index, r, readLink, gitOfRoot);
        const files = walkFiles(root, rel, { signal, skipIgnoredStart: true, onSymlink, onDirectory: (r, dir) => watcher.watchDir(index, r, dir.listPath, dir.stat.ino) });
        for await (const file of files) {
          if (protectedPathReason(file.relativeToRoot.split('/')) !== null || (await gitOfRoot.contains(file.relativeToRoot))) continue;
          if (!(await this.record(snapshot, index, file, budget))) return undefined;
        }
      } catch (e) {
        // Gone again, or swapped for a symlink while it was reached: nothing there is part of the workspace now.
        if (signal.aborted) throw e;
      }
    }
    // A partial checkpoint may grow by what changed since, up to twice the cap; past it, a walk starts it over at the cap.
    const cap = last.truncated ? 2 * this.limits.maxFiles : this.limits.maxFiles;
    if (Object.keys(snapshot.files).length + Object.keys(snapshot.links!).length + snapshot.skipped.length > cap) return undefined;
    return snapshot;
  }

  /** Adds one symlink the walk met to `snapshot`: where it points, read through its pinned folder (gone meanwhile: left out). */
  private async recordLink(snapshot: Snapshot, index: number, rel: string, readLink: () => Promise<string>, git: GitInternals): Promise<void> {
    if (isGuardedLink(rel) || (await git.contains(rel))) return;
    const target = await readLink().catch(() => undefined);
    if (target !== undefined) snapshot.links![`${index}/${rel}`] = target;
  }

  /** Adds one walked file to `snapshot` (its content to the store); false when the snapshot's read budget is spent. */
  private async record(snapshot: Snapshot, index: number, file: WalkedFile, budget: { read: number; seen: Set<string> }): Promise<boolean> {
    const key = `${index}/${file.relativeToRoot}`;
    const handle = await file.open().catch(() => undefined);
    if (!handle) return true;
    try {
      const st = handle.stat;
      if (!st.isFile()) return true;
      if (st.size > this.limits.maxFileBytes) {
        snapshot.skipped.push(key);
        return true;
      }
      if (st.nlink > 1) this.linked.add(key);
      const cacheKey = `${snapshot.roots[index]}\0${file.relativeToRoot}`;
      budget.seen.add(cacheKey);
      const cached = this.statCache.get(cacheKey);
      let hash: string;
      if (cached && cached.ino === st.ino && cached.size === st.size && cached.mtimeMs === st.mtimeMs && cached.ctimeMs === st.ctimeMs) {
        hash = cached.hash;
      } else {
        if ((budget.read += st.size) > this.limits.maxReadBytes) return false;
        // Never more than the stat said, plus one byte to notice growth: a file still being written is left out
        // (restoring part of it would be worse than not touching it), and a file grown huge is never read whole.
        const bytes = await readPinnedPrefix(handle, st.size + 1);
        if (bytes.length > st.size) {
          snapshot.skipped.push(key);
          return true;
        }
        hash = sha256(bytes);
        await this.storeObject(hash, bytes);
        this.statCache.set(cacheKey, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, hash });
      }
      snapshot.files[key] = [hash, st.mode & 0o777, st.size];
      return true;
    } finally {
      await handle.close();
    }
  }

  private objectPath(hash: string): string {
    return path.join(this.objectsDir, hash.slice(0, 2), hash.slice(2));
  }

  private async storeObject(hash: string, bytes: Buffer): Promise<void> {
    const file = this.objectPath(hash);
    if (await fs.stat(file).then((s) => s.size === bytes.length, () => false)) return;
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.writeFile(temp, bytes);
      await fs.rename(temp, file);
    } catch (e) {
      // A full disk leaves part of the copy: it goes, or every later checkpoint finds the disk fuller still.
      await fs.rm(temp, { force: true });
      throw e;
    }
  }

  /**
   * Keeps the store under its size cap: the oldest checkpoints go first (never
   * `keep`, the one just taken), then every object no checkpoint names. The
   * counts come from memory (`loadStore` reads the manifests once), so a
   * checkpoint does not re-read every stored manifest.
   */
  private async prune(keep: string): Promise<void> {
    const store = await this.syncStore();
    let dropped = false;
    while (store.bytes > this.limits.maxStoreBytes && store.manifests.length > 1) {
      const [oldest] = store.manifests[0].id === keep ? store.manifests.splice(1, 1) : store.manifests.splice(0, 1);
      const snap = await this.read(oldest.id);
      if (snap) this.reference(store, snap, -1);
      await fs.rm(path.join(this.manifestsDir, `${oldest.id}.json`), { force: true });
      dropped = true;
    }
    if (!dropped) return;
    for (const prefix of await fs.readdir(this.objectsDir).catch(() => [] as string[])) {
      for (const rest of await fs.readdir(path.join(this.objectsDir, prefix)).catch(() => [] as string[])) {
        if (!store.refs.has(prefix + rest)) await fs.rm(path.join(this.objectsDir, prefix, rest), { force: true });
      }
    }
  }

  /**
   * The store as it is on disk now: another window's language server (same
   * folder, same storage) adds checkpoints this one never read, and prunes
   * some it knows. New ones are read and counted; when one it knew is gone,
   * the counts are read again from every checkpoint (rare: only after the
   * other pruned). So the cap covers both, and pruning never deletes content
   * that a checkpoint of the other names.
   */
  private async syncStore(): Promise<NonNullable<WorkspaceSnapshots['store']>> {
    const store = await this.loadStore();
    const onDisk = new Set((await fs.readdir(this.manifestsDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -'.json'.length)));
    if (store.manifests.some((m) => !onDisk.has(m.id))) {
      this.store = undefined;
      return this.loadStore();
    }
    const known = new Set(store.manifests.map((m) => m.id));
    let added = false;
    for (const id of onDisk) {
      if (known.has(id)) continue;
      const snap = await this.read(id);
      if (!snap) continue;
      store.manifests.push({ id: snap.id, at: snap.at });
      this.reference(store, snap, 1);
      added = true;
    }
    if (added) store.manifests.sort((a, b) => a.at - b.at);
    return store;
  }

  private async loadStore(): Promise<NonNullable<WorkspaceSnapshots['store']>> {
    if (this.store) return this.store;
    const store: NonNullable<WorkspaceSnapshots['store']> = { manifests: [], refs: new Map(), bytes: 0 };
    const names = (await fs.readdir(this.manifestsDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
    for (const name of names) {
      const snap = await this.read(name.slice(0, -'.json'.length));
      if (!snap) continue;
      store.manifests.push({ id: snap.id, at: snap.at });
      this.reference(store, snap, 1);
    }
    store.manifests.sort((a, b) => a.at - b.at);
    this.store = store;
    return store;
  }

  /** Counts (`by` 1) or uncounts (-1) the objects one checkpoint names, and the bytes the store holds for them. */
  private reference(store: NonNullable<WorkspaceSnapshots['store']>, snap: Snapshot, by: 1 | -1): void {
    const hashes = new Map<string, number>();
    for (const [hash, , size] of Object.values(snap.files)) hashes.set(hash, size);
    for (const [hash, size] of hashes) {
      const ref = store.refs.get(hash);
      if (by === 1) {
        if (ref) ref.count++;
        else {
          store.refs.set(hash, { size, count: 1 });
          store.bytes += size;
        }
      } else if (ref && --ref.count <= 0) {
        store.refs.delete(hash);
        store.bytes -= ref.size;
      }
    }
  }

  /** Runs `work` holding the store's lock between processes (storeLock.ts). */
  private async locked<T>(work: () => Promise<T>): Promise<T> {
    await fs.mkdir(this.storageDir, { recursive: true });
    return withStoreLock(path.join(this.storageDir, 'lock'), work);
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * A link that is, or stands for a folder holding, a protected file: `.vscode`
 * pointing at a folder with a settings.json of the model's making would
 * change the approval policy as surely as writing the file, so such links
 * are neither kept nor made.
 */
/**
 * Whether `rel` of `root` is in the protected set of another open folder that
 * holds `root`: with `repo` and `repo/.vscode` both open, `settings.json` of
 * the inner folder is `.vscode/settings.json` of the outer one, which a
 * restore must neither put back nor delete (the approval policy).
 */
function protectedInOuterFolder(root: string, rel: string, roots: readonly string[]): boolean {
  const absolute = path.join(root, ...rel.split('/'));
  return roots.some((outer) => outer !== root && isStrictlyInside(outer, root) && protectedPathReason(path.relative(outer, absolute).split(path.sep)) !== null);
}

function isGuardedLink(rel: string): boolean {
  const parts = rel.split('/');
  return protectedPathReason(parts) !== null || protectedPathReason([...parts, 'settings.json']) !== null;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function writeDurably(file: string, text: string): Promise<void> {
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'w');
  try {
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
}

/** Deletes the file or symlink (`kind`) `rel` under `root` through its pinned folder; anything else there now is left alone. */
async function removeEntry(root: string, rel: string, kind: 'file' | 'link'): Promise<boolean> {
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
    if (kind === 'file' && !now.isFile()) throw new Error('it is no longer a regular file, so it was left alone');
    if (kind === 'link' && !now.isSymbolicLink()) throw new Error('it is no longer a symlink, so it was left alone');
    await fs.unlink(entry);
    return true;
  } finally {
    await dir.close();
  }
}

/**
 * The folder `target` goes in, opened pinned from the workspace folder down
 * (a folder that became a symlink is refused, never followed), with the
 * folders the restore must make first made on the way.
 */
async function openParentCreating(root: string, target: string, rel: string): Promise<PinnedDir> {
  const parent = path.dirname(target);
  const missing: string[] = [];
  for (let dir = parent; dir !== root && !(await fs.lstat(dir).catch(() => null)); dir = path.dirname(dir)) missing.unshift(dir);
  return openPinnedDirCreating(parent, missing, rel, async () => undefined);
}

/**
 * Puts the symlink `rel` → `link` back under `root`: made beside it under a
 * temporary name in its pinned folder and renamed over what is there (a file
 * or another link; a folder is refused). Only the link is made: nothing is
 * written where it points.
 */
async function writeLink(root: string, rel: string, link: string): Promise<void> {
  const target = path.join(root, ...rel.split('/'));
  const dir = await openParentCreating(root, target, rel);
  try {
    const name = path.basename(target);
    if ((await fs.lstat(dir.entryPath(name)).catch(() => null))?.isDirectory()) throw new Error('it is now a folder, so it was left alone');
    const temp = `.${name}.hearth-${randomBytes(4).toString('hex')}.tmp`;
    await fs.symlink(link, dir.entryPath(temp));
    try {
      await fs.rename(dir.entryPath(temp), dir.entryPath(name));
    } catch (e) {
      await fs.unlink(dir.entryPath(temp)).catch(() => undefined);
      throw e;
    }
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
