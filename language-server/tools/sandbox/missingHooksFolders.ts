import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** A `core.hooksPath` folder inside a workspace folder that did not exist when a command started. */
export interface MissingHooksFolder {
  /** The workspace folder it is in (a real path). */
  readonly root: string;
  /** The hooks folder, `/`-separated, below `root`. */
  readonly relative: string;
  /** The first folder on its way that did not exist (the hooks folder itself, or a folder above it). */
  readonly firstMissing: string;
}

/**
 * The hooks folders (absolute, as gitHooksFolders returns them) that do not
 * exist yet inside one of `roots`. The sandbox can keep only existing paths
 * read-only, so a command could create such a folder and fill it with hooks
 * that git runs, outside any sandbox, at the user's next commit; the audit
 * after the command looks for these paths. A folder reached through a link
 * that exists already is left out: it is not where the link's target is.
 */
export async function missingHooksFolders(roots: readonly string[], hooks: readonly string[]): Promise<MissingHooksFolder[]> {
  const missing: MissingHooksFolder[] = [];
  for (const folder of hooks) {
    const root = roots.find((r) => folder.startsWith(`${r}${path.sep}`));
    if (!root) continue;
    const segments = path.relative(root, folder).split(path.sep);
    let dir = root;
    for (let i = 0; i < segments.length; i++) {
      dir = path.join(dir, segments[i]);
      const stat = await fs.lstat(dir).catch(() => null);
      if (!stat) {
        missing.push({ root, relative: segments.join('/'), firstMissing: segments.slice(0, i + 1).join('/') });
        break;
      }
      if (!stat.isDirectory()) break;
    }
  }
  return missing;
}

/**
 * What a command made of a hooks folder that was missing when it started:
 * the path to set aside (`/`-separated, below the workspace folder), or null
 * when the route to the folder still stops short of it. That is the hooks
 * folder itself when the command made it of plain folders, so whatever else
 * it made on the way stays; or the first link on the way, which could lead
 * anywhere by the next commit. The folders that existed before are mount
 * points in the sandbox, so the command could not swap them.
 */
export async function createdHooksRoute(hooks: MissingHooksFolder): Promise<string | null> {
  const segments = hooks.relative.split('/');
  for (let i = hooks.firstMissing.split('/').length; i <= segments.length; i++) {
    const relative = segments.slice(0, i).join('/');
    const stat = await fs.lstat(path.join(hooks.root, ...segments.slice(0, i))).catch(() => null);
    if (!stat) return null;
    if (stat.isSymbolicLink()) return relative;
  }
  return hooks.relative;
}
