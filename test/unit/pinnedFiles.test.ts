/**
 * The pinning primitives on their own (Linux: /proc/self/fd): a folder that
 * was opened stays the folder every later step works in, whatever its name
 * points to by then.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { hasProcPinning, openPinnedDir, openPinnedEntry, openPinnedPath, PathChangedError } from '../../language-server/tools/pinnedFiles';
import { writeFileAtomically } from '../../language-server/tools/writeFileAtomically';
import { makeToolWorkspace, snapshotTree, type ToolWorkspace } from '../fixtures/toolWorkspace';

describe('pinned files', () => {
  let ws: ToolWorkspace;

  beforeEach(async () => {
    ws = await makeToolWorkspace({ 'dir/file.txt': 'inside\n' });
  });

  afterEach(() => ws.cleanup());

  it('pins through /proc/self/fd on Linux', async function () {
    if (process.platform !== 'linux') this.skip();
    assert.equal(await hasProcPinning(), true);
  });

  it('writes (temporary file and rename) into the pinned folder even after its name became a symlink to the outside', async function () {
    // The fallback elsewhere reaches entries by name, so this guarantee is Linux's.
    if (!(await hasProcPinning())) this.skip();
    const before = await snapshotTree(ws.outside);
    const dir = await openPinnedDir(path.join(ws.root, 'dir'), 'dir');
    try {
      await fs.rename(path.join(ws.root, 'dir'), path.join(ws.root, 'dir-moved'));
      await fs.symlink(ws.outside, path.join(ws.root, 'dir'));
      await assert.rejects(writeFileAtomically(dir, 'file.txt', 'written\n', 'dir/file.txt'), PathChangedError, 'the folder moved, which the write reports');
    } finally {
      await dir.close();
    }
    assert.equal((await fs.readFile(path.join(ws.root, 'dir-moved', 'file.txt'))).toString(), 'written\n');
    assert.deepEqual((await fs.readdir(path.join(ws.root, 'dir-moved'))).sort(), ['file.txt']);
    assert.equal(await snapshotTree(ws.outside), before);
  });

  it('refuses a symlink where a folder or a file was checked', async () => {
    await fs.symlink(ws.outside, path.join(ws.root, 'link-dir'));
    await fs.symlink(path.join(ws.outside, 'secret.txt'), path.join(ws.root, 'dir', 'link-file'));
    await assert.rejects(openPinnedDir(path.join(ws.root, 'link-dir'), 'link-dir'), PathChangedError);
    await assert.rejects(openPinnedPath(path.join(ws.root, 'dir', 'link-file'), 'dir/link-file'), PathChangedError);
    const dir = await openPinnedDir(path.join(ws.root, 'dir'), 'dir');
    try {
      await assert.rejects(openPinnedEntry(dir, 'link-file', 'dir/link-file'), PathChangedError);
      await assert.rejects(writeFileAtomically(dir, 'link-file', 'x', 'dir/link-file'), PathChangedError);
    } finally {
      await dir.close();
    }
    assert.equal((await fs.readFile(path.join(ws.outside, 'secret.txt'))).toString(), 'TOP SECRET\n');
  });

  it('refuses a path whose parent folder is a symlink now, though it was real when checked', async () => {
    await fs.rename(path.join(ws.root, 'dir'), path.join(ws.root, 'dir-moved'));
    await fs.mkdir(path.join(ws.outside, 'd'));
    await fs.writeFile(path.join(ws.outside, 'd', 'file.txt'), 'TOP SECRET\n');
    await fs.symlink(path.join(ws.outside, 'd'), path.join(ws.root, 'dir'));
    await assert.rejects(openPinnedPath(path.join(ws.root, 'dir', 'file.txt'), 'dir/file.txt'), PathChangedError);
  });
});
