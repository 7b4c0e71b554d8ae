import { watch, type FSWatcher } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { isNew } from './auditCreatedPaths';
import type { GuardScan } from './findGuardedPaths';
import { gitDirRunsCode } from './gitDirRunsCode';
import { protectedPathReason } from '../protectedPaths';
import { moveAside } from './moveAside';

/**
 * Watches what a sandboxed command creates while it runs, for the two things
 * the editor acts on at once, outside the sandbox, before the audit after
 * the command could take them away:
 * - a new `.git` that could run code: VS Code's Git extension watches every
 *   path with `/.git` in it that no open repository holds, and opens such a
 *   folder as a repository half a second later, and its `git status` runs
 *   the folder's `core.fsmonitor` or a filter; this is watched at any depth
 *   in a workspace folder that is not itself a repository's top (inside
 *   one, the extension ignores nested `.git` events);
 * - a new `.vscode/` in a workspace folder, whose settings the editor reads
 *   as soon as they appear.
 * Such a path is moved out of the workspace (into `quarantine`) as soon as
 * it is seen. A `.git` as harmless as `git init` makes it stays, as in the
 * audit, and is looked at again at its next change. `stop()` ends the
 * watching, waits for checks under way and returns one line per removal.
 * A watch that cannot be set up (no inotify watches left) leaves the audit
 * after the command, as before.
 */
export function guardWhileRunning(roots: readonly string[], scans: readonly GuardScan[], quarantine: string = os.tmpdir()): { stop(): Promise<string[]> } {
  const lines: string[] = [];
  const watchers: FSWatcher[] = [];
  let holder: Promise<string> | undefined;
  let work: Promise<void> = Promise.resolve();
  let stopped = false;
  const check = (root: string, scan: GuardScan, relative: string) => {
    // One check at a time, in order: a path seen twice is judged again after the first move, and found gone.
    work = work.then(async () => {
      if (!isNew(relative, scan)) return;
      const absolute = path.join(root, relative);
      const stat = await fs.lstat(absolute).catch(() => null);
      if (!stat) return;
      const runsCode = relative === '.vscode' ? null : await gitDirRunsCode(absolute);
      if (relative !== '.vscode' && !runsCode) return;
      // The audit's words, so the model reads one account of such paths, and when it was taken away.
      const why = runsCode ? `a new git directory that could run code: ${runsCode}` : (protectedPathReason(['.vscode']) ?? 'the editor reads its settings');
      const when = runsCode ? "while the command still ran, since the editor's Git opens a new repository within a second" : 'while the command still ran, since the editor reads new settings at once';
      const shown = roots.length > 1 ? `${path.basename(root)}/${relative}` : relative;
      try {
        holder ??= fs.mkdtemp(path.join(quarantine, 'hearth-removed-'));
        const where = await moveAside(absolute, path.join(await holder, shown));
        lines.push(`The command created ${shown}, which Hearth removed (moved to ${where}): ${why}. Hearth took it away ${when}. Commands may not create it; propose the change to the user or use the file tools, which ask.`);
      } catch (e) {
        lines.push(`The command created ${shown}, which Hearth could not remove (${(e as Error).message}): ${why}. Tell the user to delete it.`);
      }
    });
  };
  roots.forEach((root, i) => {
    const scan = scans[i];
    if (!scan) return;
    const topOfRepository = scan.listings.get('')?.has('.git') ?? true;
    try {
      const watcher = watch(root, { recursive: !topOfRepository }, (_event, filename) => {
        if (stopped || typeof filename !== 'string') return;
        const segments = filename.split(path.sep);
        const git = segments.indexOf('.git');
        if (git >= 0) check(root, scan, segments.slice(0, git + 1).join('/'));
        else if (segments[0] === '.vscode') check(root, scan, '.vscode');
      });
      watcher.on('error', () => watcher.close());
      watchers.push(watcher);
    } catch {
      // No watch (the system's inotify limit): the audit after the command still takes such paths away.
    }
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
