/**
 * The pinning primitives on their own (Linux: /proc/self/fd): a folder that
 * was opened stays the folder every later step works in, whatever its name
 * points to by then.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { hasProcPinning, listPinned, openPinnedDir, openPinnedEntry, openPinnedPath, PathChangedError, usePortablePinningForTests } from '../../language-server/tools/pinnedFiles';
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

  it('relies on a rename through /proc/self/fd/N staying in the opened folder after its name became a symlink (the kernel property writes use)', async function () {
    if (!(await hasProcPinning())) this.skip();
    const dir = await openPinnedDir(path.join(ws.root, 'dir'), 'dir');
    try {
      await fs.rename(path.join(ws.root, 'dir'), path.join(ws.root, 'dir-moved'));
      await fs.symlink(ws.outside, path.join(ws.root, 'dir'));
      await fs.writeFile(dir.entryPath('.tmp'), 'written\n', { flag: 'wx' });
      await fs.rename(dir.entryPath('.tmp'), dir.entryPath('file.txt'));
    } finally {
      await dir.close();
    }
    assert.equal((await fs.readFile(path.join(ws.root, 'dir-moved', 'file.txt'))).toString(), 'written\n');
    assert.deepEqual(await fs.readdir(ws.outside), ['secret.txt']);
  });

  it('refuses to write once the pinned folder is no longer at the checked path, leaving no temporary file', async () => {
    const before = await snapshotTree(ws.outside);
    const dir = await openPinnedDir(path.join(ws.root, 'dir'), 'dir');
    try {
      await fs.rename(path.join(ws.root, 'dir'), path.join(ws.root, 'dir-moved'));
      await fs.symlink(ws.outside, path.join(ws.root, 'dir'));
      await assert.rejects(writeFileAtomically(dir, 'file.txt', 'written\n', 'dir/file.txt'), PathChangedError);
    } finally {
      await dir.close();
    }
    assert.equal((await fs.readFile(path.join(ws.root, 'dir-moved', 'file.txt'))).toString(), 'inside\n');
    assert.deepEqual(await fs.readdir(path.join(ws.root, 'dir-moved')), ['file.txt']);
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

  describe('the portable fallback (what macOS and Windows use), forced on this machine', () => {
    before(() => usePortablePinningForTests(true));
    after(() => usePortablePinningForTests(false));

    it('still refuses symlinks where a folder or a file was checked, and a folder on the path that became a symlink', async () => {
      assert.equal(await hasProcPinning(), false);
      await fs.symlink(ws.outside, path.join(ws.root, 'link-dir'));
      await assert.rejects(openPinnedDir(path.join(ws.root, 'link-dir'), 'link-dir'), PathChangedError);
      await fs.rename(path.join(ws.root, 'dir'), path.join(ws.root, 'dir-moved'));
      await fs.symlink(path.join(ws.root, 'dir-moved'), path.join(ws.root, 'dir'));
      await assert.rejects(openPinnedPath(path.join(ws.root, 'dir', 'file.txt'), 'dir/file.txt'), PathChangedError);
    });

    it('reads, lists and writes through a folder that stays put', async () => {
      const dir = await openPinnedDir(path.join(ws.root, 'dir'), 'dir');
      try {
        assert.deepEqual((await listPinned(dir, 'dir')).map((e) => e.name), ['file.txt']);
        const file = await openPinnedEntry(dir, 'file.txt', 'dir/file.txt');
        assert.equal((await file.handle.readFile()).toString(), 'inside\n');
        await file.close();
        await writeFileAtomically(dir, 'new.txt', 'new\n', 'dir/new.txt');
      } finally {
        await dir.close();
      }
      assert.equal((await fs.readFile(path.join(ws.root, 'dir', 'new.txt'))).toString(), 'new\n');
    });

    it('refuses to write once the folder was replaced, instead of writing through its name', async () => {
      const dir = await openPinnedDir(path.join(ws.root, 'dir'), 'dir');
      try {
        await fs.rename(path.join(ws.root, 'dir'), path.join(ws.root, 'dir-moved'));
        await fs.symlink(ws.outside, path.join(ws.root, 'dir'));
        await assert.rejects(writeFileAtomically(dir, 'file.txt', 'x', 'dir/file.txt'), PathChangedError);
      } finally {
        await dir.close();
      }
      await assert.rejects(fs.stat(path.join(ws.outside, 'file.txt')));
    });
  });
});
