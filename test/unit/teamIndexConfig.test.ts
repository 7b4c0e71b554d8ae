/** config.yaml `index:` and the rules on what git may be asked to fetch. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadServerConfig, parseArgs } from '../../agent-host/server/config/loadServerConfig';
import { readIndexConfig } from '../../agent-host/server/config/readIndexConfig';
import { gitRefProblem, gitUrlProblem, displayGitUrl } from '../../agent-host/server/teamIndex/gitSafety';
import { syncMirror } from '../../agent-host/server/teamIndex/gitMirror';

function read(value: unknown) {
  const problems: string[] = [];
  const config = readIndexConfig(value, problems);
  return { config, problems };
}

describe('team index configuration', () => {
  it('reads repositories (a folder or a git URL with a branch), document sets, the embedding model and the refresh', () => {
    const { config, problems } = read({
      embed_model: 'nomic-embed-text',
      data_dir: '/var/lib/hearth',
      refresh: '30m',
      max_repo_size_mb: 200,
      repositories: [
        { name: 'api', url: 'https://git.example.com/team/api.git', branch: 'release/2.x' },
        { name: 'tools', path: '/srv/src/tools' },
        { name: 'infra', url: 'git@github.com:team/infra.git' },
      ],
      documents: [{ name: 'handbook', path: '/srv/docs/handbook' }],
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(config.repositories, [
      { name: 'api', url: 'https://git.example.com/team/api.git', branch: 'release/2.x' },
      { name: 'tools', path: '/srv/src/tools' },
      { name: 'infra', url: 'git@github.com:team/infra.git' },
    ]);
    assert.deepEqual(config.documents, [{ name: 'handbook', path: '/srv/docs/handbook' }]);
    assert.equal(config.embedModel, 'nomic-embed-text');
    assert.equal(config.dataDir, '/var/lib/hearth');
    assert.equal(config.refreshMs, 30 * 60_000);
    assert.equal(config.maxRepoBytes, 200 * 1024 * 1024);
  });

  it('has no sources when the section is absent', () => {
    const { config, problems } = read(undefined);
    assert.deepEqual(problems, []);
    assert.deepEqual([config.repositories, config.documents], [[], []]);
  });

  it('names every bad entry and keeps none of them', () => {
    const { config, problems } = read({
      refresh: '5s',
      colour: 'blue',
      repositories: [
        { name: 'both', path: '/srv/a', url: 'https://h/x.git' },
        { name: 'neither' },
        { name: 'relative', path: 'src/app' },
        { name: 'exec', url: 'ext::sh -c touch% /tmp/pwned' },
        { name: 'local', url: 'file:///etc' },
        { name: 'option', url: '--upload-pack=touch /tmp/pwned' },
        { name: 'plain', url: 'http://git.example.com/x.git' },
        { name: 'badref', url: 'https://git.example.com/x.git', branch: '--orphan' },
        { name: 'bad name!', path: '/srv/b' },
        { name: 'dup', path: '/srv/c' },
      ],
      documents: [{ name: 'dup', path: '/srv/d' }, { name: 'docs', path: 'docs' }],
    });
    assert.deepEqual(config.repositories.map((r) => r.name), ['dup'], 'only the one good repository is kept');
    assert.deepEqual(config.documents, []);
    const expect = [
      'index.refresh',
      'index.colour',
      'index.repositories[0]: give exactly one',
      'index.repositories[1]: give exactly one',
      'index.repositories[2].path',
      'index.repositories[3].url',
      'index.repositories[4].url',
      'index.repositories[5].url',
      'index.repositories[6].url',
      'index.repositories[7].branch',
      'index.repositories[8].name',
      'index.documents[0].name: "dup" is used twice',
      'index.documents[1].path',
    ];
    for (const e of expect) assert.ok(problems.some((p) => p.startsWith(e)), `${e} in ${problems.join(' | ')}`);
  });

  it('stops the server at start with the problem, as other config mistakes do', () => {
    const yaml = 'index:\n  repositories:\n    - { name: x, url: "ext::sh -c id" }\n';
    assert.throws(
      () => loadServerConfig({ args: parseArgs(['--config', 'c.yaml']), env: {}, readFile: () => yaml }),
      (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.includes('remote helper')),
    );
  });
});

describe('git URL safety', () => {
  it('allows https, ssh and scp-like URLs', () => {
    for (const url of ['https://github.com/team/api.git', 'ssh://git@git.example.com:2222/team/api.git', 'git@github.com:team/api.git', 'https://user@git.example.com/x']) {
      assert.equal(gitUrlProblem(url), undefined, url);
    }
  });

  it('refuses remote helpers, local transports, options, passwords and control characters', () => {
    for (const url of [
      'ext::sh -c touch% /tmp/pwned',
      'fd::17',
      'https::ext::x',
      'file:///etc',
      '/etc',
      './repo',
      'git://git.example.com/x.git',
      'http://git.example.com/x.git',
      '-uhttps://x',
      '--upload-pack=touch /tmp/x',
      'https://user:secret@git.example.com/x.git',
      'https://git.example.com/x.git\n',
      'https://git.example.com/a b.git',
      '',
    ]) {
      assert.notEqual(gitUrlProblem(url), undefined, JSON.stringify(url));
    }
  });

  it('allows plain branch names only', () => {
    for (const ref of ['main', 'release/2.x', 'v1.2.3']) assert.equal(gitRefProblem(ref), undefined, ref);
    for (const ref of ['-b', '--upload-pack=x', 'a..b', 'x.lock', 'a b', 'HEAD@{1}', 'a/']) assert.notEqual(gitRefProblem(ref), undefined, ref);
  });

  it('shows a URL without its user name', () => {
    assert.equal(displayGitUrl('https://deploy@git.example.com/x.git'), 'https://git.example.com/x.git');
    assert.equal(displayGitUrl('git@github.com:team/api.git'), 'github.com:team/api.git');
  });

  it('refuses an unsafe URL even when called directly, before git runs', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hearth-mirror-'));
    const marker = path.join(dir, 'pwned');
    try {
      await assert.rejects(syncMirror({ url: `ext::sh -c touch% ${marker}`, dir: path.join(dir, 'clone'), maxBytes: 1e6 }, new AbortController().signal), /refused to clone/);
      await assert.rejects(syncMirror({ url: 'https://example.invalid/x.git', branch: '--orphan', dir: path.join(dir, 'clone'), maxBytes: 1e6 }, new AbortController().signal), /refused to clone/);
      await assert.rejects(fs.stat(marker));
      await assert.rejects(fs.stat(path.join(dir, 'clone')));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
