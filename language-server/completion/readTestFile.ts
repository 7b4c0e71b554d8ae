import { constants as fsConstants, type Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import { HearthException } from '../../agent-host';
import { openPinnedPath, WorkspaceConfinement } from '../tools';
import { isInsideOrSame } from '../workspace/pathInside';

/**
 * What the test file Write Tests adds to holds now (undefined: it does not
 * exist yet). Write Tests shows it to the model and the extension writes
 * there on Accept, at a path the repository lays out (shape.test.ts beside
 * the file, a test/ folder), and a cloned repository can make any part of it
 * a symlink: to a file outside the workspace (a key, `/proc/self/environ`,
 * `/dev/zero`) or, dangling, to where Accept would create a file. So a test
 * file in a workspace folder is confined as the agent's write_file is (its
 * real path in the workspace, no dangling link, not the protected set) and
 * read through a verified descriptor, a regular file with one link, its last
 * `maxBytes` only. One beside a source file outside every folder (a file the
 * user opened there) is opened without following a symlink. Anything else is
 * a HearthException that says why.
 */
export async function readTestFile(absolutePath: string, display: string, roots: readonly string[], maxBytes: number): Promise<string | undefined> {
  const refuse = (why: string) =>
    new HearthException({
      code: 'invalidRequest',
      message: `Write Tests would add the tests to ${display}, but ${why} Hearth neither reads nor writes it; move it out of the way, or write the tests in another file.`,
      retryable: false,
    });
  let file: { handle: fs.FileHandle; stat: Stats; close(): Promise<void> };
  if (roots.some((root) => isInsideOrSame(root, absolutePath))) {
    const confinement = await WorkspaceConfinement.create(roots);
    const target = await confinement.resolve(absolutePath, 'write').catch((err: Error) => {
      throw refuse(err.message);
    });
    if (!target.exists) return undefined;
    file = await openPinnedPath(target.absolute, display).catch((err: Error) => {
      throw refuse(`${err.message}.`);
    });
  } else {
    const link = await fs.lstat(absolutePath).catch(() => null);
    if (!link) return undefined;
    if (link.isSymbolicLink()) throw refuse('it is a symlink.');
    const handle = await fs.open(absolutePath, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0) | (fsConstants.O_NONBLOCK ?? 0)).catch((err: Error) => {
      throw refuse(`it cannot be opened (${err.message}).`);
    });
    file = { handle, stat: await handle.stat(), close: () => handle.close() };
  }
  try {
    if (!file.stat.isFile()) throw refuse('it is not a regular file.');
    if (file.stat.nlink > 1) throw refuse(`it has ${file.stat.nlink} hard links, so it may be a file outside the workspace under another name.`);
    // The end of the file: the newest tests and where the new ones are appended.
    const length = Math.min(file.stat.size, maxBytes);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.handle.read(buffer, 0, length, file.stat.size - length);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    return file.stat.size > maxBytes ? `… (the start of the file is left out)\n${text}` : text;
  } finally {
    await file.close();
  }
}
