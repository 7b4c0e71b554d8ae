import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The path a model should see for a document: relative to the workspace
 * folder that contains it (absolute paths leak the user's home directory into
 * prompts and vary between machines), else the file name; for untitled
 * documents the URI's own name.
 */
export function displayPath(uri: string, roots: readonly string[]): string {
  if (!uri.startsWith('file:')) return uri.replace(/^[a-z-]+:/i, '');
  let file: string;
  try {
    file = fileURLToPath(uri);
  } catch {
    return uri;
  }
  for (const root of roots) {
    const relative = path.relative(root, file);
    if (relative && !relative.startsWith('..') && !path.isAbsolute(relative)) return relative.split(path.sep).join('/');
  }
  return path.basename(file);
}
