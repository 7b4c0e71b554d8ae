import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import { PathChangedError, stillAt, type PinnedDir } from './pinnedFiles';
import { refused } from './toolError';

/**
 * Writes `content` as the entry `name` of a pinned directory (see
 * pinnedFiles.ts), through a temporary file and a rename, both reached
 * through the pinned directory: a folder on the way swapped for a symlink
 * after the check cannot redirect the write, because the kernel resolves the
 * pinned directory itself, not its name. The temporary file is created with
 * O_EXCL|O_NOFOLLOW, so nothing planted under its name is followed. The
 * rename replaces the directory entry, so a symlink planted at `name` is
 * replaced, never followed, and a crash leaves the old or the new file, never
 * half of one. An existing file's permission bits are kept (`mode`).
 *
 * Refused: a symlink at `name` (the caller resolved the real path, so one
 * there now was swapped in), and a file with several hard links: the user
 * reviewed it as one file, but it is also the file behind the other names
 * (which may be outside the workspace), and whether those change depends on
 * how it is written; either way the result is not what was reviewed.
 *
 * `restoring` (Undo and a checkpoint's Restore) puts back what the name held
 * before, so neither refusal applies: a symlink there now is replaced by the
 * rename like any entry (never followed, so nothing is written where it
 * points), and a file with other hard links is replaced by name, which
 * leaves the other names holding what they hold now. The agent's writes
 * cannot have made such a file (they refuse it), so its other names came
 * later, and writing through them is exactly what the rename avoids.
 */
export async function writeFileAtomically(dir: PinnedDir, name: string, content: string | Uint8Array, display: string, mode?: number, options: { restoring?: boolean } = {}): Promise<void> {
  const current = await fs.lstat(dir.entryPath(name)).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (current?.isSymbolicLink() && !options.restoring) throw new PathChangedError(display, 'it is now a symlink');
  if (current?.isDirectory()) throw refused(`${display} is now a folder; it was not replaced.`);
  if (current?.isFile() && current.nlink > 1 && !options.restoring) throw refused(hardLinkWriteMessage(display, current.nlink));

  const tempName = `.${name}.hearth-${randomBytes(4).toString('hex')}.tmp`;
  const temp = dir.entryPath(tempName);
  // New files get 0o666 minus the umask, like any editor save.
  const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | (fsConstants.O_NOFOLLOW ?? 0);
  const handle = await fs.open(temp, flags, mode ?? 0o666);
  let written: { dev: number; ino: number };
  try {
    await handle.writeFile(content);
    if (mode !== undefined) await handle.chmod(mode);
    await handle.sync();
    written = await handle.stat();
  } catch (e) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    // Pinned through /proc this always holds; the portable fallback reaches the folder by name, so it checks right before.
    if (!(await stillAt(dir))) throw new PathChangedError(display, 'its folder was replaced while it was written');
    await fs.rename(temp, dir.entryPath(name));
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
  // The new entry must be durable before the tool reports success.
  await dir.handle.sync().catch(() => undefined);
  // Verify: the name now holds the file just written, in the folder that was checked.
  const now = await fs.lstat(dir.entryPath(name)).catch(() => null);
  if (!now || now.dev !== written.dev || now.ino !== written.ino) throw new PathChangedError(display, 'it was replaced right after it was written');
  if (!(await stillAt(dir))) throw new PathChangedError(display, 'its folder was moved while it was written; the new content is in the moved folder');
}

/** The refusal for writing a file with several hard links. */
export function hardLinkWriteMessage(display: string, links: number): string {
  return (
    `${display} has ${links} hard links: writing it would also change the other name(s), which may be outside the workspace, so the agent does not write it. ` +
    'Ask the user to replace it with an ordinary copy (for example `cp --remove-destination`) if it should be edited.'
  );
}
