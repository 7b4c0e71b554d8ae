import * as fs from 'node:fs';
import * as path from 'node:path';

/** One name in a directory listing that the guard scan acts on: a path to guard or a folder to walk into. */
export interface ListedEntry {
  name: string;
  /** Position in the listing, so the entry budget cuts a cached listing exactly where it cut the fresh one. */
  index: number;
  /** What the scan guards it as, or null for a directory it walks into. */
  kind: 'protected' | 'sensitive' | null;
}

/** A directory's listing as the guard scan uses it. Never changed once made: earlier scans keep references to it. */
export interface DirectoryListing {
  /** Every name the directory held. */
  names: ReadonlySet<string>;
  /** The names the scan classifies or walks into, with what it decided about them (see `findGuardedPaths`). */
  entries: readonly ListedEntry[];
  /** The directory itself is one git accepts as a repository (a bare one, or a git dir under another name): guarded whole, not walked into. */
  gitDirectory: boolean;
}

interface CachedListing {
  listing: DirectoryListing;
  dev: bigint;
  ino: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** Read too close to the directory's own timestamps to trust them next time (see RACY_NS). */
  racy: boolean;
}

/**
 * How close to a directory's mtime or ctime a listing may have been read and
 * still be reused: as in git's "racy" index entries, a change in the same
 * clock tick as the read leaves the timestamp unchanged on a file system with
 * coarse timestamps (one second on some, two on FAT and some network file
 * systems), so such a listing is read again next time. Two seconds covers
 * every file system a workspace is likely to be on.
 */
const RACY_NS = 2_000_000_000n;

/**
 * The directory listings the guard scan read, per workspace folder, so that
 * the scan before each command re-reads only the directories that changed.
 * A directory is re-read when its device, inode, mtime or ctime differ from
 * when it was read, or when that read was racy. Adding, removing or renaming
 * an entry changes its directory's mtime and ctime; mtime alone is not
 * enough, since a command may set it back with `touch -d`, but it cannot set
 * ctime, which the kernel moves to the current time at every such change
 * (only changing the system clock, which needs privileges a sandboxed
 * command lacks, would). Directories no scan reached are dropped after each
 * scan, so the cache stays the size of what one scan walks.
 */
export class GuardScanCache {
  private readonly folders = new Map<string, Map<string, CachedListing>>();
  private readonly counts = new Map<string, { read: number; reused: number }>();
  private readonly now: () => number;
  private readonly stat: (file: string, followLinks: boolean) => fs.BigIntStats;

  /**
   * `now` (milliseconds since the epoch) and `stat` stand in for the clock
   * and the file system's timestamps in tests, which must show what happens
   * on a file system whose timestamps are coarser than the one they run on.
   */
  constructor(options: { now?: () => number; stat?: (file: string, followLinks: boolean) => fs.BigIntStats } = {}) {
    this.now = options.now ?? Date.now;
    this.stat = options.stat ?? ((file, followLinks) => (followLinks ? fs.statSync(file, { bigint: true }) : fs.lstatSync(file, { bigint: true })));
  }

  /** How many directories the last scan of `root` read, and how many listings it reused. */
  lastScan(root: string): { read: number; reused: number } {
    return { ...(this.counts.get(root) ?? { read: 0, reused: 0 }) };
  }

  /** Starts a scan of `root`: returns what it reads listings through, and what ends it. */
  begin(root: string): { list: (relative: string, read: (dirents: fs.Dirent[]) => DirectoryListing) => DirectoryListing | null; end: () => void } {
    const previous = this.folders.get(root) ?? new Map<string, CachedListing>();
    const next = new Map<string, CachedListing>();
    const counts = { read: 0, reused: 0 };
    const list = (relative: string, read: (dirents: fs.Dirent[]) => DirectoryListing): DirectoryListing | null => {
      const full = relative === '' ? root : path.join(root, relative);
      // The folder itself may be reached through a link (its real path is not required here); nothing below it is.
      const before = tryFs(() => this.stat(full, relative === ''));
      if (!before || !before.isDirectory()) return null;
      const cached = previous.get(relative);
      if (cached && !cached.racy && cached.dev === before.dev && cached.ino === before.ino && cached.mtimeNs === before.mtimeNs && cached.ctimeNs === before.ctimeNs) {
        next.set(relative, cached);
        counts.reused++;
        return cached.listing;
      }
      // The clock is read before the listing: a change after this instant
      // but in the same tick as the directory's timestamp is then racy.
      const readAtNs = BigInt(Math.floor(this.now())) * 1_000_000n;
      const dirents = tryFs(() => fs.readdirSync(full, { withFileTypes: true }));
      if (!dirents) return null;
      const listing = read(dirents);
      counts.read++;
      // Compared with the timestamps seen before the read: if the directory
      // changed while it was read, they no longer match next time and it is
      // read again.
      const newest = before.mtimeNs > before.ctimeNs ? before.mtimeNs : before.ctimeNs;
      next.set(relative, { listing, dev: before.dev, ino: before.ino, mtimeNs: before.mtimeNs, ctimeNs: before.ctimeNs, racy: readAtNs - newest < RACY_NS });
      return listing;
    };
    const end = (): void => {
      this.folders.set(root, next);
      this.counts.set(root, counts);
    };
    return { list, end };
  }
}

function tryFs<T>(call: () => T): T | null {
  try {
    return call();
  } catch {
    return null;
  }
}
