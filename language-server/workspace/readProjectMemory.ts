import * as path from 'node:path';
import { looksBinary, openPinnedPath, readPinnedPrefix, WorkspaceConfinement } from '../tools';

/** The most of .hearth/memory.md that is read for a turn; the agent core then fits it into its budget. */
export const MAX_MEMORY_READ_BYTES = 16 * 1024;

/**
 * Reads the project memory file (.hearth/memory.md in the first workspace
 * folder) for the start of an agent turn: only a regular file reached
 * without symlinks (openPinnedPath refuses one on the way), with one hard
 * link, that is text; at most `MAX_MEMORY_READ_BYTES`, with a note when it
 * is longer. Undefined when there is none or it cannot be read safely.
 */
export async function readProjectMemory(folders: readonly string[]): Promise<string | undefined> {
  if (folders.length === 0) return undefined;
  const confinement = await WorkspaceConfinement.create(folders);
  const root = confinement.roots[0];
  if (!root) return undefined;
  let file;
  try {
    file = await openPinnedPath(path.join(root.realPath, '.hearth', 'memory.md'), '.hearth/memory.md');
  } catch {
    return undefined;
  }
  try {
    if (!file.stat.isFile() || file.stat.nlink > 1) return undefined;
    const bytes = await readPinnedPrefix(file, MAX_MEMORY_READ_BYTES);
    if (looksBinary(bytes)) return undefined;
    // A cut in the middle of a UTF-8 sequence decodes to one replacement character: harmless.
    const text = bytes.toString('utf8');
    return file.stat.size > MAX_MEMORY_READ_BYTES ? `${text}\n[… the rest of .hearth/memory.md (${file.stat.size} bytes in all) was left out; ask the user to tidy it]` : text;
  } finally {
    await file.close();
  }
}
