/** A PEM private key's header: RSA, EC, DSA, OpenSSH, PKCS #8 (plain or encrypted), PGP's "PRIVATE KEY BLOCK". */
const HEADER = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
/** Key material follows its header within this many characters (PGP puts a line or two of headers first). */
const MATERIAL_WITHIN = 200;
/** A run of base64 this long is key material, not prose or code. */
const MATERIAL_RUN = 40;

/**
 * Whether a file's text holds a private key: a key file under a source
 * extension, a cloud service-account key (JSON, the key inside with its line
 * breaks escaped as `\n`) or a key pasted into a config or a note. The
 * codebase index leaves such a file out, so its key is never sent to the
 * embedding model (which may run on a shared machine) nor attached to a
 * message by a search the user did not aim at it. A header alone is not
 * enough (code that looks for one, a test of a key parser, stays indexed):
 * base64 must follow it. A scan, not one regular expression with a lazy gap:
 * the text is a repository's, and thousands of headers each followed by
 * near-misses would make such an expression backtrack for seconds.
 */
export function holdsPrivateKey(content: string | Uint8Array): boolean {
  const text = typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('latin1');
  if (!text.includes('PRIVATE KEY')) return false;
  HEADER.lastIndex = 0;
  for (let match = HEADER.exec(text); match; match = HEADER.exec(text)) {
    const end = Math.min(text.length, HEADER.lastIndex + MATERIAL_WITHIN + MATERIAL_RUN);
    let run = 0;
    for (let i = HEADER.lastIndex; i < end; i++) {
      run = isBase64(text.charCodeAt(i)) ? run + 1 : 0;
      if (run >= MATERIAL_RUN) return true;
    }
  }
  return false;
}

function isBase64(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}
