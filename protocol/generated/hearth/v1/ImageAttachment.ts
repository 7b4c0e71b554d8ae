// Original file: protocol/hearth.proto


/**
 * An image the user attached: "image/png", "image/jpeg", "image/gif" or
 * "image/webp", checked by its magic bytes; the server caps its size.
 */
export interface ImageAttachment {
  'mime_type'?: (string);
  'name'?: (string);
  'data'?: (Buffer | Uint8Array | string);
}

/**
 * An image the user attached: "image/png", "image/jpeg", "image/gif" or
 * "image/webp", checked by its magic bytes; the server caps its size.
 */
export interface ImageAttachment__Output {
  'mime_type': (string);
  'name': (string);
  'data': (Buffer);
}
