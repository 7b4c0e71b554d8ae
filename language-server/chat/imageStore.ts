/**
 * The bytes of images attached to chat messages, kept beside the session
 * logs in content-addressed files (`<storage>/images/<sha256>`), so a session's
 * JSONL stays small (its user records name each image by hash) and an image
 * pasted into several messages is stored once.
 *
 * Every VS Code window runs its own language server over the same storage, so
 * files here are shared between processes. A file's mtime is its last use
 * (written, or attached again), which the size cap evicts by; removal is
 * `ImageCollector`'s, which follows a protocol that never loses an image a
 * record names (see imageCollector.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { isImageRef, sniffImageType, type ChatImage, type ImageRef } from '../../protocol/chatImages';

/** How a session file names an image: its type and name, and the hash of its bytes. */
export type StoredImageRef = ImageRef;

/** One image file: its hash, size in bytes and last use. */
export interface StoredImageFile {
  sha256: string;
  size: number;
  mtimeMs: number;
}

export const SHA256 = /^[0-9a-f]{64}$/;

export const isStoredImageRef = isImageRef;

export class ImageStore {
  readonly dir: string;
  /** Bytes this store wrote since it was created; the collector adds them to its last count to know when the cap may be passed. */
  writtenBytes = 0;

  constructor(storagePath: string) {
    this.dir = path.join(storagePath, 'images');
  }

  /**
   * Writes the image's bytes (once per content) durably, before the record
   * that names it: written to a temporary file, synced, then renamed, so a
   * crash leaves either the whole file or none. An image already stored is
   * touched instead (its last use, for the size cap); if the file vanished
   * meanwhile (another window's collector), it is written again. Callers
   * call it once more after appending the record that names the image: that
   * second call is what makes a concurrent collection safe.
   */
  save(image: ChatImage): StoredImageRef {
    const bytes = Buffer.from(image.dataBase64, 'base64');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = this.file(sha256);
    if (!touch(file)) {
      fs.mkdirSync(this.dir, { recursive: true });
      const temp = `${file}.${randomUUID()}.tmp`;
      const fd = fs.openSync(temp, 'wx', 0o600);
      try {
        fs.writeSync(fd, bytes);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temp, file);
      this.writtenBytes += bytes.length;
    }
    return { mimeType: image.mimeType, name: image.name, sha256 };
  }

  /** The image a session record names, or undefined when its file is gone, damaged or not an image (a record is never trusted blindly). */
  load(ref: unknown): ChatImage | undefined {
    if (!isStoredImageRef(ref)) return undefined;
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(this.file(ref.sha256));
    } catch {
      return undefined;
    }
    if (createHash('sha256').update(bytes).digest('hex') !== ref.sha256 || sniffImageType(bytes) !== ref.mimeType) return undefined;
    return { mimeType: ref.mimeType, name: ref.name, dataBase64: bytes.toString('base64') };
  }

  /** Every stored image file (temporary and quarantined files left out). */
  async files(): Promise<StoredImageFile[]> {
    const out: StoredImageFile[] = [];
    for (const name of await readDir(this.dir)) {
      if (!SHA256.test(name)) continue;
      const stat = await fs.promises.stat(path.join(this.dir, name)).catch(() => undefined);
      if (stat?.isFile()) out.push({ sha256: name, size: stat.size, mtimeMs: stat.mtimeMs });
    }
    return out;
  }

  file(sha256: string): string {
    return path.join(this.dir, sha256);
  }
}

/** Sets a file's mtime to now; false when it does not exist. */
function touch(file: string): boolean {
  const now = new Date();
  try {
    fs.utimesSync(file, now, now);
    return true;
  } catch {
    return false;
  }
}

/** A directory's entries, or none when it does not exist yet. */
export async function readDir(dir: string): Promise<string[]> {
  try {
    return await fs.promises.readdir(dir);
  } catch {
    return [];
  }
}
