import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isGitignored } from '../codeIndex/isGitignored';

/**
 * Whether an open document other than the one being completed may be shown
 * to the suggestion model (which is a team server in team mode): only a
 * saved file of a workspace folder that the workspace walk would reach, the
 * same reach as the agent's tools and `@folder`. An editor tab can hold
 * anything (`~/.aws/credentials`, an ignored `.env.local`, a secret pasted
 * into an untitled buffer, a workspace symlink to a file outside), and the
 * user typing in another file has not chosen to send it. Decided by the real
 * path, so a symlink out of the workspace or a second hard link does not count
 * as a workspace file.
 */
export async function isShareableDocument(uri: string, roots: readonly string[]): Promise<boolean> {
  if (!uri.startsWith('file:')) return false;
  let real: string;
  try {
    real = await fs.realpath(fileURLToPath(uri));
    if ((await fs.stat(real)).nlink > 1) return false;
  } catch {
    return false;
  }
  for (const root of roots) {
    const rootReal = await fs.realpath(root).catch(() => undefined);
    if (!rootReal) continue;
    const relative = path.relative(rootReal, real);
    if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) continue;
    const parts = relative.split(path.sep);
    if (parts.some((p) => p.toLowerCase() === '.git')) return false;
    return !(await isGitignored(rootReal, parts.join('/')));
  }
  return false;
}
