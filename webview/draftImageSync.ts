/**
 * Keeps the composer's attached images across a reload of the view, the way
 * its text is kept, without putting megabytes of base64 into VS Code's
 * webview state: each image is stored once in the language server's image
 * store (`saveDraftImages`, which pins it to this draft), and the state keeps
 * only references (`draftId`, `draftImages`). After a reload the references
 * are read back (`loadDraftImages`) into chips again.
 */
import { isImageRef, type ChatImage, type ImageRef, type StoredChatImage } from '../protocol/chatImages';
import type { FromWebview } from '../protocol/webviewMessages';
import { updateState, type HostApi } from './vscodeApi';

export interface DraftImageTarget {
  /** The draft's images now. */
  readonly list: readonly ChatImage[];
  /** Puts images read back after a reload into the draft. */
  restore(images: readonly ChatImage[]): void;
  /** Says why some images could not be kept or brought back. */
  problem(message: string): void;
}

function newDraftId(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export class DraftImageSync {
  private readonly draftId: string;
  /** The stored reference of each image, by its data. */
  private readonly refs = new Map<string, ImageRef>();
  /** Images sent to be stored and not answered yet, by request. */
  private readonly inFlight = new Map<number, ChatImage[]>();
  private nextRequest = 0;
  private loadRequest: number | undefined;
  /** Images the language server would not store: not tried again. */
  private readonly failed = new Set<string>();
  /** The references the last request pinned, to send only changes. */
  private pinned = '[]';

  constructor(
    private readonly api: HostApi,
    private readonly post: (message: FromWebview) => void,
    private readonly target: DraftImageTarget,
  ) {
    const saved = api.getState();
    this.draftId = typeof saved?.draftId === 'string' && /^[0-9a-f-]{36}$/.test(saved.draftId) ? saved.draftId : newDraftId();
  }

  /** After a reload: asks for the images the saved draft names. */
  load(): void {
    const refs = (this.api.getState()?.draftImages ?? []).filter(isImageRef);
    if (refs.length === 0) return;
    this.pinned = JSON.stringify(refs.map((r) => r.sha256).sort());
    this.loadRequest = this.nextRequest++;
    this.post({ type: 'loadDraftImages', requestId: this.loadRequest, refs });
  }

  onLoaded(requestId: number, images: readonly StoredChatImage[], missing: readonly string[]): void {
    if (requestId !== this.loadRequest) return;
    this.loadRequest = undefined;
    const restored: ChatImage[] = [];
    for (const { sha256, ...image } of images) {
      this.refs.set(image.dataBase64, { mimeType: image.mimeType, name: image.name, sha256 });
      restored.push(image);
    }
    this.target.restore(restored);
    if (missing.length > 0) this.target.problem(`${missing.join(', ')} could not be brought back: no longer stored. Attach ${missing.length === 1 ? 'it' : 'them'} again.`);
    this.changed();
  }

  /** The draft's images changed (added, removed, sent, put back): stores the new ones and pins the set. */
  changed(): void {
    const images = this.target.list;
    const waiting = new Set([...this.inFlight.values()].flat().map((i) => i.dataBase64));
    const current = new Set(images.map((i) => i.dataBase64));
    for (const data of this.refs.keys()) if (!current.has(data)) this.refs.delete(data);
    const add = images.filter((i) => !this.refs.has(i.dataBase64) && !waiting.has(i.dataBase64) && !this.failed.has(i.dataBase64));
    const keep = images.map((i) => this.refs.get(i.dataBase64)).filter((r): r is ImageRef => r !== undefined);
    // While a saved draft is still being read back, neither its references in the state nor its pin may be dropped; onLoaded syncs.
    if (this.loadRequest !== undefined) return;
    this.persist(keep);
    const pinned = JSON.stringify([...keep.map((r) => r.sha256)].sort());
    if (add.length === 0 && (pinned === this.pinned || waiting.size > 0)) return;
    this.pinned = add.length === 0 ? pinned : '';
    const requestId = this.nextRequest++;
    if (add.length > 0) this.inFlight.set(requestId, add);
    this.post({ type: 'saveDraftImages', requestId, draftId: this.draftId, keep, add });
  }

  onSaved(requestId: number, refs: readonly ImageRef[], error?: string): void {
    const added = this.inFlight.get(requestId);
    if (!added) return;
    this.inFlight.delete(requestId);
    added.forEach((image, i) => {
      const ref = refs[i];
      if (ref) this.refs.set(image.dataBase64, ref);
    });
    if (error) for (const image of added) this.failed.add(image.dataBase64);
    if (error) this.target.problem(`The attached images will not survive a reload of the view: ${error}`);
    this.changed();
  }

  private persist(keep: ImageRef[]): void {
    updateState(this.api, { draftId: this.draftId, draftImages: keep });
  }
}
