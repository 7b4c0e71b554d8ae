/**
 * The guard scan's budget and its cache: how far it looks in a large
 * folder, that a cached scan re-reads exactly the directories that changed,
 * and that nothing created between two scans is missed, also on a file
 * system whose timestamps are too coarse to show a change made in the same
 * second as the earlier read.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { auditCreatedPaths } from '../../language-server/tools/sandbox/auditCreatedPaths';
import { findGuardedPaths, MAX_ENTRIES, PROTECTED_SCAN_DEPTH } from '../../language-server/tools/sandbox/findGuardedPaths';
import { GuardScanCache } from '../../language-server/tools/sandbox/guardScanCache';

/** Clock readings this far after the files were made: every listing is then read long after its directory's last change. */
const LATER_MS = 60_000;

function makeTree(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-guard-scan-')));
  for (const [relative, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), text);
  }
  return root;
}

/** `count` empty files in `folder` (created), as a large project's sources would be. */
function fill(root: string, folder: string, count: number): void {
  fs.mkdirSync(path.join(root, folder), { recursive: true });
  for (let i = 0; i < count; i++) fs.writeFileSync(path.join(root, folder, `f${i}.js`), '');
}

function guardedNames(scan: Awaited<ReturnType<typeof findGuardedPaths>>): string[] {
  return scan.guarded.map((g) => g.relative).sort();
}

/**
 * Timestamps as a file system with one-second granularity keeps them: a
 * change in the same second as the previous one leaves mtime and ctime as
 * they were, which is what makes a listing read in that second "racy".
 */
function wholeSecondStat(file: string, followLinks: boolean): fs.BigIntStats {
  const stats = followLinks ? fs.statSync(file, { bigint: true }) : fs.lstatSync(file, { bigint: true });
  const second = (ns: bigint) => (ns / 1_000_000_000n) * 1_000_000_000n;
  return Object.assign(Object.create(Object.getPrototypeOf(stats) as object) as fs.BigIntStats, stats, { mtimeNs: second(stats.mtimeNs), ctimeNs: second(stats.ctimeNs) });
}

/** Waits until early in a second, so that what a test does next all happens in one second. */
async function startOfASecond(): Promise<void> {
  const ms = Date.now() % 1000;
  if (ms > 200) await new Promise((resolve) => setTimeout(resolve, 1000 - ms + 5));
}

describe('guard scan: budget and cache', function () {
  this.timeout(60_000);
  const roots: string[] = [];
  const tree = (files: Record<string, string>) => {
    const root = makeTree(files);
    roots.push(root);
    return root;
  };
  after(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });

  it('finds a nested package.json behind 6,000 files, which the old budget of 4,000 entries never reached', async () => {
    const root = tree({ 'package.json': '{}', 'packages/deep/package.json': '{}', 'packages/deep/Makefile': 'all:\n' });
    // Walked at the second level, before packages/deep's own entries at the third.
    fill(root, 'src', 6000);
    const scan = await findGuardedPaths(root);
    assert.equal(scan.truncated, false);
    assert.deepEqual(guardedNames(scan), ['package.json', 'packages/deep/Makefile', 'packages/deep/package.json']);
  });

  it('guards git directories and .hearth at any depth, package.json and the like down to five levels', async () => {
    const deep = 'src/main/java/com/example/app';
    const root = tree({ [`${deep}/.git/config`]: '[core]\n', [`${deep}/.hearth/rules.md`]: 'x\n', [`${deep}/package.json`]: '{}', 'a/b/c/d/package.json': '{}' });
    execFileSync('git', ['init', '-q', '--bare', path.join(root, 'third_party/x/y/z/w/v/mirror.git')]);
    const scan = await findGuardedPaths(root);
    assert.equal(scan.truncated, false);
    assert.deepEqual(guardedNames(scan), ['a/b/c/d/package.json', `${deep}/.git`, `${deep}/.hearth`, 'third_party/x/y/z/w/v/mirror.git']);
  });

  it('says a chain of folders deeper than it walks is not guarded fully', async () => {
    const chain = Array.from({ length: PROTECTED_SCAN_DEPTH }, (_, i) => `d${i}`).join('/');
    const root = tree({ [`${chain}/.git/config`]: '[core]\n' });
    const scan = await findGuardedPaths(root);
    assert.equal(scan.truncated, true);
  });

  it('says when the folder has more entries than the budget, and still lists the directory the budget ran out in', async () => {
    const root = tree({ 'package.json': '{}' });
    fill(root, 'big', MAX_ENTRIES + 10);
    const cache = new GuardScanCache();
    const scan = await findGuardedPaths(root, cache);
    assert.equal(scan.truncated, true);
    assert.equal(scan.listings.get('big')?.size, MAX_ENTRIES + 10);
    // So what a command creates there is still known to be new, and taken away.
    fs.writeFileSync(path.join(root, '.envrc'), 'x');
    const lines = await auditCreatedPaths([root], [scan], { cache });
    assert.equal(fs.existsSync(path.join(root, '.envrc')), false, lines.join('\n'));
  });

  it('guards a bare repository whole, under any name, without walking into it; the cached scan agrees', async () => {
    const root = tree({ 'src/a.js': '', 'vendor/mirror.git/objects/pack/x': '', 'vendor/mirror.git/refs/heads/main': '', 'vendor/mirror.git/package.json': '{}' });
    execFileSync('git', ['init', '-q', '--bare', path.join(root, 'backups/site')]);
    // HEAD and refs/ without objects/ are not a repository to git, so nothing there is guarded.
    fs.mkdirSync(path.join(root, 'notes/refs'), { recursive: true });
    fs.writeFileSync(path.join(root, 'notes/HEAD'), 'ref: refs/heads/main\n');
    fs.writeFileSync(path.join(root, 'vendor/mirror.git/HEAD'), 'ref: refs/heads/main\n');
    const cache = new GuardScanCache({ now: () => Date.now() + LATER_MS });
    const first = await findGuardedPaths(root, cache);
    assert.deepEqual(guardedNames(first), ['backups/site', 'vendor/mirror.git']);
    assert.ok(first.guarded.every((g) => g.kind === 'protected' && g.gitDirectory === true));
    const second = await findGuardedPaths(root, cache);
    assert.deepEqual(guardedNames(second), guardedNames(first));
    assert.equal(cache.lastScan(root).read, 0);
  });

  it('reuses the listings of unchanged directories and re-reads only the changed one', async () => {
    const root = tree({ 'a/b/one.txt': '', 'c/two.txt': '', 'package.json': '{}' });
    const cache = new GuardScanCache({ now: () => Date.now() + LATER_MS });
    const first = await findGuardedPaths(root, cache);
    assert.deepEqual(cache.lastScan(root), { read: 4, reused: 0 });
    await findGuardedPaths(root, cache);
    assert.deepEqual(cache.lastScan(root), { read: 0, reused: 4 });
    fs.writeFileSync(path.join(root, 'a/b/Makefile'), 'all:\n');
    const third = await findGuardedPaths(root, cache);
    assert.deepEqual(cache.lastScan(root), { read: 1, reused: 3 });
    assert.deepEqual(guardedNames(third), ['a/b/Makefile', 'package.json']);
    // The earlier scan's listings are not changed in place: the audit compares with them.
    assert.equal(first.listings.get('a/b')?.has('Makefile'), false);
  });

  it('sees a folder created and filled between two scans, and walks into it', async () => {
    const root = tree({ 'packages/a/package.json': '{}' });
    const cache = new GuardScanCache({ now: () => Date.now() + LATER_MS });
    await findGuardedPaths(root, cache);
    fs.mkdirSync(path.join(root, 'packages/b/tools'), { recursive: true });
    fs.writeFileSync(path.join(root, 'packages/b/package.json'), '{}');
    fs.writeFileSync(path.join(root, 'packages/b/tools/.envrc'), 'x');
    const scan = await findGuardedPaths(root, cache);
    assert.deepEqual(guardedNames(scan), ['packages/a/package.json', 'packages/b/package.json', 'packages/b/tools/.envrc']);
  });

  it('sees an entry added to a directory whose mtime the command set back (ctime cannot be)', async () => {
    const root = tree({ 'lib/x.js': '' });
    const cache = new GuardScanCache({ now: () => Date.now() + LATER_MS });
    await findGuardedPaths(root, cache);
    const dir = path.join(root, 'lib');
    const { mtimeNs } = fs.statSync(dir, { bigint: true });
    fs.writeFileSync(path.join(dir, 'package.json'), '{}');
    // touch keeps every nanosecond, as a command in the sandbox could (fs.utimes rounds them).
    execFileSync('touch', ['-m', '-d', `@${mtimeNs / 1_000_000_000n}.${String(mtimeNs % 1_000_000_000n).padStart(9, '0')}`, dir]);
    assert.equal(fs.statSync(dir, { bigint: true }).mtimeNs, mtimeNs, 'the mtime is back where it was');
    assert.deepEqual(guardedNames(await findGuardedPaths(root, cache)), ['lib/package.json']);
  });

  it('sees a replaced directory (new inode) even with the same timestamps', async () => {
    const root = tree({ 'lib/x.js': '', 'other/package.json': '{}' });
    const cache = new GuardScanCache({ now: () => Date.now() + LATER_MS });
    await findGuardedPaths(root, cache);
    fs.renameSync(path.join(root, 'lib'), path.join(root, 'gone'));
    fs.renameSync(path.join(root, 'other'), path.join(root, 'lib'));
    assert.deepEqual(guardedNames(await findGuardedPaths(root, cache)), ['lib/package.json']);
  });

  describe('racy listings (timestamps of one second, as on some file systems)', () => {
    it('re-reads a listing made in the same second as its directory changed, so a file added in that second is seen', async () => {
      const root = tree({});
      await startOfASecond();
      fs.mkdirSync(path.join(root, 'pkg'));
      fs.writeFileSync(path.join(root, 'pkg/index.js'), '');
      const cache = new GuardScanCache({ stat: wholeSecondStat });
      await findGuardedPaths(root, cache);
      // Still the same second: with whole-second timestamps, pkg/ looks unchanged.
      fs.writeFileSync(path.join(root, 'pkg/package.json'), '{}');
      const scan = await findGuardedPaths(root, cache);
      assert.deepEqual(guardedNames(scan), ['pkg/package.json']);
      assert.equal(cache.lastScan(root).reused, 0, 'both listings were racy');
    });

    it('a directory created and filled in the same second as the scan before is walked and its files seen', async () => {
      const root = tree({ 'package.json': '{}' });
      await startOfASecond();
      const cache = new GuardScanCache({ stat: wholeSecondStat });
      const before = await findGuardedPaths(root, cache);
      fs.mkdirSync(path.join(root, '.vscode'));
      fs.writeFileSync(path.join(root, '.vscode/settings.json'), '{}');
      fs.mkdirSync(path.join(root, 'app'));
      fs.writeFileSync(path.join(root, 'app/Makefile'), 'all:\n');
      const lines = await auditCreatedPaths([root], [before], { cache });
      assert.equal(lines.length, 2, lines.join('\n'));
      assert.equal(fs.existsSync(path.join(root, '.vscode')), false);
      assert.equal(fs.existsSync(path.join(root, 'app/Makefile')), false);
    });

    it('trusts a listing read well after its directory last changed', async () => {
      const root = tree({ 'pkg/index.js': '' });
      const cache = new GuardScanCache({ stat: wholeSecondStat, now: () => Date.now() + LATER_MS });
      await findGuardedPaths(root, cache);
      await findGuardedPaths(root, cache);
      assert.deepEqual(cache.lastScan(root), { read: 0, reused: 2 });
    });
  });

  it('a 30,000-file tree: the cached scan reads nothing again and finds the same paths', async () => {
    const root = tree({ 'package.json': '{}', 'packages/deep/x/package.json': '{}' });
    for (let d = 0; d < 30; d++) fill(root, `src/m${d}`, 1000);
    const cache = new GuardScanCache({ now: () => Date.now() + LATER_MS });
    const first = await findGuardedPaths(root, cache);
    const second = await findGuardedPaths(root, cache);
    assert.equal(cache.lastScan(root).read, 0);
    assert.deepEqual(guardedNames(second), guardedNames(first));
    assert.deepEqual(guardedNames(first), ['package.json', 'packages/deep/x/package.json']);
  });
});
