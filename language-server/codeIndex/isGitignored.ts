import { GitignoreRules } from '../tools';

/**
 * Whether .gitignore excludes `relative` (a `/`-separated path in the folder
 * at `rootRealPath`) or any folder above it, as a walk of the workspace would
 * have decided. Both indexes ask it for a path a file watcher reported, so a
 * file the walk would skip never enters an index through an event.
 */
export async function isGitignored(rootRealPath: string, relative: string, isDirectory = false): Promise<boolean> {
  const parts = relative.split('/');
  const rules = await GitignoreRules.forDirectory(rootRealPath, parts.slice(0, -1).join('/')).catch(() => undefined);
  if (!rules) return false;
  for (let i = 1; i < parts.length; i++) if (rules.isIgnored(parts.slice(0, i).join('/'), true)) return true;
  return rules.isIgnored(relative, isDirectory);
}
