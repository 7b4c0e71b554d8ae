import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Reads a file named relative to the workspace, refusing anything whose real
 * path (symlinks followed) is outside every workspace folder.
 */
export async function readWorkspaceFile(roots: string[], relativePath: string): Promise<string> {
  if (roots.length === 0) throw new Error('no folder is open, so workspace files cannot be read');
  if (relativePath.includes('\0')) throw new Error('the path contains a NUL byte');
  for (const root of roots) {
    const realRoot = await fs.realpath(root);
    let real: string;
    try {
      real = await fs.realpath(path.resolve(realRoot, relativePath));
    } catch {
      continue;
    }
    const rel = path.relative(realRoot, real);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${relativePath} is outside the workspace`);
    const stat = await fs.stat(real);
    if (!stat.isFile()) throw new Error(`${relativePath} is not a file`);
    const bytes = await fs.readFile(real);
    if (bytes.subarray(0, 8000).includes(0)) throw new Error(`${relativePath} looks like a binary file`);
    return bytes.toString('utf8');
  }
  throw new Error(`${relativePath} was not found in the workspace`);
}
