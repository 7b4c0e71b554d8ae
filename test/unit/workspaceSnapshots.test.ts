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

  it('restores, recreates and deletes files whose names hold a newline or other control characters', async () => {
    const odd = ['line\nbreak.txt', 'tab\tand\rreturn.txt', 'bell\u0007.txt'];
    for (const name of odd) fs.writeFileSync(path.join(ws, 'src', name), `${JSON.stringify(name)} as it was\n`);
    const first = await snaps.take();
    fs.writeFileSync(path.join(ws, 'src', odd[0]), 'changed by a reply\n');
    fs.rmSync(path.join(ws, 'src', odd[1]));
    fs.writeFileSync(path.join(ws, 'src', 'made\nby a reply.txt'), 'new\n');
    const report = await snaps.restore(first, await snaps.take());
    assert.deepEqual(report.failed, []);
    for (const name of odd) assert.equal(fs.readFileSync(path.join(ws, 'src', name), 'utf8'), `${JSON.stringify(name)} as it was\n`);
    assert.equal(fs.existsSync(path.join(ws, 'src', 'made\nby a reply.txt')), false);
  });

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

  it('never restores through a folder that became a symlink: the link goes, the folder comes back, and nothing is written outside', async () => {
    const first = await snaps.take();
    fs.rmSync(path.join(ws, 'src'), { recursive: true });
    fs.symlinkSync(outside, path.join(ws, 'src'));
    const report = await snaps.restore(first, await snaps.take());
    assert.deepEqual(report, { written: ['src/a.txt'], deleted: ['src'], failed: [] });
    assert.equal(fs.lstatSync(path.join(ws, 'src')).isDirectory(), true);
    assert.deepEqual(fs.readdirSync(outside), ['secret.txt']);
  });

  it('never makes a link that stands for VS Code or Hearth settings, even when a checkpoint held one', async () => {
    fs.mkdirSync(path.join(ws, 'conf'));
    fs.writeFileSync(path.join(ws, 'conf', 'settings.json'), '{"hearth.agent.autoApproveEdits": true}\n');
    fs.symlinkSync('conf', path.join(ws, '.vscode'));
    fs.symlinkSync('conf', path.join(ws, '.hearth'));
    fs.symlinkSync('conf/settings.json', path.join(ws, 'a.code-workspace'));
    const first = await snaps.take();
    assert.deepEqual(first.links, {});
    for (const name of ['.vscode', '.hearth', 'a.code-workspace']) fs.unlinkSync(path.join(ws, name));
    // A stored checkpoint is input like any other: one that names such links still makes none.
    const forged = { ...first, links: { '0/.vscode': 'conf', '0/.hearth': 'conf', '0/a.code-workspace': 'conf/settings.json' } };
    const report = await snaps.restore(forged, await snaps.take());
    assert.deepEqual(report.written, []);
    for (const name of ['.vscode', '.hearth', 'a.code-workspace']) assert.equal(fs.existsSync(path.join(ws, name)), false, name);
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

  it('restores a file given a second hard link since, by its name: the other name (here outside the workspace) keeps what it holds', async () => {
    const first = await snaps.take();
    fs.writeFileSync(path.join(ws, 'src', 'a.txt'), 'a2\n');
    fs.linkSync(path.join(ws, 'src', 'a.txt'), path.join(outside, 'other-name.txt'));
    const report = await snaps.restore(first, await snaps.take());
    assert.deepEqual(report, { written: ['src/a.txt'], deleted: [], failed: [] });
    assert.equal(fs.readFileSync(path.join(ws, 'src', 'a.txt'), 'utf8'), 'a1\n');
    assert.equal(fs.readFileSync(path.join(outside, 'other-name.txt'), 'utf8'), 'a2\n', 'nothing was written through the other name');
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

  it('shared by two language servers (two windows on one folder), neither deletes what the other’s checkpoints still name', async () => {
    // Two instances over one store stand for the two processes: the store's 1 GB cap cannot be reached in a test, and it is
    // the cap's pruning that deleted the other's files. Each remembers only the checkpoints it read at its start or took.
    const limits = { maxFileBytes: 1e6, maxFiles: 1000, maxReadBytes: 1e9, maxStoreBytes: 2500 };
    const windowA = new WorkspaceSnapshots(storage, () => [ws], limits);
    const windowB = new WorkspaceSnapshots(storage, () => [ws], limits);
    fs.writeFileSync(path.join(ws, 'src', 'a.txt'), 'a'.repeat(1000));
    await windowA.take();
    fs.writeFileSync(path.join(ws, 'src', 'a.txt'), 'b'.repeat(1000));
    const fromB = await windowB.take();
    for (const fill of ['c', 'd', 'e']) {
      fs.writeFileSync(path.join(ws, 'src', 'a.txt'), fill.repeat(1000));
      await windowA.take();
    }
    // Every checkpoint still stored can be restored whole: none names content the other window deleted.
    for (const name of fs.readdirSync(path.join(storage, 'snapshots'))) {
      const snap = JSON.parse(fs.readFileSync(path.join(storage, 'snapshots', name), 'utf8')) as { files: Record<string, [string]> };
      for (const [hash] of Object.values(snap.files)) assert.ok(fs.existsSync(path.join(storage, 'objects', hash.slice(0, 2), hash.slice(2))), `${name} names ${hash}, which is gone`);
    }
    // B's own checkpoint is either restorable byte for byte, or gone whole as the oldest (which Restore says plainly).
    const kept = await windowB.read(fromB.id);
    if (kept) {
      assert.deepEqual((await windowB.restore(kept, await windowB.take())).failed, []);
      assert.equal(fs.readFileSync(path.join(ws, 'src', 'a.txt'), 'utf8'), 'b'.repeat(1000));
    }
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

describe('WorkspaceSnapshots with a watcher: checkpoints without a walk', () => {
  let base: string;
  let ws: string;
  let outside: string;
  let snaps: WorkspaceSnapshots;
  let walked: number;

  /** What a walk of every folder finds now (a second store, no watcher): the truth a checkpoint must match. */
  async function walkedFiles(): Promise<Record<string, unknown>> {
    const fresh = new WorkspaceSnapshots(path.join(base, `walk-${walked++}`), () => [ws]);
    return (await fresh.take()).files;
  }

  async function takeByWatcher() {
    const snap = await snaps.take();
    assert.equal(snaps.lastTake?.by, 'watcher', `walked: ${snaps.lastTake?.reason}`);
    assert.deepEqual(snap.files, await walkedFiles());
    return snap;
  }

  beforeEach(async () => {
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-snapw-')));
    ws = path.join(base, 'ws');
    outside = path.join(base, 'outside');
    fs.mkdirSync(path.join(ws, 'src', 'deep'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside\n');
    fs.writeFileSync(path.join(ws, 'src', 'a.txt'), 'a1\n');
    fs.writeFileSync(path.join(ws, 'src', 'deep', 'b.txt'), 'b1\n');
    fs.writeFileSync(path.join(ws, '.gitignore'), 'build/\n*.log\n');
    walked = 0;
    snaps = new WorkspaceSnapshots(path.join(base, 'storage'), () => [ws], undefined, { watch: true });
    await snaps.take();
    assert.equal(snaps.lastTake?.by, 'walk', 'the first checkpoint walks');
  });

  afterEach(() => {
    snaps.dispose();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('sees what anything changed (edits, new folders, deletions, renames, modes, ignored paths) exactly as a walk would', async () => {
    fs.writeFileSync(path.join(ws, 'src', 'a.txt'), 'a2 by the user\n');
    await takeByWatcher();
    fs.mkdirSync(path.join(ws, 'gen', 'x', 'y'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'gen', 'x', 'y', 'made.txt'), 'made\n');
    fs.writeFileSync(path.join(ws, 'gen', 'top.txt'), 'top\n');
    fs.mkdirSync(path.join(ws, 'build'));
    fs.writeFileSync(path.join(ws, 'build', 'out.js'), 'ignored\n');
    fs.writeFileSync(path.join(ws, 'src', 'run.log'), 'ignored\n');
    const created = await takeByWatcher();
    assert.ok(created.files['0/gen/x/y/made.txt'], 'a file in folders made since the last checkpoint is in');
    // A file written into a folder that only the last checkpoint started watching.
    fs.writeFileSync(path.join(ws, 'gen', 'x', 'y', 'later.txt'), 'later\n');
    await takeByWatcher();
    fs.renameSync(path.join(ws, 'src'), path.join(ws, 'lib'));
    fs.writeFileSync(path.join(ws, 'lib', 'deep', 'b.txt'), 'b2 after the move\n');
    fs.chmodSync(path.join(ws, 'gen', 'top.txt'), 0o755);
    const moved = await takeByWatcher();
    assert.equal(Object.keys(moved.files).some((k) => k.startsWith('0/src/')), false);
    fs.rmSync(path.join(ws, 'gen'), { recursive: true });
    fs.linkSync(path.join(ws, 'lib', 'a.txt'), path.join(ws, 'lib', 'hard.txt'));
    await takeByWatcher();
    // A change through another name of a hard-linked file reaches no watch of this one.
    fs.writeFileSync(path.join(ws, 'lib', 'a.txt'), 'through the other name\n', { flag: 'r+' });
    await takeByWatcher();
  });

  it('never follows a folder swapped for a symlink to outside, and a restore writes nothing there but puts the folder back', async () => {
    const first = await takeByWatcher();
    fs.rmSync(path.join(ws, 'src'), { recursive: true });
    fs.symlinkSync(outside, path.join(ws, 'src'));
    const swapped = await takeByWatcher();
    assert.deepEqual(Object.keys(swapped.files), ['0/.gitignore']);
    // Changes outside, through the link, are not the workspace's.
    fs.writeFileSync(path.join(outside, 'planted.txt'), 'x\n');
    assert.deepEqual((await takeByWatcher()).files, swapped.files);
    const report = await snaps.restore(first, await snaps.take(undefined, { walk: true }));
    assert.deepEqual(report.failed, []);
    assert.deepEqual(report.deleted, ['src']);
    assert.deepEqual(report.written.sort(), ['src/a.txt', 'src/deep/b.txt']);
    assert.equal(fs.lstatSync(path.join(ws, 'src')).isDirectory(), true);
    assert.equal(fs.readFileSync(path.join(ws, 'src', 'a.txt'), 'utf8'), 'a1\n');
    assert.deepEqual(fs.readdirSync(outside).sort(), ['planted.txt', 'secret.txt']);
    assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'outside\n');
  });

  it("keeps the user's own edit made during a turn: a checkpoint after a tool call holds it, and restoring to it keeps it", async () => {
    fs.writeFileSync(path.join(ws, 'src', 'deep', 'b.txt'), 'the user typed this meanwhile\n');
    fs.writeFileSync(path.join(ws, 'src', 'a.txt'), 'written by a tool\n');
    const afterCall = await takeByWatcher();
    fs.writeFileSync(path.join(ws, 'src', 'a.txt'), 'a later tool call\n');
    await takeByWatcher();
    const report = await snaps.restore(afterCall, await snaps.take(undefined, { walk: true }));
    assert.deepEqual(report.written, ['src/a.txt']);
    assert.equal(fs.readFileSync(path.join(ws, 'src', 'deep', 'b.txt'), 'utf8'), 'the user typed this meanwhile\n');
  });

  it('keeps a workspace past the file cap current without walking it again, and a restore to it still deletes nothing', async () => {
    snaps.dispose();
    for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(ws, 'src', `m${i}.txt`), `m${i}\n`);
    // Nine files in the workspace, a cap of five: every checkpoint is partial.
    snaps = new WorkspaceSnapshots(path.join(base, 'storage-capped'), () => [ws], { maxFileBytes: 1e6, maxFiles: 5, maxReadBytes: 1e9, maxStoreBytes: 1e9 }, { watch: true });
    const first = await snaps.take();
    assert.equal(first.truncated, true);
    const held = Object.keys(first.files).find((k) => k.startsWith('0/src/') && k !== '0/src/deep/b.txt') as string;
    const heldPath = path.join(ws, ...held.slice(2).split('/'));
    const before = fs.readFileSync(heldPath, 'utf8');
    fs.writeFileSync(heldPath, 'changed by a tool\n');
    fs.writeFileSync(path.join(ws, 'src', 'created.txt'), 'created by a tool\n');
    const second = await snaps.take();
    assert.equal(snaps.lastTake?.by, 'watcher', `walked: ${snaps.lastTake?.reason}`);
    assert.equal(second.truncated, true, 'still partial');
    const truth = await walkedFiles();
    assert.deepEqual(second.files[held], truth[held], 'the changed file is held as it is now');
    assert.deepEqual(second.files['0/src/created.txt'], truth['0/src/created.txt'], 'a file created in a folder it watches is in');
    const report = await snaps.restore(first, await snaps.take(undefined, { walk: true }));
    assert.ok(report.written.includes(held.slice(2)));
    assert.equal(fs.readFileSync(heldPath, 'utf8'), before);
    assert.deepEqual(report.deleted, [], 'a partial checkpoint cannot tell a new file from one past the cap');
  });

  it('walks when the watcher cannot tell: a changed .gitignore, too many events, too many folders', async () => {
    fs.writeFileSync(path.join(ws, '.gitignore'), '*.log\n');
    fs.mkdirSync(path.join(ws, 'build'));
    fs.writeFileSync(path.join(ws, 'build', 'out.js'), 'now part of the workspace\n');
    const snap = await snaps.take();
    assert.equal(snaps.lastTake?.by, 'walk');
    assert.match(snaps.lastTake?.reason ?? '', /\.gitignore/);
    assert.ok(snap.files['0/build/out.js']);
    snaps.dispose();

    snaps = new WorkspaceSnapshots(path.join(base, 'storage'), () => [ws], undefined, { watch: { maxDirs: 100, maxEvents: 10 } });
    await snaps.take();
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(ws, 'src', `f${i}.txt`), `${i}\n`);
    const many = await snaps.take();
    assert.match(snaps.lastTake?.reason ?? '', /more than 10 changes/);
    assert.deepEqual(many.files, await walkedFiles());
    snaps.dispose();

    snaps = new WorkspaceSnapshots(path.join(base, 'storage'), () => [ws], undefined, { watch: { maxDirs: 2, maxEvents: 1000 } });
    await snaps.take();
    fs.writeFileSync(path.join(ws, 'src', 'deep', 'b.txt'), 'b3\n');
    const big = await snaps.take();
    assert.match(snaps.lastTake?.reason ?? '', /more than 2 folders/);
    assert.deepEqual(big.files, await walkedFiles());
  });
});
