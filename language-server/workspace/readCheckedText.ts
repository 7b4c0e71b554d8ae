import { looksBinary, openPinnedPath, readPinnedPrefix } from '../tools';

/**
 * The text of a file at the checked real path `real` (a skill's file, an
 * agent file), or why it is not read. It is read through a descriptor
 * verified to be that path (as the tools read files), so a folder or file
 * swapped for a link between the check and the read is refused instead of
 * followed, and the checks below are of the very file read: a regular file
 * (not a FIFO that would hang the read), not too large (at most `maxBytes`
 * are read, even if it grows), not binary, and with `oneLink` (a
 * repository's file) not a second hard link, which can be a file outside
 * the workspace under another name (the @file rule).
 */
export async function readCheckedText(real: string, options: { maxBytes: number; oneLink: boolean }): Promise<string | { problem: string }> {
  const { maxBytes } = options;
  let file;
  try {
    file = await openPinnedPath(real, real);
  } catch {
    return { problem: 'changed or vanished while it was being opened' };
  }
  try {
    const { stat } = file;
    if (!stat.isFile()) return { problem: 'is not a file' };
    if (options.oneLink && stat.nlink > 1) return { problem: 'has several hard links, so it may be a file outside the workspace' };
    const tooLarge = { problem: `is larger than ${maxBytes / 1024} KiB` };
    if (stat.size > maxBytes) return tooLarge;
    const bytes = await readPinnedPrefix(file, maxBytes + 1);
    if (bytes.length > maxBytes) return tooLarge;
    if (looksBinary(bytes)) return { problem: 'is a binary file' };
    return bytes.toString('utf8');
  } finally {
    await file.close();
  }
}
