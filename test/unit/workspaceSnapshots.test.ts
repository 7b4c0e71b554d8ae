import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkspaceSnapshots } from '../../language-server/checkpoints/workspaceSnapshots';

describe('WorkspaceSnapshots: checkpoints of a hostile workspace', () => {
  let base: string;
  let ws: string;
  let outside: string;
  let storage: string;
  let snaps: WorkspaceSnapshots;

  beforeEach(() => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-snap-')));
    ws = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    storage = path.join(base, 'storage');
    fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside\n');
    fs.writeFileSync(path.join(ws, 'src', 'a.txt'), 'a1\n');
    snaps = new WorkspaceSnapshots(storage, () => [ws]);
  });

  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('never follows a symlink out of the workspace, neither when taking nor when restoring', async () => {
    fs.symlinkSync(outside, path.join(ws, 'link'));
    const first = await snaps.take();
    assert.deepEqual(Object.keys(first.files), ['0/src/a.txt']);
    fs.writeFileSync(path.join(ws, 'src', 'a.txt'), 'a2\n');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'changed outside\n');
    const report = await snaps.restore(first, await snaps.take());
    assert.deepEqual(report.written, ['src/a.txt']);
    assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'changed outside\n');
    assert.ok(fs.lstatSync(path.join(ws, 'link')).isSymbolicLink());
  });

  it('refuses to restore through a folder that became a symlink, and writes nothing outside', async () => {
    const first = await snaps.take();
    fs.rmSync(path.join(ws, 'src'), { recursive: true });
    fs.symlinkSync(outside, path.join(ws, 'src'));
    const report = await snaps.restore(first, await snaps.take());
    assert.deepEqual(report.written, []);
    assert.equal(report.failed.length, 1);
    assert.deepEqual(fs.readdirSync(outside), ['secret.txt']);
  });

  it('leaves huge files out and alone, and never touches .git or Hearth and VS Code settings', async () => {
    const small = new WorkspaceSnapshots(storage, () => [ws], { maxFileBytes: 100, maxFiles: 1000, maxReadBytes: 1e9, maxStoreBytes: 1e9 });
    fs.mkdirSync(path.join(ws, '.git'));
    fs.writeFileSync(path.join(ws, '.git', 'config'), '[core]\n');
    fs.mkdirSync(path.join(ws, '.vscode'));
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), '{}\n');
    fs.writeFileSync(path.join(ws, 'huge.bin'), Buffer.alloc(1000, 1));
    const first = await small.take();
    assert.deepEqual(first.skipped, ['0/huge.bin']);
    assert.deepEqual(Object.keys(first.files).sort(), ['0/src/a.txt']);
    fs.writeFileSync(path.join(ws, '.git', 'config'), '[core]\n\thooksPath = x\n');
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), '{"hearth.agent.autoApproveEdits": true}\n');
    fs.writeFileSync(path.join(ws, 'huge.bin'), Buffer.alloc(2000, 2));
    fs.writeFileSync(path.join(ws, 'src', 'b.txt'), 'new\n');
    const report = await small.restore(first, await small.take());
    assert.deepEqual(report.deleted, ['src/b.txt']);
    assert.equal(fs.readFileSync(path.join(ws, '.git', 'config'), 'utf8'), '[core]\n\thooksPath = x\n');
    assert.match(fs.readFileSync(path.join(ws, '.vscode', 'settings.json'), 'utf8'), /autoApproveEdits/);
    assert.equal(fs.statSync(path.join(ws, 'huge.bin')).size, 2000);
  });

  it('recreates deleted files and folders, removes created ones, and keeps permission bits', async () => {
    fs.writeFileSync(path.join(ws, 'tool.sh'), '#!/bin/sh\n', { mode: 0o755 });
    fs.chmodSync(path.join(ws, 'tool.sh'), 0o755);
    const first = await snaps.take();
    fs.rmSync(path.join(ws, 'src'), { recursive: true });
    fs.chmodSync(path.join(ws, 'tool.sh'), 0o600);
    fs.mkdirSync(path.join(ws, 'gen', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'gen', 'deep', 'x.txt'), 'x');
    await snaps.restore(first, await snaps.take());
    assert.equal(fs.readFileSync(path.join(ws, 'src', 'a.txt'), 'utf8'), 'a1\n');
    assert.equal(fs.statSync(path.join(ws, 'tool.sh')).mode & 0o777, 0o755);
    assert.equal(fs.existsSync(path.join(ws, 'gen')), false);
  });

  it('refuses a damaged object instead of writing wrong bytes', async () => {
    const first = await snaps.take();
    const [hash] = first.files['0/src/a.txt'];
    fs.writeFileSync(path.join(storage, 'objects', hash.slice(0, 2), hash.slice(2)), 'tampered\n');
    fs.writeFileSync(path.join(ws, 'src', 'a.txt'), 'a2\n');
    const report = await snaps.restore(first, await snaps.take());
    assert.match(report.failed[0]?.error ?? '', /damaged/);
    assert.equal(fs.readFileSync(path.join(ws, 'src', 'a.txt'), 'utf8'), 'a2\n');
  });

  it('stays under its size cap by deleting the oldest checkpoints and their objects', async () => {
    const capped = new WorkspaceSnapshots(storage, () => [ws], { maxFileBytes: 1e6, maxFiles: 1000, maxReadBytes: 1e9, maxStoreBytes: 2500 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      fs.writeFileSync(path.join(ws, 'src', 'a.txt'), String(i).repeat(1000));
      ids.push((await capped.take()).id);
    }
    assert.equal(await capped.read(ids[0]), undefined);
    assert.ok(await capped.read(ids[3]));
    const objects = fs.readdirSync(path.join(storage, 'objects')).flatMap((d) => fs.readdirSync(path.join(storage, 'objects', d)));
    assert.ok(objects.length <= 2, `${objects.length} objects kept`);
  });

  it('stops reading at its per-checkpoint cap, and a restore to such a checkpoint deletes nothing', async () => {
    const capped = new WorkspaceSnapshots(storage, () => [ws], { maxFileBytes: 1e6, maxFiles: 1000, maxReadBytes: 5, maxStoreBytes: 1e9 });
    fs.writeFileSync(path.join(ws, 'src', 'b.txt'), 'b1\n');
    const first = await capped.take();
    assert.equal(first.truncated, true);
    fs.writeFileSync(path.join(ws, 'src', 'c.txt'), 'new\n');
    const report = await snaps.restore(first, await snaps.take());
    assert.deepEqual(report.deleted, []);
    assert.equal(fs.existsSync(path.join(ws, 'src', 'c.txt')), true);
  });
});
