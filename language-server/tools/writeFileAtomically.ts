import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Writes `content` to `target` through a temporary file in the same directory
 * and a rename. The rename replaces the directory entry itself, so a symlink
 * swapped in at `target` after the confinement check is replaced, never
 * followed, and a crash leaves either the old or the new file, never half of
 * one. An existing file's permission bits are kept.
 */
export async function writeFileAtomically(target: string, content: string | Uint8Array, mode?: number): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.hearth-${randomBytes(4).toString('hex')}.tmp`);
  // New files get 0o666 minus the umask, like any editor save.
  const handle = await fs.open(temp, 'wx', mode ?? 0o666);
  try {
    await handle.writeFile(content);
    if (mode !== undefined) await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, target);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
}
