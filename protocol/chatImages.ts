/**
 * Images the user attaches to a chat message (a pasted screenshot, a dropped
 * diagram, a picked file). Pure code with no Node or DOM imports, so the
 * webview, the extension, the language server and the team server check an
 * image by the same rules: a known type recognised by its magic bytes (never
 * by the name or the declared type alone), a size cap, a count cap.
 */

/** The types Hearth accepts: those Ollama's vision models decode (server/routes.go accepts webp too) and OpenAI's image_url takes. */
export const IMAGE_MIME_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type ImageMimeType = (typeof IMAGE_MIME_TYPES)[number];

/** An image as it travels with a message: base64 (without a data: prefix), as Ollama's `images` field takes it (api/types.go ImageData). */
export interface ChatImage {
  mimeType: ImageMimeType;
  /** A display name ("screenshot.png", "pasted image"); never used as a path. */
  name: string;
  dataBase64: string;
}

/** A stored image named by the hash of its bytes (a session record, an unsent draft's state); its bytes are in the language server's image store. */
export interface ImageRef {
  mimeType: ImageMimeType;
  name: string;
  sha256: string;
}

/** Whether a value is a well-formed image reference (the bytes may still be gone). */
export function isImageRef(ref: unknown): ref is ImageRef {
  if (typeof ref !== 'object' || ref === null) return false;
  const r = ref as Record<string, unknown>;
  return typeof r.sha256 === 'string' && /^[0-9a-f]{64}$/.test(r.sha256) && typeof r.name === 'string' && r.name.length <= MAX_IMAGE_NAME && (IMAGE_MIME_TYPES as readonly unknown[]).includes(r.mimeType);
}

/** An image with the hash it is stored under (a draft's chip, so the draft's state keeps only the reference). */
export type StoredChatImage = ChatImage & { sha256: string };

/** The most images one message may carry. */
export const MAX_IMAGES_PER_MESSAGE = 4;
/** The largest image, in decoded bytes. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** The longest display name kept. */
export const MAX_IMAGE_NAME = 200;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The decoded size of a base64 string, without decoding it. */
export function base64ByteLength(dataBase64: string): number {
  const padding = dataBase64.endsWith('==') ? 2 : dataBase64.endsWith('=') ? 1 : 0;
  return Math.floor((dataBase64.length * 3) / 4) - padding;
}

/** The first bytes of a base64 string (enough for a magic-byte check). */
function leadingBytes(dataBase64: string, count: number): Uint8Array {
  const chars = Math.ceil(count / 3) * 4;
  const binary = atob(dataBase64.slice(0, chars));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return signature.every((b, i) => bytes[offset + i] === b);
}

/** The image type of these bytes by their signature, or undefined for anything else (a renamed text file, an SVG, a PDF). */
export function sniffImageType(bytes: Uint8Array): ImageMimeType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'image/gif';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}

/** The image type of base64 data by its magic bytes; undefined when it is not base64 or not an image Hearth accepts. */
export function sniffBase64ImageType(dataBase64: string): ImageMimeType | undefined {
  if (dataBase64.length < 16 || !BASE64.test(dataBase64.slice(0, 64))) return undefined;
  try {
    return sniffImageType(leadingBytes(dataBase64, 12));
  } catch {
    return undefined;
  }
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** Why an image of `size` bytes is refused, or undefined when it fits: for a file whose size is known before it is read. */
export function imageSizeProblem(name: string, size: number, maxBytes = MAX_IMAGE_BYTES): string | undefined {
  return size > maxBytes ? `${name} is ${formatMegabytes(size)}; images may be at most ${formatMegabytes(maxBytes)}. Crop or shrink it and attach it again.` : undefined;
}

/**
 * Why one image is refused, or undefined when it is fine. `maxBytes` lets a
 * team server apply a lower cap of its own. The message names the image and
 * says what to do.
 */
export function imageProblem(image: unknown, maxBytes = MAX_IMAGE_BYTES): string | undefined {
  if (typeof image !== 'object' || image === null) return 'An attached image is malformed.';
  const i = image as Record<string, unknown>;
  const name = typeof i.name === 'string' && i.name.length <= MAX_IMAGE_NAME ? i.name : undefined;
  if (name === undefined) return 'An attached image has no valid name.';
  if (typeof i.dataBase64 !== 'string' || i.dataBase64.length % 4 !== 0 || !BASE64.test(i.dataBase64)) return `${name} is not valid image data.`;
  const size = base64ByteLength(i.dataBase64);
  if (size > maxBytes) return imageSizeProblem(name, size, maxBytes);
  const sniffed = sniffBase64ImageType(i.dataBase64);
  if (!sniffed) return `${name} is not a PNG, JPEG, GIF or WebP image.`;
  if (i.mimeType !== sniffed) return `${name} says it is ${String(i.mimeType)} but its contents are ${sniffed}.`;
  return undefined;
}

/** Why a message's images are refused (too many, or one of them), or undefined when they are all fine. */
export function imagesProblem(images: unknown, maxBytes = MAX_IMAGE_BYTES): string | undefined {
  if (images === undefined) return undefined;
  if (!Array.isArray(images)) return 'images must be a list.';
  if (images.length > MAX_IMAGES_PER_MESSAGE) return `A message can carry at most ${MAX_IMAGES_PER_MESSAGE} images; this one has ${images.length}. Remove some and send again.`;
  for (const image of images) {
    const problem = imageProblem(image, maxBytes);
    if (problem) return problem;
  }
  return undefined;
}

/** The Ollama / OpenAI image of a message as a data: URL (OpenAI's image_url content part). */
export function imageDataUrl(image: Pick<ChatImage, 'mimeType' | 'dataBase64'>): string {
  return `data:${image.mimeType};base64,${image.dataBase64}`;
}

/**
 * Roughly how many prompt tokens an image costs. Ollama counts every image as
 * 768 tokens when it fits a prompt to num_ctx (server/prompt.go `chatPrompt`:
 * "Clip images are represented as 768 tokens, each an embedding"); the
 * context budget uses the same number, so it cuts where Ollama would.
 */
export const IMAGE_PROMPT_TOKENS = 768;
