/**
 * The images attached to the composer's unsent draft. The webview keeps only
 * their references in its state (VS Code's webview state should stay small);
 * the bytes are in the image store, and a pin file per draft
 * (`<storage>/images/drafts/<draftId>.json`) names them so the collector keeps
 * them while the draft lives (at most DRAFT_PIN_MAX_AGE_MS after its last change).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ChatImage, StoredChatImage } from '../../protocol/chatImages';
import { DRAFT_PINS_DIR, type ImageCollector } from './imageCollector';
import { isStoredImageRef, type ImageStore, type StoredImageRef } from './imageStore';

const DRAFT_ID = /^[0-9a-f-]{36}$/;

export class DraftImages {
  private readonly dir: string;

  constructor(
    private readonly images: ImageStore,
    private readonly collector: ImageCollector,
  ) {
    this.dir = path.join(images.dir, DRAFT_PINS_DIR);
  }

  /**
   * Stores `add` and pins the draft's images (`keep`, already stored, and
   * `add`); returns the references of `add`, in order. No images unpins the draft.
   */
  save(draftId: string, keep: readonly StoredImageRef[], add: readonly ChatImage[]): StoredImageRef[] {
    if (!DRAFT_ID.test(draftId)) throw new Error('draftId must be a UUID.');
    const added = add.map((image) => this.images.save(image));
    const hashes = [...new Set([...keep.filter(isStoredImageRef), ...added].map((r) => r.sha256))];
    const pin = path.join(this.dir, `${draftId}.json`);
    if (hashes.length === 0) {
      fs.rmSync(pin, { force: true });
      return added;
    }
    fs.mkdirSync(this.dir, { recursive: true });
    const temp = `${pin}.${randomUUID()}.tmp`;
    fs.writeFileSync(temp, JSON.stringify({ images: hashes }), { mode: 0o600 });
    fs.renameSync(temp, pin);
    // As for a session record: stored again once the pin names them (see imageCollector.ts).
    for (const image of add) this.images.save(image);
    if (added.length > 0) this.collector.afterWrite();
    return added;
  }

  /** The draft's images by their references; `missing` names those no longer stored. */
  load(refs: readonly unknown[]): { images: StoredChatImage[]; missing: string[] } {
    const images: StoredChatImage[] = [];
    const missing: string[] = [];
    for (const ref of refs) {
      const image = this.images.load(ref);
      if (image && isStoredImageRef(ref)) images.push({ ...image, sha256: ref.sha256 });
      else missing.push(isStoredImageRef(ref) ? ref.name : 'an image');
    }
    return { images, missing };
  }
}
