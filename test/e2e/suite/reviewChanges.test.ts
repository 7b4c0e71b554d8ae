/**
 * What a code review asks git for, inside VS Code's extension host (the
 * collector uses VS Code's API), with a repository whose diffs are recorded:
 * the review must not read the whole diff of a file it will leave out anyway.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GitRepository } from '../../../extension/git/gitApi';
import { collectReviewChanges } from '../../../extension/review/collectReviewChanges';

/** Git's status number of a modified file in the working tree (the Git extension's Status.MODIFIED). */
const MODIFIED = 5;

describe('collecting the changes a review reads', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-review-changes-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A repository with `files` modified (staged, or in the working tree), whose diffs record being asked. */
  function repository(files: string[], staged: boolean): { repo: GitRepository; asked: string[] } {
    const asked: string[] = [];
    const diffOf = async (file: string) => {
      asked.push(path.basename(file));
      return `--- a/${path.basename(file)}\n+++ b/${path.basename(file)}\n@@ -1 +1 @@\n-old\n+new\n`;
    };
    const changes = files.map((name) => ({ uri: vscode.Uri.file(path.join(root, name)), status: MODIFIED }));
    const repo = {
      rootUri: vscode.Uri.file(root),
      inputBox: { value: '' },
      state: staged ? { indexChanges: changes, workingTreeChanges: [] } : { indexChanges: [], workingTreeChanges: changes },
      diff: async () => '',
      diffWith: async (_ref: string, file: string) => diffOf(file),
      diffIndexWithHEAD: diffOf,
      diffWithHEAD: diffOf,
    } as unknown as GitRepository;
    return { repo, asked };
  }

  /** The language server's answer when no changed file matches the user's secrets patterns. */
  const noSecrets = async (paths: string[]) => paths.map(() => false);

  it("names a changed secrets file without asking git for its diff, and reads nothing when the check fails", async () => {
    // A tracked .env changed in the working tree, and an untracked key the review would otherwise read whole.
    for (const name of ['.env', 'deploy.pem', 'app.js']) fs.writeFileSync(path.join(root, name), 'new\n');
    const secrets = async (paths: string[]) => paths.map((p) => path.basename(p) !== 'app.js');
    for (const scope of ['uncommitted', 'staged'] as const) {
      const { repo, asked } = repository(['.env', 'app.js', 'deploy.pem'], scope === 'staged');
      const { changes, withheld } = await collectReviewChanges(repo, [root], scope, secrets);
      assert.deepEqual(asked, ['app.js'], `${scope}: only app.js's diff was asked for`);
      assert.deepEqual(changes.map((c) => path.basename(vscode.Uri.parse(c.uri).fsPath)), ['app.js'], scope);
      assert.deepEqual(
        withheld,
        ['.env', 'deploy.pem'].map((p) => ({ path: p, reason: 'it is a secrets file (hearth.completion.disabledFiles names it)' })),
        scope,
      );
    }
    // The language server did not answer: no file is read.
    const { repo, asked } = repository(['.env', 'app.js'], false);
    const { changes, withheld } = await collectReviewChanges(repo, [root], 'uncommitted', () => Promise.reject(new Error('not running')));
    assert.deepEqual([asked, changes], [[], []]);
    assert.deepEqual(withheld.map((w) => w.path), ['.env', 'app.js']);
    assert.match(withheld[0].reason, /could not check it against your secrets files/);
  });

  it('never asks git for the diff of a changed file larger than the review reads, and says why it is left out', async () => {
    fs.writeFileSync(path.join(root, 'small.js'), 'new\n');
    // A generated bundle or data dump in the change: its whole diff would be read and sent, only to be left out.
    fs.writeFileSync(path.join(root, 'bundle.js'), 'x'.repeat(1_500_000));
    for (const scope of ['uncommitted', 'staged'] as const) {
      const { repo, asked } = repository(['bundle.js', 'small.js'], scope === 'staged');
      const { changes, withheld } = await collectReviewChanges(repo, [root], scope, noSecrets);
      assert.deepEqual(asked.filter((f) => f === 'bundle.js'), [], `${scope}: the large file's diff was not asked for`);
      assert.ok(asked.includes('small.js'), `${scope}: the small file's diff was asked for`);
      assert.deepEqual(withheld, [{ path: 'bundle.js', reason: 'it is larger than 1 MB' }], scope);
      assert.deepEqual(changes.map((c) => path.basename(vscode.Uri.parse(c.uri).fsPath)), ['small.js'], scope);
    }
  });
});
