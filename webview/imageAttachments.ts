/**
 * Images attached in the composer: pasted from the clipboard, dropped on the
 * composer, or picked with the attach-image button (the extension shows the
 * file picker). Each shows as a thumbnail chip with a remove button until the
 * message is sent. The caps and the type check (by magic bytes, never by the
 * name) are protocol/chatImages.ts's, the same the language server applies.
 */
import { IMAGE_MIME_TYPES, MAX_IMAGES_PER_MESSAGE, imageDataUrl, imageProblem, imageSizeProblem, sniffImageType, type ChatImage } from '../protocol/chatImages';
import { button, el } from './dom';
import { icon } from './icons';

/** Base64 of bytes, in chunks (String.fromCharCode of a whole screenshot would overflow the call stack). */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Reads a pasted or dropped file into an image, or says why it cannot be attached. */
export async function imageFromFile(file: Blob & { name?: string }, fallbackName: string): Promise<ChatImage | string> {
  const name = (file.name || fallbackName).slice(0, 200);
  // Checked before reading: a dropped scan or video of hundreds of MB would otherwise be read whole and encoded in
  // the webview (freezing it, or failing the read outright) only to be refused afterwards.
  const tooLarge = imageSizeProblem(name, file.size);
  if (tooLarge) return tooLarge;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (err) {
    // One unreadable file (moved or deleted since the drop) is named; the others dropped with it are still attached.
    return `${name} could not be read: ${err instanceof Error ? err.message : String(err)}`;
  }
  const mimeType = sniffImageType(bytes);
  if (!mimeType) return `${name} is not a PNG, JPEG, GIF or WebP image.`;
  const image: ChatImage = { mimeType, name, dataBase64: toBase64(bytes) };
  return imageProblem(image) ?? image;
}

/** A thumbnail of an image; with `onRemove`, a composer chip with a remove button. */
export function imageThumbnail(doc: Document, image: ChatImage, onRemove?: () => void): HTMLElement {
  const chip = el(doc, 'span', {
    className: 'chip image-chip',
    attrs: { 'data-testid': onRemove ? 'image-chip' : 'user-image', title: image.name },
    children: [el(doc, 'img', { className: 'image-thumb', attrs: { src: imageDataUrl(image), alt: image.name } }), el(doc, 'span', { className: 'chip-label', text: image.name })],
  });
  if (onRemove) {
    chip.appendChild(button(doc, { label: `Remove image ${image.name}`, testId: 'image-chip-remove', className: 'chip-remove', children: [icon(doc, 'close')], onClick: onRemove }));
  }
  return chip;
}

export class ImageAttachments {
  readonly element: HTMLElement;
  private images: ChatImage[] = [];
  private pasted = 0;

  constructor(
    private readonly doc: Document,
    /** Says why an image was not attached (too many, too large, not an image). */
    private readonly onProblem: (message: string) => void,
    /** Called after a chip is removed, so focus can go back to the input. */
    private readonly onRemoved: () => void,
    /** Called whenever the set of images changes (the draft keeps them across reloads). */
    private readonly onChange: () => void = () => undefined,
  ) {
    this.element = el(doc, 'div', { className: 'chips image-chips', attrs: { 'data-testid': 'image-chips', 'aria-label': 'Attached images' } });
    this.render();
  }

  get list(): readonly ChatImage[] {
    return this.images;
  }

  /** Pasted images and dropped image files go here; anything else (text) keeps its default behaviour. */
  listen(target: HTMLElement): void {
    target.addEventListener('paste', (event) => {
      const files = [...(event.clipboardData?.items ?? [])].filter((i) => i.kind === 'file' && i.type.startsWith('image/')).map((i) => i.getAsFile());
      if (files.length === 0) return;
      event.preventDefault();
      // A clipboard image's own name is meaningless ("image.png" for every screenshot): number them instead.
      void this.addFiles(files.filter((f): f is File => f !== null), true);
    });
    target.addEventListener('dragover', (event) => {
      if ([...(event.dataTransfer?.items ?? [])].some((i) => i.kind === 'file')) event.preventDefault();
    });
    target.addEventListener('drop', (event) => {
      const files = [...(event.dataTransfer?.files ?? [])];
      if (files.length === 0) return;
      event.preventDefault();
      void this.addFiles(files);
    });
  }

  async addFiles(files: (Blob & { name?: string })[], pasted = false): Promise<void> {
    const read = await Promise.all(files.map((f) => imageFromFile(pasted ? new Blob([f], { type: f.type }) : f, `pasted image ${++this.pasted}.${extensionOf(f.type)}`)));
    this.add(read.filter((r): r is ChatImage => typeof r !== 'string'), read.filter((r): r is string => typeof r === 'string'));
  }

  /** Adds images (checked again here: a picked file went through the extension, which is trusted, but the caps are the composer's). */
  add(images: ChatImage[], problems: string[] = []): void {
    const messages = [...problems];
    for (const image of images) {
      const problem = imageProblem(image);
      if (problem) messages.push(problem);
      else if (this.images.some((i) => i.dataBase64 === image.dataBase64)) continue;
      else if (this.images.length >= MAX_IMAGES_PER_MESSAGE) messages.push(`A message can carry at most ${MAX_IMAGES_PER_MESSAGE} images; ${image.name} was not attached.`);
      else this.images.push(image);
    }
    this.render();
    if (messages.length > 0) this.onProblem(messages.join(' '));
  }

  /** The images to send; the composer is empty of them afterwards. */
  take(): ChatImage[] {
    const taken = this.images;
    this.images = [];
    this.render();
    return taken;
  }

  /** Puts back the images of a message that could not be sent. */
  restore(images: readonly ChatImage[]): void {
    for (const image of images) if (!this.images.some((i) => i.dataBase64 === image.dataBase64)) this.images.push(image);
    this.render();
  }

  /** Takes out the images a restore put back (the same bytes), leaving any other. */
  withdraw(images: readonly ChatImage[]): void {
    if (images.length === 0) return;
    this.images = this.images.filter((i) => !images.some((w) => w.dataBase64 === i.dataBase64));
    this.render();
  }

  private render(): void {
    this.onChange();
    this.element.replaceChildren(
      ...this.images.map((image) =>
        imageThumbnail(this.doc, image, () => {
          this.images = this.images.filter((i) => i !== image);
          this.render();
          this.onRemoved();
        }),
      ),
    );
    this.element.hidden = this.images.length === 0;
  }
}

function extensionOf(mimeType: string): string {
  return (IMAGE_MIME_TYPES as readonly string[]).includes(mimeType) ? mimeType.slice('image/'.length).replace('jpeg', 'jpg') : 'png';
}
