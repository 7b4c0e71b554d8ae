import { WorkspaceConfinement, type ConfinedPath } from '../tools';

/**
 * Resolves a path the user mentioned (`@file` or `@folder/`) under the same
 * confinement as the agent's tools (real paths, symlinks followed, refused
 * outside every workspace folder), with errors worded for the mention: the
 * resolver puts them in the message as the reason nothing was attached.
 */
export async function confineMention(roots: string[], relativePath: string, what: 'files' | 'folders'): Promise<{ confinement: WorkspaceConfinement; target: ConfinedPath }> {
  if (roots.length === 0) throw new Error(`no folder is open, so workspace ${what} cannot be read`);
  const confinement = await WorkspaceConfinement.create(roots);
  let target: ConfinedPath;
  try {
    target = await confinement.resolve(relativePath, 'read');
  } catch (err) {
    // The confinement's reason names the exact rule; the prefix says what it means for a mention.
    throw new Error(`refused, it is outside the workspace or not allowed there. ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!target.exists) throw new Error(`${relativePath} was not found in the workspace`);
  return { confinement, target };
}
