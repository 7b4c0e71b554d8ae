import { openPinnedDir, openPinnedSubdir, type PinnedDir } from '../pinnedFiles';

/** The folder holding a path below a workspace folder, opened without following a link, and the path's last name. */
export interface ParentInside {
  readonly dir: PinnedDir;
  readonly name: string;
  /** The path through which the entry itself is reached: inside `dir`, whatever the names above it lead to now. */
  readonly entry: string;
  close(): Promise<void>;
}

/**
 * Opens the folder that holds `relative` (a `/`-separated path below the
 * workspace folder `root`, a real path) one folder at a time, refusing a
 * symlink at any step (a `PathChangedError`). Hearth's repairs after or
 * during a sandboxed command (setting a new `.git` aside, putting a guarded
 * link back) act on paths the command could change: a folder on the way
 * swapped for a link to another of the user's folders would make a repair by
 * name move or delete what that folder holds, outside the workspace. Through
 * the opened folder the repair lands in the workspace, or not at all: the
 * command can only rename the folder within the workspace's mount.
 */
export async function openParentInside(root: string, relative: string): Promise<ParentInside> {
  const segments = relative.split('/').filter((s) => s !== '');
  const name = segments.pop();
  if (name === undefined) throw new Error('openParentInside: the path is the workspace folder itself');
  let dir = await openPinnedDir(root, relative);
  try {
    for (const segment of segments) {
      const next = await openPinnedSubdir(dir, segment, relative);
      await dir.close();
      dir = next;
    }
  } catch (e) {
    await dir.close();
    throw e;
  }
  const opened = dir;
  return { dir: opened, name, entry: opened.entryPath(name), close: () => opened.close() };
}
