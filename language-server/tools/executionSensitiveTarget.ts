import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { EXECUTION_SENSITIVE_TOP_LEVEL, executionSensitivity } from './executionSensitivePaths';
import { gitHooksFolders, hooksPathReason } from './gitHooksFolders';
import { isSameOrInside } from './protectedPaths';

/**
 * Why writing a path makes another program run different code, or null.
 * Checked four ways, because a tool that runs code finds its files by name
 * and follows symlinks: the path as the model typed it (`package.json`), the
 * path it resolves to (a link named `notes.txt` pointing at `Makefile`),
 * the real location of each execution-sensitive name at the folder's top
 * level (`.vscode -> editor-config/` makes `editor-config/tasks.json` the
 * tasks file; `Makefile -> build/rules.mk` makes `build/rules.mk` the
 * Makefile), and the hooks folder git's `core.hooksPath` names
 * (gitHooksFolders.ts).
 */
export async function executionSensitiveTarget(
  rootRealPath: string,
  typedRelative: string,
  resolvedRelative: string,
  target: string,
  caseInsensitive: boolean,
): Promise<string | null> {
  const byName = executionSensitivity(typedRelative.split('/')) ?? executionSensitivity(resolvedRelative.split('/'));
  if (byName) return byName.reason;
  for (const entry of EXECUTION_SENSITIVE_TOP_LEVEL) {
    const lexical = path.join(rootRealPath, ...entry.split('/'));
    const real = await fs.realpath(lexical).catch(() => null);
    if (!real || real === lexical || !isSameOrInside(real, target, caseInsensitive)) continue;
    const inside = path.relative(real, target);
    const segments = inside === '' ? entry.split('/') : [...entry.split('/'), ...inside.split(path.sep)];
    const why = executionSensitivity(segments);
    if (why) return `${why.reason} (it is reached as ${entry} through a symlink)`;
  }
  // `.vscode` itself: tasks.json and launch.json in the folder it really is.
  const vscode = await fs.realpath(path.join(rootRealPath, '.vscode')).catch(() => null);
  if (vscode && isSameOrInside(vscode, target, caseInsensitive) && target !== vscode) {
    const why = executionSensitivity(['.vscode', ...path.relative(vscode, target).split(path.sep)]);
    if (why) return `${why.reason} (it is reached as .vscode/ through a symlink)`;
  }
  // A hooks folder that git's core.hooksPath names can be called anything, so its name says nothing. Files below
  // it count too (a hook may source them), except when it is the workspace folder itself, whose hooks are its own files.
  for (const hooks of await gitHooksFolders(rootRealPath)) {
    const inside = hooks === rootRealPath ? path.dirname(target) === hooks : isSameOrInside(hooks, target, caseInsensitive) && target !== hooks;
    if (inside) {
      return hooksPathReason(path.relative(rootRealPath, hooks).split(path.sep).join('/'));
    }
  }
  return null;
}
