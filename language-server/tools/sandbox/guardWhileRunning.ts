import { watch, type FSWatcher } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { isNew } from './auditCreatedPaths';
import type { GuardScan } from './findGuardedPaths';
import { gitDirRunsCode } from './gitDirRunsCode';
import { moveAside } from './moveAside';
import { openParentInside } from './openParentInside';
import { protectedPathReason } from '../protectedPaths';
import { workspacePathLabeller } from '../workspaceConfinement';

/**
 * The most folders one command's watch covers. Each is one inotify watch,
 * set up in slices that give the event loop a turn; past this (a huge
 * folder that is not a repository's top) deeper folders are left to the
 * audit after the command.
 */
const MAX_WATCHED = 20_000;
/** Folders whose watches are set up before the event loop gets a turn. */
const SLICE = 250;

/**
 * Watches what a sandboxed command creates while it runs, for the two things
 * the editor acts on at once, outside the sandbox, before the audit after
 * the command could take them away:
 * - a new `.git` that could run code: VS Code's Git extension watches every
 *   path with `/.git` in it that no open repository holds, and opens such a
 *   folder as a repository half a second later, and its `git status` runs
 *   the folder's `core.fsmonitor` or a filter; this is watched in every
 *   folder the guard scan listed (and every folder the command makes) of a
 *   workspace folder that is not itself a repository's top (inside one, the
 *   extension ignores nested `.git` events);
 * - a new `.vscode/` in a workspace folder, whose settings the editor reads
 *   as soon as they appear.
 * Such a path is moved out of the workspace (into `quarantine`) as soon as
 * it is seen. A `.git` as harmless as `git init` makes it stays, as in the
 * audit, and is looked at again at its next change. One watch per folder,
 * not Node's recursive watch, which also watches every file and sets itself
 * up in one blocking walk. `stop()` ends the watching, waits for checks under
 * way and returns one line per removal. A watch that cannot be set up (no
 * inotify watches left) leaves the audit after the command, as before.
 */
export function guardWhileRunning(roots: readonly string[], scans: readonly GuardScan[], quarantine: string = os.tmpdir()): { stop(): Promise<string[]> } {
  const lines: string[] = [];
  const watchers: FSWatcher[] = [];
  let holder: Promise<string> | undefined;
  let work: Promise<void> = Promise.resolve();
  let stopped = false;

  const label = workspacePathLabeller(roots);

  const check = (root: string, scan: GuardScan, relative: string) => {
    // One check at a time, in order: a path seen twice is judged again after the first move, and found gone.
    work = work.then(async () => {
      if (!isNew(relative, scan)) return;
      // Judged and moved inside its folder as opened from the workspace folder, never by name: the command runs
      // on, and swapping a folder on the way for a link to another repository of the user's would make a move by
      // name take that repository's .git. Where a folder on the way is already a link, the path is no longer in
      // the workspace; the audit after the command judges wherever it went.
      const parent = await openParentInside(root, relative).catch(() => null);
      if (!parent) return;
      try {
        await judge(root, relative, parent.entry);
      } finally {
        await parent.close();
      }
    });
  };

  /** Moves the new `relative` (reached as `entry`) aside if the editor would act on it. */
  const judge = async (root: string, relative: string, entry: string) => {
    const stat = await fs.lstat(entry).catch(() => null);
    if (!stat) return;
    const isVscode = relative === '.vscode';
    const runsCode = isVscode ? null : await gitDirRunsCode(entry);
    if (!isVscode && !runsCode) return;
    // The audit's words, so the model reads one account of such paths, and when it was taken away.
    const why = runsCode ? `a new git directory that could run code: ${runsCode}` : (protectedPathReason(['.vscode']) ?? 'the editor reads its settings');
    const when = runsCode ? "while the command still ran, since the editor's Git opens a new repository within a second" : 'while the command still ran, since the editor reads new settings at once';
    const shown = label(roots.indexOf(root), relative);
    try {
      holder ??= fs.mkdtemp(path.join(quarantine, 'hearth-removed-'));
      const where = await moveAside(entry, path.join(await holder, shown));
      lines.push(`The command created ${shown}, which Hearth removed (moved to ${where}): ${why}. Hearth took it away ${when}. Commands may not create it; propose the change to the user or use the file tools, which ask.`);
    } catch (e) {
      lines.push(`The command created ${shown}, which Hearth could not remove (${(e as Error).message}): ${why}. Tell the user to delete it.`);
    }
  };

  roots.forEach((root, i) => {
    const scan = scans[i];
    if (!scan) return;
    const deep = !(scan.listings.get('')?.has('.git') ?? true);
    /** Each watched folder's watch and inode: a folder removed and made again under its name needs a new watch. */
    const watched = new Map<string, { watcher: FSWatcher; ino: number }>();
    /** An entry `name` appeared or changed in the folder `dir` (relative, '' for the workspace folder). */
    const seen = (dir: string, name: string) => {
      if (stopped) return;
      const relative = dir === '' ? name : `${dir}/${name}`;
      const segments = relative.split('/');
      const git = segments.indexOf('.git');
      if (git >= 0) check(root, scan, segments.slice(0, git + 1).join('/'));
      else if (relative === '.vscode') check(root, scan, '.vscode');
      // A folder the command made is watched too, and what it already holds looked at, since a
      // `mkdir -p a/b/.git` is done before a watch on a/ could see b/.
      if (deep) void fs.lstat(path.join(root, relative)).then((s) => s.isDirectory() && watchFolder(relative, s.ino, true), () => undefined);
    };
    /** Watches the folder `dir` (inode `ino`) unless it is watched already; `look`: also looks at what it holds now. */
    const watchFolder = (dir: string, ino: number, look: boolean) => {
      const earlier = watched.get(dir);
      if (stopped || earlier?.ino === ino || watched.size >= MAX_WATCHED) return;
      earlier?.watcher.close();
      try {
        const watcher = watch(path.join(root, dir), (_event, name) => typeof name === 'string' && seen(dir, name));
        watcher.on('error', () => watcher.close());
        watchers.push(watcher);
        watched.set(dir, { watcher, ino });
      } catch {
        // No watch here (the folder is gone, or no inotify watches are left): the audit after the command remains.
        return;
      }
      if (look) void fs.readdir(path.join(root, dir)).then((names) => names.forEach((name) => seen(dir, name)), () => undefined);
    };
    // The folders the scan listed, in slices, the workspace folder first; where it is a repository's top, only it.
    const folders = deep ? [...scan.listings.keys()] : [''];
    void (async () => {
      for (let k = 0; k < folders.length && !stopped; k++) {
        const stat = await fs.lstat(path.join(root, folders[k])).catch(() => null);
        if (stat?.isDirectory()) watchFolder(folders[k], stat.ino, false);
        if (k % SLICE === SLICE - 1) await new Promise((resolve) => setImmediate(resolve));
      }
    })();
  });

  return {
    async stop() {
      stopped = true;
      for (const watcher of watchers) watcher.close();
      await work;
      return lines;
    },
  };
}
