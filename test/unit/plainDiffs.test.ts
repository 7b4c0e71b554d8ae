/**
 * The review asks git for one file's diff at a time (`git diff HEAD -- <file>`),
 * and what comes back is listed to the model as that file's lines. A file
 * name is the repository's to choose, and git reads the path after `--` as a
 * pathspec: `*` or `:(glob)**` would match every changed file, so the diff of
 * "one file" would carry the changes of files the review withheld (a second
 * hard link to a file outside the workspace). Checked with real git in a real
 * repository, through the same wrapper the extension reads diffs with.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GitRepository } from '../../extension/git/gitApi';
import { withPlainDiffs } from '../../extension/git/plainDiffs';
import { hunksFromDiff } from '../../language-server/review/reviewListing';
import { fixtureGit as git } from '../fixtures/fixtureGit';

describe('plain diffs of one file', () => {
  let repo: string;
  let outside: string;
  beforeEach(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-pathspec-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-pathspec-outside-'));
    git(repo, 'init', '-q', '-b', 'main');
  });
  afterEach(() => {
    fs.rmSync(repo, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  for (const name of ['*', ':(glob)**', '[st]*']) {
    it(`the diff of a file named ${JSON.stringify(name)} is that file's, not every file its name matches as a pattern`, async () => {
      fs.writeFileSync(path.join(repo, name), 'one\n');
      fs.writeFileSync(path.join(repo, 'settings.txt'), 'placeholder\n');
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'base');
      fs.writeFileSync(path.join(repo, name), 'one\ntwo\n');
      // settings.txt becomes a second name of a file outside the workspace: the review withholds it, and nothing of it may reach the model.
      const token = path.join(outside, 'token');
      fs.writeFileSync(token, 'SECRET-TOKEN-1234\n');
      fs.rmSync(path.join(repo, 'settings.txt'));
      fs.linkSync(token, path.join(repo, 'settings.txt'));
      const plain = withPlainDiffs({ rootUri: { fsPath: repo } } as unknown as GitRepository, 'git');
      const file = path.join(repo, name);

      for (const diff of [await plain.diffWith('HEAD', file), await plain.diffWithHEAD(file)]) {
        const listed = hunksFromDiff(diff).flat().map((l) => `${l.mark}${l.text}`);
        assert.deepEqual(listed, [' one', '+two'], `the diff of ${name}:\n${diff}`);
        assert.doesNotMatch(diff, /SECRET-TOKEN/);
      }
      git(repo, 'add', '-A');
      const staged = await plain.diffIndexWithHEAD(file);
      assert.deepEqual(hunksFromDiff(staged).flat().map((l) => `${l.mark}${l.text}`), [' one', '+two'], `the staged diff of ${name}:\n${staged}`);
      assert.doesNotMatch(staged, /SECRET-TOKEN/);
    });
  }

  it('a filter the repository\u2019s config names for its files never runs when the review reads their diff', async () => {
    // What a repository unpacked from an archive can carry: .gitattributes naming a filter, .git/config naming its program.
    const ran = path.join(outside, 'ran');
    const program = path.join(outside, 'filter.sh');
    fs.writeFileSync(program, `#!/bin/sh\necho "$@" >> '${ran}'\ncat\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(repo, '.gitattributes'), 'a.txt filter=lfs-like\nb.txt filter=odd=name\n');
    fs.writeFileSync(path.join(repo, 'a.txt'), 'one\n');
    fs.writeFileSync(path.join(repo, 'b.txt'), 'one\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'base');
    git(repo, 'config', 'filter.lfs-like.clean', `${program} clean`);
    git(repo, 'config', 'filter.lfs-like.required', 'true');
    git(repo, 'config', 'filter.odd=name.process', `${program} process`);
    fs.writeFileSync(path.join(repo, 'a.txt'), 'one\ntwo\n');
    fs.writeFileSync(path.join(repo, 'b.txt'), 'one\nthree\n');
    const plain = withPlainDiffs({ rootUri: { fsPath: repo } } as unknown as GitRepository, 'git');

    const a = await plain.diffWith('HEAD', path.join(repo, 'a.txt')).then((d) => hunksFromDiff(d).flat().map((l) => `${l.mark}${l.text}`), (err: Error) => err.message);
    await plain.diffWithHEAD(path.join(repo, 'b.txt')).catch(() => undefined);
    await plain.diff(false).catch(() => undefined);
    assert.equal(fs.existsSync(ran) ? fs.readFileSync(ran, 'utf8') : 'never', 'never', 'the filter program ran');
    // A filter marked required cannot be skipped: git says so and the file is left out, rather than the program running.
    assert.match(String(a), /clean filter 'lfs-like' failed/, JSON.stringify(a));
    assert.deepEqual(hunksFromDiff(await plain.diffWithHEAD(path.join(repo, 'b.txt'))).flat().map((l) => `${l.mark}${l.text}`), [' one', '+three']);
  });

  it('a submodule\u2019s filter never runs either, whatever the repository\u2019s config asks of submodule diffs', async () => {
    const ran = path.join(outside, 'ran');
    const program = path.join(outside, 'filter.sh');
    fs.writeFileSync(program, `#!/bin/sh\necho "$@" >> '${ran}'\ncat\n`, { mode: 0o755 });
    const sub = path.join(outside, 'sub');
    fs.mkdirSync(sub);
    git(sub, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(sub, '.gitattributes'), 'f.txt filter=sub-filter\n');
    fs.writeFileSync(path.join(sub, 'f.txt'), 'one\n');
    git(sub, 'add', '-A');
    git(sub, 'commit', '-q', '-m', 'sub');
    git(repo, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'lib');
    git(repo, 'commit', '-q', '-m', 'base');
    // The superproject asks for a submodule's changes as a diff of its own: git runs `git diff` inside it, with its config.
    git(repo, 'config', 'diff.submodule', 'diff');
    git(path.join(repo, 'lib'), 'config', 'filter.sub-filter.clean', `${program} clean`);
    fs.writeFileSync(path.join(repo, 'lib', 'f.txt'), 'one\ntwo\n');
    const plain = withPlainDiffs({ rootUri: { fsPath: repo } } as unknown as GitRepository, 'git');

    await plain.diff(false);
    await plain.diffWith('HEAD', path.join(repo, 'lib'));
    await plain.diffWithHEAD(path.join(repo, 'lib'));
    assert.equal(fs.existsSync(ran) ? fs.readFileSync(ran, 'utf8') : 'never', 'never', 'the submodule\u2019s filter program ran');
  });
});
