/**
 * Undo per agent turn: checkpoints taken before every change, kept on disk
 * across restarts, restoring files byte for byte.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { TurnCheckpoints } from '../../language-server/tools/turnCheckpoints';
import { alwaysAccept, alwaysReject } from '../fixtures/approvalGateways';
import { call, makeToolWorkspace, snapshotTree, type ToolWorkspace } from '../fixtures/toolWorkspace';

const BINARY = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));

describe('turn checkpoints', () => {
  let ws: ToolWorkspace;

  beforeEach(async () => {
    ws = await makeToolWorkspace({
      'src/app.ts': 'const a = 1;\r\nconst b = 2;\r\n',
      'assets/image.bin': BINARY,
      'tool.sh': '#!/bin/sh\necho hi\n',
    });
    await fs.chmod(path.join(ws.root, 'tool.sh'), 0o750);
  });

  afterEach(() => ws.cleanup());

  it('undoes a turn that edited, created and overwrote a binary file, byte for byte, after a restart', async () => {
    const before = await snapshotTree(ws.root);
    const exec = ws.executor({ approvals: alwaysAccept(), turnId: 'turn-undo' });
    assert.equal((await call(exec, 'edit_file', { path: 'src/app.ts', oldText: 'const b = 2;', newText: 'const b = 3;' })).isError, false);
    assert.equal((await call(exec, 'write_file', { path: 'src/new/created.ts', content: 'export {};\n' })).isError, false);
    assert.equal((await call(exec, 'write_file', { path: 'assets/image.bin', content: 'now text' })).isError, false);
    assert.equal((await call(exec, 'write_file', { path: 'tool.sh', content: '#!/bin/sh\necho changed\n' })).isError, false);
    assert.notEqual(await snapshotTree(ws.root), before);

    // A new instance over the same storage stands for a restarted language server.
    const report = await new TurnCheckpoints(ws.storage).undoTurn('turn-undo');
    assert.deepEqual(report.failed, []);
    assert.deepEqual(
      report.restored.map((r) => [path.relative(ws.root, r.path), r.action]).sort(),
      [
        ['assets/image.bin', 'restored'],
        ['src/app.ts', 'restored'],
        ['src/new', 'removedDir'],
        ['src/new/created.ts', 'removed'],
        ['tool.sh', 'restored'],
      ],
    );
    assert.equal(await snapshotTree(ws.root), before, 'every byte, mode and entry is back');
    assert.deepEqual(await ws.read('assets/image.bin'), BINARY);
    assert.equal((await fs.stat(path.join(ws.root, 'tool.sh'))).mode & 0o777, 0o750);
    assert.deepEqual(await new TurnCheckpoints(ws.storage).listTurns(), [], 'checkpoints are deleted after a full undo');
  });

  it('restores the state before the turn, not an intermediate one, when a file changed twice', async () => {
    const exec = ws.executor({ approvals: alwaysAccept(), turnId: 'twice' });
    await call(exec, 'write_file', { path: 'src/app.ts', content: 'first' });
    await call(exec, 'write_file', { path: 'src/app.ts', content: 'second' });
    assert.deepEqual(await exec.checkpoints.changedFiles('twice'), [path.join(ws.root, 'src/app.ts')]);
    await exec.undo();
    assert.equal((await ws.read('src/app.ts')).toString(), 'const a = 1;\r\nconst b = 2;\r\n');
  });

  it('keeps recording once per file when the same turn continues after a restart', async () => {
    await call(ws.executor({ approvals: alwaysAccept(), turnId: 'resumed' }), 'write_file', { path: 'src/app.ts', content: 'before restart' });
    await call(ws.executor({ approvals: alwaysAccept(), turnId: 'resumed' }), 'write_file', { path: 'src/app.ts', content: 'after restart' });
    await new TurnCheckpoints(ws.storage).undoTurn('resumed');
    assert.equal((await ws.read('src/app.ts')).toString(), 'const a = 1;\r\nconst b = 2;\r\n');
  });

  it('records nothing for rejected changes, and undoes only the given turn', async () => {
    await call(ws.executor({ approvals: alwaysReject(), turnId: 'rejected' }), 'write_file', { path: 'src/app.ts', content: 'x' });
    assert.deepEqual(await new TurnCheckpoints(ws.storage).changedFiles('rejected'), []);
    await call(ws.executor({ approvals: alwaysAccept(), turnId: 'one' }), 'write_file', { path: 'one.txt', content: '1' });
    await call(ws.executor({ approvals: alwaysAccept(), turnId: 'two' }), 'write_file', { path: 'two.txt', content: '2' });
    const checkpoints = new TurnCheckpoints(ws.storage);
    assert.deepEqual((await checkpoints.listTurns()).sort(), ['one', 'two']);
    await checkpoints.undoTurn('two');
    assert.equal((await ws.read('one.txt')).toString(), '1');
    await assert.rejects(ws.read('two.txt'));
  });

  it('restores a file that was deleted after the turn changed it, and leaves created folders that now hold user files', async () => {
    const exec = ws.executor({ approvals: alwaysAccept(), turnId: 'deleted' });
    await call(exec, 'write_file', { path: 'src/app.ts', content: 'changed' });
    await call(exec, 'write_file', { path: 'docs/new.md', content: 'new' });
    await fs.rm(path.join(ws.root, 'src/app.ts'));
    await fs.writeFile(path.join(ws.root, 'docs/user-notes.md'), 'mine');
    const report = await exec.undo();
    assert.deepEqual(report.failed, []);
    assert.equal((await ws.read('src/app.ts')).toString(), 'const a = 1;\r\nconst b = 2;\r\n');
    assert.equal((await ws.read('docs/user-notes.md')).toString(), 'mine');
    await assert.rejects(ws.read('docs/new.md'));
  });

  it('does not restore through a folder that was replaced by a symlink pointing outside', async () => {
    const exec = ws.executor({ approvals: alwaysAccept(), turnId: 'swapped' });
    await call(exec, 'write_file', { path: 'src/app.ts', content: 'changed' });
    await fs.rm(path.join(ws.root, 'src'), { recursive: true });
    await fs.symlink(ws.outside, path.join(ws.root, 'src'));
    const outsideBefore = await snapshotTree(ws.outside);
    const report = await exec.undo();
    assert.equal(report.failed.length, 1);
    assert.match(report.failed[0].error, /is now a symlink/);
    assert.equal(await snapshotTree(ws.outside), outsideBefore);
    assert.deepEqual(await exec.checkpoints.listTurns(), ['swapped'], 'kept so the undo can be retried');
  });

  it('skips a manifest line torn by a crash', async () => {
    const checkpoints = new TurnCheckpoints(ws.storage);
    await checkpoints.recordFile('torn', path.join(ws.root, 'src/app.ts'));
    await fs.writeFile(path.join(ws.root, 'src/app.ts'), 'changed');
    const [dir] = await fs.readdir(ws.storage);
    await fs.appendFile(path.join(ws.storage, dir, 'manifest.jsonl'), '{"kind":"file","pa');
    const report = await new TurnCheckpoints(ws.storage).undoTurn('torn');
    assert.deepEqual(report.failed, []);
    assert.equal((await ws.read('src/app.ts')).toString(), 'const a = 1;\r\nconst b = 2;\r\n');
  });

  it('keeps the checkpoint recorded after a line a full disk tore: the next line is not glued to it', async () => {
    const checkpoints = new TurnCheckpoints(ws.storage);
    await checkpoints.recordFile('torn-then-more', path.join(ws.root, 'src/app.ts'));
    const [dir] = await fs.readdir(ws.storage);
    // What a write cut short by ENOSPC leaves: part of a line and no newline.
    await fs.appendFile(path.join(ws.storage, dir, 'manifest.jsonl'), '{"kind":"file","pa');
    await checkpoints.recordFile('torn-then-more', path.join(ws.root, 'tool.sh'));
    await fs.writeFile(path.join(ws.root, 'tool.sh'), 'changed');
    const report = await new TurnCheckpoints(ws.storage).undoTurn('torn-then-more');
    assert.deepEqual(report.failed, []);
    assert.equal((await ws.read('tool.sh')).toString(), '#!/bin/sh\necho hi\n');
  });

  it('keeps turn ids from naming paths, and discards turns on request', async () => {
    const checkpoints = new TurnCheckpoints(ws.storage);
    await checkpoints.recordFile('../../escape', path.join(ws.root, 'tool.sh'));
    const entries = await fs.readdir(ws.storage);
    assert.equal(entries.length, 1);
    assert.match(entries[0], /^turn-[0-9a-f]{32}$/);
    assert.deepEqual(await checkpoints.listTurns(), ['../../escape']);
    await checkpoints.discardTurn('../../escape');
    assert.deepEqual(await checkpoints.listTurns(), []);
    assert.deepEqual(await fs.readdir(ws.base), ['outside', 'storage', 'workspace']);
  });

  it('reports nothing to undo for an unknown turn', async () => {
    assert.deepEqual(await new TurnCheckpoints(ws.storage).undoTurn('never'), { turnId: 'never', restored: [], failed: [] });
  });
});
