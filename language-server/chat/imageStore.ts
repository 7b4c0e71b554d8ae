/**
 * The bytes of images attached to chat messages, kept beside the session
 * logs in content-addressed files (`<storage>/images/<sha256>`), so a session's
 * JSONL stays small (its user records name each image by hash) and an image
 * pasted into several messages is stored once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { IMAGE_MIME_TYPES, sniffImageType, type ChatImage, type ImageMimeType } from '../../protocol/chatImages';

/** How a session file names an image: its type and name, and the hash of its bytes. */
export interface StoredImageRef {
  mimeType: ImageMimeType;
  name: string;
  sha256: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

export class ImageStore {
  private readonly dir: string;

  constructor(storagePath: string) {
    this.dir = path.join(storagePath, 'images');
  }

  /**
   * Writes the image's bytes (once per content) durably, before the record
   * that names it: written to a temporary file, synced, then renamed, so a
   * crash leaves either the whole file or none.
   */
  save(image: ChatImage): StoredImageRef {
    const bytes = Buffer.from(image.dataBase64, 'base64');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = this.file(sha256);
    if (!fs.existsSync(file)) {
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
    }
    return { mimeType: image.mimeType, name: image.name, sha256 };
  }

  /** The image a session record names, or undefined when its file is gone, damaged or not an image (a record is never trusted blindly). */
  load(ref: unknown): ChatImage | undefined {
    if (typeof ref !== 'object' || ref === null) return undefined;
    const r = ref as Record<string, unknown>;
    if (typeof r.sha256 !== 'string' || !SHA256.test(r.sha256) || typeof r.name !== 'string' || !(IMAGE_MIME_TYPES as readonly unknown[]).includes(r.mimeType)) return undefined;
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(this.file(r.sha256));
    } catch {
      return undefined;
    }
    if (createHash('sha256').update(bytes).digest('hex') !== r.sha256 || sniffImageType(bytes) !== r.mimeType) return undefined;
    return { mimeType: r.mimeType as ImageMimeType, name: r.name, dataBase64: bytes.toString('base64') };
  }

  private file(sha256: string): string {
    return path.join(this.dir, sha256);
  }
}
