import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { executionSensitivity } from '../executionSensitivePaths';
import { protectedPathReason } from '../protectedPaths';
import { findGuardedPaths, type GuardScan } from './findGuardedPaths';
import { gitDirRunsCode } from './gitDirRunsCode';
import { hooksPathReason } from '../gitHooksFolders';
import { createdHooksRoute, type MissingHooksFolder } from './missingHooksFolders';
import { moveAside } from './moveAside';
import { openParentInside, type ParentInside } from './openParentInside';
import { PathChangedError } from '../pinnedFiles';
import type { GuardScanCache } from './guardScanCache';
import { showHiddenCharacters, workspacePathLabeller } from '../workspaceConfinement';

/**
 * After a sandboxed command: the protected and execution-sensitive paths that
 * exist now but did not before it ran (`.vscode/settings.json` in a folder
 * without `.vscode/`, `.envrc`, `.husky/`, `.github/workflows/`, a nested
 * package.json) are removed, since the sandbox could only keep existing ones
 * read-only. They are moved out of the workspace into a fresh folder under
 * `quarantine` (the command may have moved the user's own files into the new
 * path, so deleting could lose them), out of reach of later commands, whose
 * /tmp is private. A new git
 * directory stays when it is as harmless as a fresh `git init` (no hook, no
 * config key that runs a program). Returns one line per removal for the tool
 * result, so the model and the user learn what happened and why. With
 * `keepExecutionSensitive` (an approved install), only protected paths go.
 * `cache` is the one the scans before the command used, if any.
 * `missingHooks` are git's `core.hooksPath` folders that did not exist
 * before the command (missingHooksFolders.ts): if the command made one,
 * it goes too, unless execution-sensitive paths may stay.
 */
export async function auditCreatedPaths(
  roots: readonly string[],
  before: readonly GuardScan[],
  options: { keepExecutionSensitive?: boolean; quarantine?: string; cache?: GuardScanCache; missingHooks?: readonly MissingHooksFolder[] } = {},
): Promise<string[]> {
  const lines: string[] = [];
  const label = workspacePathLabeller(roots);
  let holder: string | undefined;
  // Moved, not deleted: the command may have moved the user's own files into the new path.
  // Reached through its opened parent folder, never through a link the command put on the way.
  const setAside = async (root: string, relative: string, shown: string): Promise<string> => {
    const parent = await openParentInside(root, relative);
    try {
      if (!options.quarantine) {
        await fs.rm(parent.entry, { recursive: true, force: true });
        return '';
      }
      holder ??= await fs.mkdtemp(path.join(options.quarantine, 'hearth-removed-'));
      return ` (moved to ${await moveAside(parent.entry, path.join(holder, shown))})`;
    } finally {
      await parent.close();
    }
  };
  for (let i = 0; i < roots.length; i++) {
    const root = roots[i];
    const earlier = before[i];
    if (!earlier) continue;
    lines.push(...(await restoreReplacedLinks(earlier, root, (relative) => label(i, relative), setAside)));
    // The cache may serve it: a directory the command added to or removed from has a new ctime,
    // so its listing is read again, and the earlier scan's listings are never changed in place.
    const after = await findGuardedPaths(root, options.cache);
    // Shallow first: removing a new folder removes the new paths inside it too.
    const created = after.guarded.filter((g) => isNew(g.relative, earlier)).sort((a, b) => a.relative.split('/').length - b.relative.split('/').length);
    const removed: string[] = [];
    for (const guarded of created) {
      if (removed.some((r) => guarded.relative.startsWith(`${r}/`))) continue;
      const shown = label(i, guarded.relative);
      const segments = guarded.relative.split('/');
      // An approved install may create node_modules/ and lockfiles; never .git, .vscode or .hearth.
      if (options.keepExecutionSensitive && guarded.kind === 'sensitive') continue;
      let why: string;
      if (guarded.gitDirectory || segments[segments.length - 1].toLowerCase() === '.git') {
        // As harmless as `git init` (or `git init --bare`, `git clone --bare`) makes it: kept.
        const runsCode = await gitDirRunsCode(guarded.path);
        if (!runsCode) continue;
        why = `a new ${guarded.gitDirectory ? 'git repository' : 'git directory'} that could run code: ${runsCode}`;
      } else {
        why = protectedPathReason(segments) ?? executionSensitivity(segments)?.reason ?? 'it is where settings, hooks or build instructions live';
      }
      if (await setAsideCreated(root, guarded.relative, shown, why)) removed.push(guarded.relative);
    }
    for (const hooks of options.missingHooks ?? []) {
      if (hooks.root !== root || options.keepExecutionSensitive) continue;
      const made = await createdHooksRoute(hooks);
      if (made === null) continue;
      await setAsideCreated(root, made, label(i, made), hooksPathReason(hooks.relative));
    }
  }
  return lines;

  async function setAsideCreated(root: string, relative: string, shown: string, why: string): Promise<boolean> {
    try {
      const where = await setAside(root, relative, shown);
      lines.push(`The command created ${shown}, which Hearth removed${where}: ${why}. Commands may not create it; propose the change to the user or use the file tools, which ask.`);
      return true;
    } catch (e) {
      lines.push(`The command created ${shown}, which Hearth could not remove (${(e as Error).message}): ${why}. Tell the user to delete it.`);
      return false;
    }
  }
}


/**
 * Whether `relative` certainly did not exist before the command: some folder
 * on its way was listed completely before, and the next name on the way was
 * not in that listing. A path under a folder the earlier scan never listed
 * (past its caps) is not known to be new, and is left alone: removing it
 * might delete the user's file.
 */
export function isNew(relative: string, before: GuardScan): boolean {
  const segments = relative.split('/');
  let dir = '';
  for (const segment of segments) {
    const listing = before.listings.get(dir);
    if (!listing) return false;
    if (!listing.has(segment)) return true;
    dir = dir === '' ? segment : `${dir}/${segment}`;
  }
  return false;
}

/**
 * Guarded symlinks the command replaced (removed, renamed or re-pointed: a
 * mount covers the link's target, not the link) are put back as they were.
 * What a dangling one pointed to could not be made read-only; if the
 * command created it, it is set aside. That is the path the link named
 * before the command, never where the link points now: the command controls
 * that, and could aim it at the user's .git.
 */
async function restoreReplacedLinks(
  before: GuardScan,
  root: string,
  shown: (relative: string) => string,
  setAside: (root: string, relative: string, shown: string) => Promise<string>,
): Promise<string[]> {
  const lines: string[] = [];
  for (const guarded of before.guarded) {
    if (!guarded.link) continue;
    if (!guarded.mountable) {
      const named = path.resolve(path.dirname(guarded.path), guarded.link.target);
      const rel = path.relative(root, named);
      const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
      const relShown = rel.split(path.sep).join('/');
      // Through the folders it named, not through a link the command put on the way.
      const direct = inside && (await fs.realpath(path.dirname(named)).catch(() => null)) === path.dirname(named);
      if (inside && !direct && (await fs.lstat(named).catch(() => null))) {
        lines.push(`The command made the path the link ${shown(guarded.relative)} names (${shown(relShown)}) lead elsewhere; Hearth left it alone. Tell the user to check ${shown(relShown)}.`);
      } else if (direct && (await fs.lstat(named).catch(() => null))) {
        try {
          const where = await setAside(root, relShown, shown(relShown));
          lines.push(`The command created ${shown(relShown)}, which the link ${shown(guarded.relative)} points to, and Hearth removed it${where}: commands may not change what that link holds.`);
        } catch (e) {
          lines.push(`The command created ${shown(relShown)}, which the link ${shown(guarded.relative)} points to, and Hearth could not remove it (${(e as Error).message}); tell the user to delete it.`);
        }
      }
    }
    // The link is looked at and put back inside its folder as opened from the workspace folder: the command may have
    // swapped a folder above it for a link to another of the user's folders, where this would delete and write.
    let parent: ParentInside;
    try {
      parent = await openParentInside(root, guarded.relative);
    } catch (e) {
      const swapped = e instanceof PathChangedError;
      lines.push(
        swapped
          ? `The command replaced a folder on the way to the link ${shown(guarded.relative)} with a link; Hearth did not follow it. Tell the user to check ${shown(guarded.relative)}, which should be a link to ${showHiddenCharacters(guarded.link.target)}.`
          : `The command removed a folder on the way to the link ${shown(guarded.relative)} (${(e as Error).message}); tell the user it should be a link to ${showHiddenCharacters(guarded.link.target)}.`,
      );
      continue;
    }
    try {
      const now = await fs.lstat(parent.entry).catch(() => null);
      const target = now?.isSymbolicLink() ? await fs.readlink(parent.entry).catch(() => null) : null;
      if (now && now.ino === guarded.link.ino && target === guarded.link.target) continue;
      await fs.rm(parent.entry, { recursive: true, force: true });
      await fs.symlink(guarded.link.target, parent.entry);
      lines.push(`The command replaced the link ${shown(guarded.relative)}, which Hearth restored (pointing to ${showHiddenCharacters(guarded.link.target)}): commands may not change it.`);
    } catch (e) {
      lines.push(`The command replaced the link ${shown(guarded.relative)}, and Hearth could not restore it (${(e as Error).message}); tell the user it should point to ${showHiddenCharacters(guarded.link.target)}.`);
    } finally {
      await parent.close();
    }
  }
  return lines;
}
