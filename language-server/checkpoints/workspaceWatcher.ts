import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What changed since the last `drain`: keys `<root index>/<path>`, or `certain: false` when the watcher cannot tell. */
export interface WatchedChanges {
  certain: boolean;
  /** Why the watcher cannot tell (for the log), when `certain` is false. */
  reason?: string;
  paths: Set<string>;
}

export interface WorkspaceWatcherLimits {
  /** At most this many folders are watched; a larger workspace is walked instead (each watch counts against the user's inotify limit, shared with VS Code's own watcher). */
  maxDirs: number;
  /**
   * Past this many events between two drains the watcher gives up until the
   * next walk. The kernel drops events silently once its queue
   * (max_queued_events, 16,384 by default) is full, and libuv does not
   * report the overflow; the queue can only fill when at least that many
   * events were produced, so fewer events received means none was lost.
   */
  maxEvents: number;
}

/** Half the kernel's queue: the language server's other watchers share the same inotify descriptor. */
export function defaultWatcherLimits(): WorkspaceWatcherLimits {
  const read = (name: string, fallback: number) => {
    const n = Number(fs.readFileSync(`/proc/sys/fs/inotify/${name}`, { encoding: 'utf8', flag: 'r' }).trim());
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  try {
    return { maxDirs: Math.min(20_000, Math.floor(read('max_user_watches', 8192) / 8)), maxEvents: Math.floor(read('max_queued_events', 16_384) / 2) };
  } catch {
    return { maxDirs: 1000, maxEvents: 8192 };
  }
}

/**
 * Learns which paths of the workspace changed between two checkpoints,
 * whoever changed them (a file tool, a sandboxed command, the user, a
 * formatter), so a checkpoint re-reads those paths instead of walking the
 * whole workspace. Linux only: it relies on inotify's ordering (below).
 *
 * One non-recursive watch per folder the checkpoint walk reaches (never
 * `.git/` or ignored folders), added before the folder is listed, through
 * the walk's pinned descriptor (`/proc/self/fd/N`), so a folder swapped for
 * a symlink is never what gets watched. The watcher only says where to look:
 * every path it names is read again through the walk's pinned, no-symlink
 * opens, so a spurious or stale name costs a look and nothing else.
 *
 * `barrier()` makes a drain complete: libuv reads every watch of the event
 * loop from one inotify descriptor, whose queue the kernel fills in the order
 * the changes happened, so once the event of a file written into a watched
 * folder of our own arrives, every change made before it (the tool call's
 * writes, the command's, which has exited) has been delivered.
 */
export class WorkspaceWatcher {
  private readonly watched = new Map<string, { watcher: fs.FSWatcher; ino: number }>();
  private paths = new Set<string>();
  private events = 0;
  private broken: string | undefined = 'nothing is watched yet';
  private disposed = false;
  private barrierWatch: fs.FSWatcher | undefined;
  private readonly waiting = new Map<string, () => void>();

  constructor(
    private readonly barrierDir: string,
    private readonly limits: WorkspaceWatcherLimits = defaultWatcherLimits(),
  ) {}

  /** Forgets every watch and every change: the next walk starts over (see `walkStarted`). */
  reset(): void {
    for (const { watcher } of this.watched.values()) watcher.close();
    this.watched.clear();
    this.paths = new Set();
    this.events = 0;
    this.broken = this.disposed ? 'the watcher was closed' : undefined;
  }

  /** Watches the folder `rel` of root `index` (`listPath`: the pinned path to watch it through; `ino`: its inode). */
  watchDir(index: number, rel: string, listPath: string, ino: number): void {
    if (this.broken) return;
    const key = `${index}/${rel}`;
    const existing = this.watched.get(key);
    if (existing?.ino === ino) return;
    existing?.watcher.close();
    if (this.watched.size >= this.limits.maxDirs) return this.giveUp(`the workspace has more than ${this.limits.maxDirs} folders`);
    try {
      const prefix = rel === '' ? `${index}/` : `${key}/`;
      const watcher = fs.watch(listPath, { persistent: false }, (_type, name) => {
        if (++this.events > this.limits.maxEvents) return this.giveUp(`more than ${this.limits.maxEvents} changes arrived at once`);
        // Without a name the event says something changed in the folder, not what.
        if (typeof name !== 'string' || name === '') return this.giveUp('a change arrived without a file name');
        this.paths.add(prefix + name);
      });
      watcher.on('error', (e) => this.giveUp(`watching ${rel || 'the workspace folder'} failed (${e.message})`));
      this.watched.set(key, { watcher, ino });
    } catch (e) {
      this.giveUp(`watching ${rel || 'the workspace folder'} failed (${(e as Error).message})`);
    }
  }

  /** Whether `key` (`<index>/<rel>`) is a folder watched as the inode `ino`. */
  watches(key: string, ino: number): boolean {
    return this.watched.get(key)?.ino === ino;
  }

  /** Whether the folder `key` is watched (as whatever inode). */
  isWatched(key: string): boolean {
    return this.watched.has(key);
  }

  /** Stops watching the folder `key` and every folder under it (it was removed, moved or replaced). */
  unwatchTree(key: string): void {
    for (const [k, { watcher }] of this.watched) {
      if (k === key || k.startsWith(`${key}/`)) {
        watcher.close();
        this.watched.delete(k);
      }
    }
  }

  /** Waits until every change made before this call has been delivered; false when that could not be confirmed in time. */
  async barrier(timeoutMs = 2000): Promise<boolean> {
    if (this.broken) return false;
    try {
      if (!this.barrierWatch) {
        fs.mkdirSync(this.barrierDir, { recursive: true });
        this.barrierWatch = fs.watch(this.barrierDir, { persistent: false }, (_type, name) => {
          if (typeof name === 'string') this.waiting.get(name)?.();
        });
        this.barrierWatch.on('error', () => this.giveUp('the barrier folder could not be watched'));
      }
      const name = `barrier-${randomBytes(6).toString('hex')}`;
      const arrived = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        this.waiting.set(name, () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      const file = path.join(this.barrierDir, name);
      fs.writeFileSync(file, '');
      const ok = await arrived;
      this.waiting.delete(name);
      fs.rmSync(file, { force: true });
      if (!ok) this.giveUp('its events did not arrive in time');
      return ok;
    } catch (e) {
      this.giveUp(`its barrier failed (${(e as Error).message})`);
      return false;
    }
  }

  /** The paths changed since the last drain (or since `reset`), and starts collecting anew. */
  drain(): WatchedChanges {
    const out: WatchedChanges = { certain: this.broken === undefined, ...(this.broken ? { reason: this.broken } : {}), paths: this.paths };
    this.paths = new Set();
    this.events = 0;
    return out;
  }

  dispose(): void {
    this.disposed = true;
    this.reset();
    this.barrierWatch?.close();
    this.barrierWatch = undefined;
  }

  /** From now until the next `reset` (a walk), the watcher cannot tell what changed. */
  private giveUp(reason: string): void {
    if (this.broken) return;
    this.broken = reason;
    for (const { watcher } of this.watched.values()) watcher.close();
    this.watched.clear();
    this.paths = new Set();
  }
}
