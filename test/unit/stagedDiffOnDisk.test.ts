/**
 * Review Staged Changes numbers the staged lines as the file on disk has
 * them: checked against real git diffs of a real repository, where the file
 * was edited again after it was staged (lines added above, a staged line
 * changed again, lines removed between).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hunksFromDiff } from '../../language-server/review/reviewListing';
import { stagedDiffOnDisk } from '../../extension/review/stagedDiffOnDisk';
import { fixtureGit as git } from '../fixtures/fixtureGit';

const lines = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} ${i + 1}`);

describe('staged diff numbered as on disk', () => {
  let repo: string;
  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-staged-'));
    git(repo, 'init', '-q', '-b', 'main');
  });
  afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

  /** Commits `committed`, stages `staged`, leaves `onDisk` in the working tree; returns the renumbered diff's listed lines. */
  function review(committed: string[], staged: string[], onDisk: string[]) {
    const file = path.join(repo, 'a.txt');
    fs.writeFileSync(file, `${committed.join('\n')}\n`);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'base');
    fs.writeFileSync(file, `${staged.join('\n')}\n`);
    git(repo, 'add', 'a.txt');
    fs.writeFileSync(file, `${onDisk.join('\n')}\n`);
    const result = stagedDiffOnDisk(git(repo, 'diff', '--cached', '--', 'a.txt'), git(repo, 'diff', '--', 'a.txt'));
    const listed = hunksFromDiff(result.diff).flat();
    // Every numbered line of the listing is that very line of the file on disk.
    for (const l of listed) if (l.line !== undefined) assert.equal(onDisk[l.line - 1], l.text, `line ${l.line}`);
    return { added: listed.filter((l) => l.mark === '+').map((l) => [l.line, l.text]), removed: listed.filter((l) => l.mark === '-').map((l) => l.text), changedSince: result.changedSince };
  }

  it('keeps the numbers when nothing changed since staging', () => {
    const base = lines(20, 'line');
    const staged = [...base.slice(0, 9), 'STAGED', ...base.slice(10)];
    assert.deepEqual(review(base, staged, staged), { added: [[10, 'STAGED']], removed: ['line 10'], changedSince: 0 });
  });

  it('follows the staged lines when lines were added above them on disk', () => {
    const base = lines(20, 'line');
    const staged = [...base.slice(0, 14), 'STAGED A', 'STAGED B', ...base.slice(14)];
    const onDisk = ['new 1', 'new 2', 'new 3', ...staged];
    assert.deepEqual(review(base, staged, onDisk), { added: [[18, 'STAGED A'], [19, 'STAGED B']], removed: [], changedSince: 0 });
  });

  it('leaves out a staged line that was changed again, and follows lines removed above', () => {
    const base = lines(30, 'line');
    const staged = [...base.slice(0, 4), 'STAGED EARLY', ...base.slice(4, 19), 'STAGED ONE', 'STAGED TWO', ...base.slice(19)];
    // On disk: lines 2-3 removed, and STAGED TWO rewritten.
    const onDisk = staged.filter((l) => l !== 'line 2' && l !== 'line 3').map((l) => (l === 'STAGED TWO' ? 'REWRITTEN' : l));
    const result = review(base, staged, onDisk);
    assert.deepEqual(result.added, [[3, 'STAGED EARLY'], [19, 'STAGED ONE']]);
    assert.equal(result.changedSince, 1);
  });
});
