import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { withStoreLock } from '../../language-server/checkpoints/storeLock';

describe('withStoreLock: one checkpoint store, two language servers', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-store-lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs one holder at a time and lets the lock go after each', async () => {
    const lock = path.join(dir, 'lock');
    const order: string[] = [];
    const hold = (name: string) => withStoreLock(lock, async () => {
      order.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push(`${name} out`);
    });
    await Promise.all([hold('a'), hold('b')]);
    assert.deepEqual([order[0].slice(2), order[1].slice(2), order[2].slice(2), order[3].slice(2)], ['in', 'out', 'in', 'out']);
    assert.equal(fs.existsSync(lock), false);
  });

  it('takes over a lock whose holder was killed, and waits for one whose holder runs', async () => {
    const lock = path.join(dir, 'lock');
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(lock, gone);
    assert.equal(await withStoreLock(lock, async () => 'ran'), 'ran');
    fs.writeFileSync(lock, String(process.pid));
    await assert.rejects(withStoreLock(lock, async () => 'ran', 200), /another Hearth window has been using the checkpoint store/);
  });

  it('leaves no empty lock behind when the disk is too full to hold the holder’s pid', async () => {
    // A real full file system (a small tmpfs filled to the brim): the name can be made, its content cannot.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
    try {
      assert.throws(() => fs.writeFileSync(path.join(dir, 'filler'), Buffer.alloc(128 * 1024)), /ENOSPC/);
      await assert.rejects(withStoreLock(path.join(dir, 'lock'), async () => 'ran'), /ENOSPC/);
      assert.equal(fs.existsSync(path.join(dir, 'lock')), false);
    } finally {
      execFileSync('umount', ['-l', dir]);
    }
  });
});
