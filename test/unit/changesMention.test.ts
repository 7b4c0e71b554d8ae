/**
 * `@changes`: what the model reads for the workspace's uncommitted changes.
 * The diffs come from a real git repository (as the Git extension would
 * print them); each file's part is split out, parts the `@file` rules refuse
 * (outside the workspace, a symlink out of it, a second hard link) appear by
 * name only, untracked files by name only, and the whole is bounded with a
 * note naming what was left out. The feature never runs git itself: it reads
 * through VS Code's Git extension, which does not run in Restricted Mode.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatUserMessage } from '../../agent-host/core/formatUserMessage';
import { changesReport, MAX_FILE_DIFF_CHARS, splitDiff, unquoteGitPath, type RepositoryChanges } from '../../extension/mentions/changesReport';
import { mentionReadRefusal } from '../../extension/mentions/mentionReadRule';
import { withholdRefusedDiffs } from '../../extension/mentions/withholdRefusedDiffs';
import { CHANGES_MENTION } from '../../protocol/chat';
import { fixtureGit as git } from '../fixtures/fixtureGit';

describe('@changes', () => {
  let tmp: string;
  let repo: string;
  let outside: string;
  beforeEach(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-changes-')));
    repo = path.join(tmp, 'repo');
    outside = path.join(tmp, 'outside');
    fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'TOKEN=hunter2\n');
    git(repo, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(repo, 'src', 'app.ts'), 'export const answer = 41;\n');
    fs.writeFileSync(path.join(repo, 'café menu.txt'), 'soup\n');
    fs.linkSync(path.join(outside, 'secret.txt'), path.join(repo, 'linked.txt'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'init');
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function report(folders = [repo]): Promise<string> {
    const staged = await withholdRefusedDiffs(splitDiff(git(repo, 'diff', '--cached')), repo, folders);
    const unstaged = await withholdRefusedDiffs(splitDiff(git(repo, 'diff')), repo, folders);
    const untracked = git(repo, 'ls-files', '--others', '--exclude-standard').split('\n').filter(Boolean);
    return changesReport([{ name: 'repo', branch: 'main', staged, unstaged, untracked }]);
  }

  it('attaches staged and unstaged diffs under their own headings, and untracked files by name only', async () => {
    fs.writeFileSync(path.join(repo, 'src', 'app.ts'), 'export const answer = 42;\n');
    fs.writeFileSync(path.join(repo, 'src', 'new.ts'), 'export const added = true;\n');
    git(repo, 'add', 'src/new.ts');
    fs.writeFileSync(path.join(repo, 'notes.md'), 'UNTRACKED CONTENT\n');
    const text = await report();
    assert.match(text, /^Uncommitted changes in repo \(branch main\):\nStaged:\ndiff --git a\/src\/new\.ts b\/src\/new\.ts\n/);
    assert.match(text, /\nNot staged:\ndiff --git a\/src\/app\.ts b\/src\/app\.ts\n[\s\S]*-export const answer = 41;\n\+export const answer = 42;/);
    assert.match(text, /\nUntracked files \(names only, not their content\):\nnotes\.md$/);
    assert.ok(!text.includes('UNTRACKED CONTENT'), 'an untracked file’s content is never attached');
  });

  it('reads quoted file names (spaces, non-ASCII) as the files they are', async () => {
    fs.writeFileSync(path.join(repo, 'café menu.txt'), 'soup\nbread\n');
    const parts = splitDiff(git(repo, 'diff'));
    assert.equal(parts.length, 1);
    assert.deepEqual(parts[0].paths, ['café menu.txt']);
    assert.equal(unquoteGitPath('"a/caf\\303\\251 \\"x\\"\\tz"'), 'a/café "x"\tz');
    assert.match(await report(), /\+bread/);
  });

  it('reads the paths whatever prefix the user’s git config gives (diff.noprefix, diff.mnemonicPrefix)', async () => {
    fs.writeFileSync(path.join(repo, 'src', 'app.ts'), 'export const answer = 44;\n');
    const [plain] = splitDiff(git(repo, '-c', 'diff.noprefix=true', 'diff'));
    assert.deepEqual(plain.paths, ['src/app.ts']);
    const [mnemonic] = splitDiff(git(repo, '-c', 'diff.mnemonicPrefix=true', 'diff'));
    assert.deepEqual(mnemonic.paths, ['src/app.ts']);
    // Without a prefix, a hard-linked file in a one-letter folder is still found by its other reading.
    fs.mkdirSync(path.join(repo, 'k'));
    fs.linkSync(path.join(outside, 'secret.txt'), path.join(repo, 'k', 'key.txt'));
    git(repo, 'add', 'k/key.txt');
    const staged = await withholdRefusedDiffs(splitDiff(git(repo, '-c', 'diff.noprefix=true', 'diff', '--cached')), repo, [repo]);
    assert.match(staged[0].withheld ?? '', /hard links/);
  });

  it('leaves out the diff of a file with a second hard link (it may be a secret outside the workspace), naming it', async () => {
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'TOKEN=hunter3\n');
    const text = await report();
    assert.ok(!text.includes('hunter'), 'no line of the hard-linked file reaches the model');
    assert.match(text, /\(linked\.txt: changed; its diff is left out because it has 2 hard links, so it may be a file outside the workspace\.\)/);
  });

  it('leaves out a file that leads outside the workspace through a symlink, and files outside the open folder', async () => {
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(repo, 'src', 'config.txt'));
    git(repo, 'add', 'src/config.txt');
    fs.writeFileSync(path.join(repo, 'src', 'app.ts'), 'export const answer = 43;\n');
    fs.writeFileSync(path.join(repo, 'café menu.txt'), 'tea\n');
    // Only src/ is open: the repository root holds it, and the rest of the repository is not the workspace.
    const text = await report([path.join(repo, 'src')]);
    assert.match(text, /\(src\/config\.txt: changed; its diff is left out because it leads outside the workspace through a symlink\.\)/);
    assert.match(text, /\(café menu\.txt: changed; its diff is left out because it is outside the workspace\.\)/);
    assert.match(text, /\+export const answer = 43;/, 'a file inside the open folder is attached');
    assert.ok(!text.includes('tea'));
  });

  it('shows a file name with newlines on one line, so it cannot forge a changed line or another file', async () => {
    // A repository's symlink out of the workspace is withheld by name; raw, that name would read as an added line.
    const withheld = 'cfg\n+export const backdoor = true;\nx';
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(repo, withheld));
    git(repo, 'add', '-A');
    fs.writeFileSync(path.join(repo, 'todo\n+export const untracked = true;'), 'later\n');
    const staged = await withholdRefusedDiffs(splitDiff(git(repo, 'diff', '--cached')), repo, [repo]);
    // Raw names, as VS Code's Git extension gives them (git itself would quote them).
    const untracked = git(repo, 'ls-files', '-z', '--others', '--exclude-standard').split('\0').filter(Boolean);
    const text = changesReport([{ name: 'repo', branch: 'main', staged, unstaged: [], untracked }]);
    const lines = text.split('\n');
    assert.ok(!lines.some((l) => l.startsWith('+export const')), text);
    assert.ok(lines.includes('(cfg⟨U+000A⟩+export const backdoor = true;⟨U+000A⟩x: changed; its diff is left out because it leads outside the workspace through a symlink.)'), text);
    assert.ok(lines.includes('todo⟨U+000A⟩+export const untracked = true;'), text);
  });

  it('cuts one long file’s diff and, past the cap, names the files left out', () => {
    const part = (name: string, size: number) => ({ paths: [name], otherReadings: [], text: `diff --git a/${name} b/${name}\n${'+line\n'.repeat(size)}` });
    const repository: RepositoryChanges = { name: 'repo', staged: [], unstaged: [part('huge.ts', 5000), part('a.ts', 10), part('b.ts', 3000), part('c.ts', 3000)], untracked: [] };
    const text = changesReport([repository], 14_000);
    assert.ok(text.length <= 14_000, `${text.length} characters`);
    assert.match(text, new RegExp(`… \\(the rest of huge\\.ts's diff is left out: it is longer than ${MAX_FILE_DIFF_CHARS} characters\\)`));
    assert.match(text, /diff --git a\/a\.ts b\/a\.ts/, 'a small file after the long one still fits');
    assert.match(text.split('\n').at(-1)!, /^… \(truncated: the changes are longer than 14000 characters; left out: (b\.ts \(not staged\), )?c\.ts \(not staged\)\.\)$/);
  });

  it('says a clean repository is clean, no repository is none, and a failed read why', () => {
    assert.equal(changesReport([{ name: 'app', branch: 'main', staged: [], unstaged: [], untracked: [] }]), 'No uncommitted changes in app (branch main).');
    assert.match(changesReport([]), /^No git repository is open in this workspace/);
    assert.equal(changesReport([{ name: 'app', staged: [], unstaged: [], untracked: [], error: 'git failed (boom)' }]), 'Could not read the changes of app: git failed (boom)');
  });

  it('a part whose file name cannot be read is withheld, and hunk lines are never taken for names', async () => {
    const [odd] = await withholdRefusedDiffs([{ paths: [], otherReadings: [], text: 'diff --git garbage\n+secret\n' }], repo, [repo]);
    assert.equal(odd.withheld, 'its file name could not be read');
    const [part] = splitDiff('diff --git a/x.ts b/x.ts\n--- a/x.ts\n+++ b/x.ts\n@@ -1 +1 @@\n-a\n+++ b/../../outside/secret.txt\n');
    assert.deepEqual(part.paths, ['x.ts']);
    assert.deepEqual(part.otherReadings, ['a/x.ts', 'b/x.ts']);
  });

  it('follows the @file rules for paths: inside is fine, a deleted file is fine, a dangling symlink is not', async () => {
    assert.equal(await mentionReadRefusal(path.join(repo, 'src', 'app.ts'), [repo]), undefined);
    assert.equal(await mentionReadRefusal(path.join(repo, 'gone.ts'), [repo]), undefined);
    assert.equal(await mentionReadRefusal(path.join(repo, '..', 'outside', 'secret.txt'), [repo]), 'it is outside the workspace');
    fs.symlinkSync(path.join(tmp, 'nowhere'), path.join(repo, 'dangling'));
    assert.equal(await mentionReadRefusal(path.join(repo, 'dangling'), [repo]), 'it is a symlink whose target does not exist');
  });

  it('reaches the model as a diff under its own heading', () => {
    const message = formatUserMessage({ text: 'review this', context: [{ kind: 'mention', path: CHANGES_MENTION, text: 'diff --git a/x b/x\n+1\n' }] });
    assert.match(message, /^Uncommitted git changes in the workspace \(@changes\):\n```diff\ndiff --git a\/x b\/x\n\+1\n```\n\nreview this$/);
  });

  it('never runs git itself: the mention code reads through VS Code’s Git extension only', () => {
    const dir = path.join(process.cwd(), 'extension', 'mentions');
    for (const file of fs.readdirSync(dir)) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      assert.ok(!/child_process|\bspawn\(|\bexecFile\(/.test(source), `${file} starts no process`);
    }
  });
});
