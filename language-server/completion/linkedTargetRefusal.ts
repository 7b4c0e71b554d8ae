import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkspaceConfinement } from '../tools';
import { isInsideOrSame } from '../workspace/pathInside';

/**
 * Why Apply must not merge into the document at `uri`, or undefined when it
 * may. Apply's target is usually the file a model's code block names, and a
 * cloned repository can ship symlinks (`setup.sh` to the user's shell profile
 * outside the workspace, `editor/` to `.vscode/`), while the diff the user
 * accepts is titled with the workspace name, not the file it writes. So a
 * workspace path that goes through a symlink must pass the agent's write
 * confinement: its real path in a workspace folder, and not the protected set
 * by where git and VS Code really read. A path with no symlink on it is the
 * file it names, which the user may pick themselves (configuration, or a
 * file opened from outside the workspace).
 */
export async function linkedTargetRefusal(uri: string, roots: readonly string[]): Promise<string | undefined> {
  if (!uri.startsWith('file:')) return undefined;
  const file = fileURLToPath(uri);
  const root = roots.find((r) => isInsideOrSame(r, file));
  if (!root) return undefined;
  const rootReal = await fs.realpath(root).catch(() => root);
  const real = await realPathOf(file);
  if (real === path.join(rootReal, path.relative(root, file))) return undefined;
  const confinement = await WorkspaceConfinement.create(roots);
  if (real === undefined) return 'it is (or goes through) a symlink whose target does not exist';
  if (!confinement.roots.some((r) => isInsideOrSame(r.realPath, real))) return `it leads outside the workspace through a symlink (to ${real})`;
  try {
    await confinement.resolve(file, 'write');
    return undefined;
  } catch (err) {
    return `it leads to ${real} through a symlink. ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * The real path of `file`, or of its nearest existing folder with the rest
 * appended (a document not saved yet); undefined when something on the way
 * exists but cannot be resolved (a dangling symlink, a loop).
 */
async function realPathOf(file: string): Promise<string | undefined> {
  const rest: string[] = [];
  for (let probe = file; ; probe = path.dirname(probe)) {
    const real = await fs.realpath(probe).catch(() => undefined);
    if (real !== undefined) return path.join(real, ...rest);
    if (await fs.lstat(probe).then(() => true, () => false)) return undefined;
    if (path.dirname(probe) === probe) return undefined;
    rest.unshift(path.basename(probe));
  }
}
