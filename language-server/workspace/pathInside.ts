/**
 * Whether one path lies under another, lexically (no symbolic links are
 * followed: callers that need the real location resolve both paths first).
 * One definition for the language server's catalogs, the sandbox and the
 * completion conventions, so that every place draws the line the same way.
 *
 * A name that merely starts with two dots (`..notes`) is inside; only `..`
 * itself or a path that climbs out of the root is outside.
 */
import * as path from 'node:path';

function relativeInside(root: string, target: string): string | undefined {
  const rel = path.relative(root, target);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return rel;
}

/** `target` is `root` itself or anything below it. */
export function isInsideOrSame(root: string, target: string): boolean {
  return relativeInside(root, target) !== undefined;
}

/** `child` is strictly below `parent` (not `parent` itself). */
export function isStrictlyInside(parent: string, child: string): boolean {
  const rel = relativeInside(parent, child);
  return rel !== undefined && rel !== '';
}
