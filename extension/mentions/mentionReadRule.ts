import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Why the contents of `absolutePath` must not go into `@problems` or
 * `@changes`, or undefined when they may. These are the rules an `@file`
 * mention follows (language-server/workspace/readWorkspaceFile.ts): the file
 * must really be inside a workspace folder once symlinks are followed, and
 * have a single hard link, since a second link can be a file outside the
 * workspace under another name (a key, a token). A file that no longer
 * exists (deleted since the last commit) passes: what git shows of it is
 * what the repository already holds, and its path is checked like any other.
 */
export async function mentionReadRefusal(absolutePath: string, workspaceFolders: readonly string[]): Promise<string | undefined> {
  if (!workspaceFolders.some((folder) => isInside(folder, absolutePath))) return 'it is outside the workspace';
  let real: string;
  try {
    real = await fs.realpath(absolutePath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      // A dangling symlink is not "deleted": where it pointed cannot be checked.
      const link = await fs.lstat(absolutePath).catch(() => undefined);
      return link?.isSymbolicLink() ? 'it is a symlink whose target does not exist' : undefined;
    }
    return 'it could not be checked';
  }
  const realFolders = await Promise.all(workspaceFolders.map((f) => fs.realpath(f).catch(() => f)));
  if (!realFolders.some((folder) => isInside(folder, real))) return 'it leads outside the workspace through a symlink';
  const stat = await fs.stat(real).catch(() => undefined);
  if (!stat) return 'it could not be checked';
  if (stat.isFile() && stat.nlink > 1) return `it has ${stat.nlink} hard links, so it may be a file outside the workspace`;
  return undefined;
}

/** Whether `candidate` is `folder` or below it (both absolute). */
export function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
