import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';

/**
 * Reads a small text file a repository controls (a config or rules file)
 * without letting it cost more than `maxBytes`: opened without blocking (a
 * FIFO cannot hang the reader), checked on the opened file to be a regular
 * file of at most `maxBytes` (a link to /dev/zero or a huge file is refused,
 * not read), and, with `followLinks: false`, not opened through a symlink.
 * Throws an Error whose message says what was wrong (with `code` for system
 * errors such as ENOENT).
 */
export async function readSmallFile(file: string, options: { maxBytes: number; followLinks: boolean }): Promise<string> {
  const flags = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | (options.followLinks ? 0 : (fsConstants.O_NOFOLLOW ?? 0));
  const handle = await fs.open(file, flags);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error('it is not a regular file');
    if (stat.size > options.maxBytes) throw new Error(`it is larger than ${Math.round(options.maxBytes / 1024)} KiB`);
    const text = await handle.readFile('utf8');
    // It may have grown between the check and the read.
    if (Buffer.byteLength(text) > options.maxBytes) throw new Error(`it is larger than ${Math.round(options.maxBytes / 1024)} KiB`);
    return text;
  } finally {
    await handle.close();
  }
}
