import { looksBinary, openPinnedPath, readPinnedPrefix } from '../tools';
import { confineMention } from './confineMention';

/**
 * Reads a file named relative to the workspace for an `@` mention, with the
 * same confinement as the agent's tools (real paths, symlinks followed,
 * refused outside every workspace folder), reading the very file that was
 * checked (no reopening by name, so a swapped symlink cannot redirect it).
 * At most `maxBytes` are read, however large the file is or grows while it
 * is read: a mention of a multi-gigabyte log must not take the language
 * server's memory (the caller cuts the text to what it attaches anyway).
 */
export async function readWorkspaceFile(roots: string[], relativePath: string, maxBytes: number): Promise<string> {
  const { target } = await confineMention(roots, relativePath, 'files');
  const file = await openPinnedPath(target.absolute, target.display);
  let bytes: Buffer;
  try {
    if (!file.stat.isFile()) throw new Error(`${relativePath} is not a file`);
    // A second hard link may be a file outside the workspace under another name.
    if (file.stat.nlink > 1) throw new Error(`${relativePath} has ${file.stat.nlink} hard links, so it may be a file outside the workspace; attach it from an open editor instead`);
    bytes = await readPinnedPrefix(file, maxBytes);
  } finally {
    await file.close();
  }
  if (looksBinary(bytes)) throw new Error(`${relativePath} looks like a binary file`);
  return bytes.toString('utf8');
}
