import * as path from 'node:path';
import { openPinnedDirCreating, openPinnedEntry, openPinnedPath, type PinnedDir } from '../pinnedFiles';
import type { ToolContext } from '../toolContext';
import { refused, ToolError } from '../toolError';
import type { ConfinedPath } from '../workspaceConfinement';
import { hardLinkWriteMessage, writeFileAtomically } from '../writeFileAtomically';

/** A file's bytes and permission bits, read through a verified descriptor. */
export interface CurrentFile {
  bytes: Buffer;
  mode: number;
}

/**
 * The largest file the file tools replace or edit: the review shows all of
 * it, Undo keeps a copy, and edit_file's search holds it as text. A model
 * cannot write that much in one reply anyway; a bigger file is the user's
 * to change.
 */
export const MAX_REPLACED_BYTES = 10 * 1024 * 1024;

/**
 * Reads the file a write or an edit is about to replace, through a verified
 * descriptor (pinnedFiles.ts). Returns null when it does not exist. Refuses
 * folders, special files, files with several hard links, and files larger
 * than MAX_REPLACED_BYTES (before reading them).
 */
export async function readFileToReplace(target: ConfinedPath, dir?: PinnedDir): Promise<CurrentFile | null> {
  let opened;
  try {
    opened = dir ? await openPinnedEntry(dir, path.basename(target.absolute), target.display) : await openPinnedPath(target.absolute, target.display);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const stat = opened.stat;
    if (stat.isDirectory()) throw new ToolError(`${target.display} is a directory; give a file path.`, 'is a directory');
    if (!stat.isFile()) throw new ToolError(`${target.display} is not a regular file and cannot be written.`, 'not a file');
    if (stat.nlink > 1) throw refused(hardLinkWriteMessage(target.display, stat.nlink));
    if (stat.size > MAX_REPLACED_BYTES) {
      throw new ToolError(
        `${target.display} is too large for Hearth to change (${stat.size} bytes; the limit is ${MAX_REPLACED_BYTES / 1024 / 1024} MB, since the review shows the whole file and Undo keeps a copy). Nothing was changed; tell the user.`,
        'too large',
      );
    }
    return { bytes: await opened.handle.readFile(), mode: stat.mode & 0o7777 };
  } finally {
    await opened.close();
  }
}

/**
 * Writes an approved change: first makes sure the path still leads to the
 * same place and the file still holds what the user reviewed (they may have
 * typed in it while the diff was open), then checkpoints the file and every
 * directory about to be created, durably and before touching anything, so
 * "Undo this turn" can always put things back. Everything after the re-check
 * happens through the pinned parent folder (pinnedFiles.ts), so a folder
 * swapped for a symlink meanwhile cannot redirect any of it.
 */
export async function applyFileChange(ctx: ToolContext, target: ConfinedPath, reviewed: Buffer | null, content: string, mode: number | undefined): Promise<void> {
  // The approval may have taken minutes: resolve again, against the folders open
  // now, so a symlink swapped in meanwhile cannot redirect the write, a folder the
  // user removed from the window is not written to, and protections are checked as of now.
  const current = await ctx.currentConfinement();
  if (!current.rootContaining(target.absolute)) {
    throw new ToolError(`${target.display} was not written: its folder was removed from the workspace while the change waited for approval, and the agent no longer works there. Tell the user.`, 'folder removed');
  }
  const again = await current.resolve(target.absolute, 'write');
  if (again.absolute !== target.absolute) {
    throw new ToolError(`${target.display} now resolves to a different file than the one reviewed, so it was not written. Check the path and try again.`, 'file changed');
  }
  if (again.executionSensitive && !target.executionSensitive) {
    throw new ToolError(`${target.display} became a file that makes other programs run code (${again.executionSensitive}) while the change waited, so it was not written. Try again to have it reviewed as such.`, 'file changed');
  }
  // Counted before the write starts, so a command judged from now on asks even if it runs while the write is under way.
  if (target.executionSensitive) ctx.turn.executionSensitiveWrites.push(target.display);
  const dir = await openPinnedDirCreating(path.dirname(target.absolute), again.missingDirs, target.display, (created) => ctx.checkpoints.recordCreatedDir(ctx.turnId, created));
  try {
    const now = await readFileToReplace(target, dir);
    if ((now === null) !== (reviewed === null) || (now && reviewed && !now.bytes.equals(reviewed))) {
      throw new ToolError(`${target.display} changed on disk while the change was waiting for approval, so it was not written. Read the file again and redo the change.`, 'file changed');
    }
    await ctx.checkpoints.recordFile(ctx.turnId, target.absolute, now);
    await writeFileAtomically(dir, path.basename(target.absolute), content, target.display, mode ?? now?.mode);
  } finally {
    await dir.close();
  }
}
