import { openPinnedPath, type PinnedHandle } from '../pinnedFiles';
import { ToolError } from '../toolError';
import type { ConfinedPath } from '../workspaceConfinement';

function gone(e: unknown, target: ConfinedPath, hint: string): never {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') throw new ToolError(`${target.display} does not exist (it was removed just now). ${hint}`, 'not found');
  if (code === 'EACCES' || code === 'EPERM') throw new ToolError(`${target.display} cannot be opened: permission denied.`, 'permission denied');
  throw e;
}

/** Opens a checked path (file or folder) for reading, verified to be what was checked. */
export async function openConfinedForRead(target: ConfinedPath, hint: string): Promise<PinnedHandle> {
  try {
    return await openPinnedPath(target.absolute, target.display);
  } catch (e) {
    gone(e, target, hint);
  }
}
