/**
 * Garbage collection of the image store (`<storage>/images/`): the images of
 * a deleted chat go with it, images no saved chat or unsent draft names
 * (left by a crash, or by an old version) go at start-up, and the store is
 * kept under a size cap by removing the least recently attached images.
 *
 * Several language servers (one per VS Code window) share the store and
 * append to session files while a collection runs, so nothing is removed on
 * one look. An unreferenced image is first renamed aside (atomic), then every
 * session file and draft pin is read again, and the image is put back if
 * anything names it by then. A writer stores an image, appends the record
 * that names it, then stores it once more (`ImageStore.save` writes it again
 * when it is gone): either the second read sees the record, or the writer's
 * second save comes after the rename and writes the file again. No timing is
 * assumed, and a torn last line of a session being written is harmless
 * (references are found as hashes anywhere in the file's text, torn or not).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { readDir, SHA256, type ImageStore, type StoredImageFile } from './imageStore';

/** The store's size cap: past it, the least recently attached images are removed until it is at 90% of the cap. */
export const DEFAULT_IMAGE_STORE_MAX_BYTES = 1024 * 1024 * 1024;
/** An unsent draft's images are kept this long after the draft last changed. */
export const DRAFT_PIN_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
/** Temporary and set-aside files older than this are leftovers of a crash (a live write or collection takes seconds). */
const LEFTOVER_AGE_MS = 60 * 60 * 1000;
/** Where unsent drafts name their images: `<storage>/images/drafts/<draftId>.json`. */
export const DRAFT_PINS_DIR = 'drafts';

const HASHES = /[0-9a-f]{64}/g;
const TEMP_FILE = /^[0-9a-f]{64}\.[0-9a-f-]{36}\.tmp$/;
/** `<sha256>.<when set aside, ms>.<uuid>.aside`: the time is in the name because a rename keeps the image's old mtime. */
const ASIDE_FILE = /^([0-9a-f]{64})\.(\d+)\.[0-9a-f-]{36}\.aside$/;

export interface ImageCollectorOptions {
  maxBytes?: number;
  now?: () => number;
  log?: (message: string) => void;
}

export interface CollectionResult {
  /** Images no chat or draft named. */
  removed: string[];
  /** Images removed to keep the store under its cap. */
  evicted: string[];
}

export class ImageCollector {
  readonly maxBytes: number;
  private readonly sessionsDir: string;
  private readonly pinsDir: string;
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  /** Runs one at a time in this process (other processes are handled by the protocol above). */
  private queue: Promise<unknown> = Promise.resolve();
  /** The store's size at the last count, before this process's later writes. */
  private countedBytes = 0;
  private countedWritten = 0;

  constructor(
    storagePath: string,
    private readonly images: ImageStore,
    options: ImageCollectorOptions = {},
  ) {
    this.sessionsDir = path.join(storagePath, 'sessions');
    this.pinsDir = path.join(images.dir, DRAFT_PINS_DIR);
    this.maxBytes = options.maxBytes ?? DEFAULT_IMAGE_STORE_MAX_BYTES;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
  }

  /** The start-up collection: crash leftovers and expired draft pins, unreferenced images, then the size cap. */
  sweep(): Promise<CollectionResult> {
    return this.serially(async () => {
      await this.removeLeftovers();
      const removed = await this.removeUnreferenced((await this.images.files()).map((f) => f.sha256));
      const evicted = await this.enforceCap();
      if (removed.length + evicted.length > 0) this.log(`Image store: removed ${removed.length} image(s) no chat names and ${evicted.length} to stay under ${formatBytes(this.maxBytes)}.`);
      return { removed, evicted };
    });
  }

  /** Removes the images of a deleted chat that no other chat or draft names; never rejects (a failure is logged, and the next start-up collects them). */
  forget(hashes: Iterable<string>): Promise<string[]> {
    const candidates = [...new Set(hashes)].filter((h) => SHA256.test(h));
    return this.serially(() => this.removeUnreferenced(candidates)).catch((err: unknown) => {
      this.log(`Image store: could not remove a deleted chat's images: ${(err as Error).message}`);
      return [];
    });
  }

  /** Called after images were written: enforces the cap when this process's writes may have passed it. */
  afterWrite(): void {
    if (this.countedBytes + this.images.writtenBytes - this.countedWritten <= this.maxBytes) return;
    this.countedWritten = this.images.writtenBytes;
    void this.serially(() => this.enforceCap()).catch((err: unknown) => this.log(`Image store: could not enforce its size cap: ${(err as Error).message}`));
  }

  /** Resolves when every collection started so far has finished. */
  async idle(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  private serially<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.catch(() => undefined).then(run);
    this.queue = next;
    return next;
  }

  /** Every hash a session file or a live draft pin names. */
  private async referenced(): Promise<Set<string>> {
    const found = new Set<string>();
    const scan = async (file: string) => {
      const text = await fs.promises.readFile(file, 'utf8').catch(() => '');
      for (const match of text.matchAll(HASHES)) found.add(match[0]);
    };
    for (const name of await readDir(this.sessionsDir)) if (name.endsWith('.jsonl')) await scan(path.join(this.sessionsDir, name));
    for (const pin of await this.livePins()) await scan(pin);
    return found;
  }

  private async livePins(): Promise<string[]> {
    const out: string[] = [];
    for (const name of await readDir(this.pinsDir)) {
      const file = path.join(this.pinsDir, name);
      const stat = await fs.promises.stat(file).catch(() => undefined);
      if (stat && name.endsWith('.json') && this.now() - stat.mtimeMs <= DRAFT_PIN_MAX_AGE_MS) out.push(file);
    }
    return out;
  }

  /** Removes those of `candidates` nothing names, by the set-aside protocol described above. */
  private async removeUnreferenced(candidates: string[]): Promise<string[]> {
    if (candidates.length === 0) return [];
    const before = await this.referenced();
    const aside: { sha256: string; file: string }[] = [];
    for (const sha256 of candidates) {
      if (before.has(sha256)) continue;
      const file = await this.setAside(sha256);
      if (file) aside.push({ sha256, file });
    }
    if (aside.length === 0) return [];
    const after = await this.referenced();
    const removed: string[] = [];
    for (const { sha256, file } of aside) {
      if (after.has(sha256)) await this.putBack(sha256, file);
      else {
        await fs.promises.rm(file, { force: true });
        removed.push(sha256);
      }
    }
    return removed;
  }

  /**
   * Keeps the store under its cap: past it, removes the least recently
   * attached images (never one an unsent draft names) until it is at 90%.
   * An image attached again while it is being removed (its mtime moved) is put back.
   */
  private async enforceCap(): Promise<string[]> {
    const files = await this.images.files();
    let total = files.reduce((sum, f) => sum + f.size, 0);
    this.countedBytes = total;
    this.countedWritten = this.images.writtenBytes;
    if (total <= this.maxBytes) return [];
    const pinned = new Set<string>();
    for (const pin of await this.livePins()) for (const match of (await fs.promises.readFile(pin, 'utf8').catch(() => '')).matchAll(HASHES)) pinned.add(match[0]);
    const target = this.maxBytes * 0.9;
    const evicted: string[] = [];
    for (const f of [...files].sort((a, b) => a.mtimeMs - b.mtimeMs)) {
      if (total <= target) break;
      if (pinned.has(f.sha256)) continue;
      if (await this.evict(f)) {
        total -= f.size;
        evicted.push(f.sha256);
      }
    }
    this.countedBytes = total;
    return evicted;
  }

  private async evict(f: StoredImageFile): Promise<boolean> {
    const file = await this.setAside(f.sha256);
    if (!file) return false;
    const stat = await fs.promises.stat(file).catch(() => undefined);
    // Renaming keeps the inode: a touch by a writer before the rename shows here; after it, the writer finds no file and writes a new one.
    if (stat && stat.mtimeMs > f.mtimeMs) {
      await this.putBack(f.sha256, file);
      return false;
    }
    await fs.promises.rm(file, { force: true });
    return true;
  }

  /** Renames an image aside; undefined when it is already gone. */
  private async setAside(sha256: string): Promise<string | undefined> {
    const file = `${this.images.file(sha256)}.${this.now()}.${randomUUID()}.aside`;
    try {
      await fs.promises.rename(this.images.file(sha256), file);
      return file;
    } catch {
      return undefined;
    }
  }

  /** Puts an image set aside back, unless a writer already wrote it again. */
  private async putBack(sha256: string, file: string): Promise<void> {
    try {
      await fs.promises.link(file, this.images.file(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    await fs.promises.rm(file, { force: true });
  }

  /**
   * Files a crash left: temporary files of a write and images set aside by a
   * collection that never finished (an image set aside that a chat still names
   * is put back), and draft pins past their age.
   */
  private async removeLeftovers(): Promise<void> {
    const old = async (file: string, age: number) => {
      const stat = await fs.promises.stat(file).catch(() => undefined);
      return stat !== undefined && this.now() - stat.mtimeMs > age;
    };
    const stale: string[] = [];
    const aside: { sha256: string; file: string }[] = [];
    for (const name of await readDir(this.images.dir)) {
      const file = path.join(this.images.dir, name);
      const match = ASIDE_FILE.exec(name);
      if (match && this.now() - Number(match[2]) > LEFTOVER_AGE_MS) aside.push({ sha256: match[1], file });
      else if (TEMP_FILE.test(name) && (await old(file, LEFTOVER_AGE_MS))) stale.push(file);
    }
    for (const file of stale) await fs.promises.rm(file, { force: true });
    const referenced = aside.length > 0 ? await this.referenced() : new Set<string>();
    for (const { sha256, file } of aside) {
      if (referenced.has(sha256)) await this.putBack(sha256, file);
      else await fs.promises.rm(file, { force: true });
    }
    for (const name of await readDir(this.pinsDir)) {
      const file = path.join(this.pinsDir, name);
      if (await old(file, DRAFT_PIN_MAX_AGE_MS)) await fs.promises.rm(file, { force: true });
    }
  }
}

function formatBytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
