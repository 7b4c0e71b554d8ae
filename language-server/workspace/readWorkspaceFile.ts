import * as fs from 'node:fs/promises';
import { looksBinary, WorkspaceConfinement } from '../tools';

/**
 * Reads a file named relative to the workspace for an `@` mention, with the
 * same confinement as the agent's tools (real paths, symlinks followed,
 * refused outside every workspace folder).
 */
export async function readWorkspaceFile(roots: string[], relativePath: string): Promise<string> {
  if (roots.length === 0) throw new Error('no folder is open, so workspace files cannot be read');
  const confinement = await WorkspaceConfinement.create(roots);
  let target;
  try {
    target = await confinement.resolve(relativePath, 'read');
  } catch (err) {
    // The confinement's reason names the exact rule; the prefix says what it means for a mention.
    throw new Error(`refused, it is outside the workspace or not allowed there. ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!target.exists) throw new Error(`${relativePath} was not found in the workspace`);
  const stat = await fs.stat(target.absolute);
  if (!stat.isFile()) throw new Error(`${relativePath} is not a file`);
  const bytes = await fs.readFile(target.absolute);
  if (looksBinary(bytes)) throw new Error(`${relativePath} looks like a binary file`);
  return bytes.toString('utf8');
}
