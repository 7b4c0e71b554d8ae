/**
 * Path confinement on real temporary directories with real symlinks: what
 * resolves, what is refused and why, and which files are never writable.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { protectedPathReason } from '../../language-server/tools/protectedPaths';
import { ToolError } from '../../language-server/tools/toolError';
import { WorkspaceConfinement } from '../../language-server/tools/workspaceConfinement';
import { makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';

async function refusedWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof ToolError, `expected a ToolError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('workspace confinement', () => {
  let ws: ToolWorkspace;
  let confinement: WorkspaceConfinement;

  beforeEach(async () => {
    ws = await makeToolWorkspace({ 'src/a.ts': 'a\n', 'README.md': '# hi\n', '.git/config': '[core]\n' });
    await fs.symlink(ws.outside, path.join(ws.root, 'out-dir'));
    await fs.symlink(path.join(ws.outside, 'secret.txt'), path.join(ws.root, 'out-file'));
    await fs.symlink(path.join(ws.root, 'src'), path.join(ws.root, 'src-link'));
    await fs.symlink(path.join(ws.root, '.git', 'config'), path.join(ws.root, 'config-link'));
    await fs.symlink(path.join(ws.outside, 'does-not-exist'), path.join(ws.root, 'dangling'));
    confinement = await WorkspaceConfinement.create([ws.root]);
  });

  afterEach(() => ws.cleanup());

  it('resolves relative, ./-prefixed and absolute paths inside the workspace', async () => {
    for (const input of ['src/a.ts', './src/a.ts', path.join(ws.root, 'src/a.ts'), 'src/../src/a.ts']) {
      const p = await confinement.resolve(input, 'read');
      assert.equal(p.absolute, path.join(ws.root, 'src/a.ts'), input);
      assert.equal(p.display, 'src/a.ts');
      assert.equal(p.exists, true);
    }
    const root = await confinement.resolve('.', 'read');
    assert.equal(root.absolute, ws.root);
    assert.equal(root.display, '.');
  });

  it('follows symlinks that stay inside and reports the real path', async () => {
    const p = await confinement.resolve('src-link/a.ts', 'read');
    assert.equal(p.absolute, path.join(ws.root, 'src/a.ts'));
  });

  it('resolves a new file through its nearest existing parent, listing the folders to create', async () => {
    const p = await confinement.resolve('src/new/deeper/file.ts', 'write');
    assert.equal(p.exists, false);
    assert.equal(p.absolute, path.join(ws.root, 'src/new/deeper/file.ts'));
    assert.deepEqual(p.missingDirs, [path.join(ws.root, 'src/new'), path.join(ws.root, 'src/new/deeper')]);
  });

  it('refuses paths that leave the workspace', async () => {
    await refusedWith(confinement.resolve('../outside/secret.txt', 'read'), /goes above the workspace root/);
    await refusedWith(confinement.resolve('src/../../outside/secret.txt', 'read'), /goes above/);
    await refusedWith(confinement.resolve(path.join(ws.outside, 'secret.txt'), 'read'), /outside the workspace/);
    await refusedWith(confinement.resolve('/etc/passwd', 'read'), /outside the workspace/);
    await refusedWith(confinement.resolve(`${ws.root}/../outside/secret.txt`, 'read'), /outside the workspace/);
  });

  it('refuses symlinks that point out, also for files that do not exist yet', async () => {
    await refusedWith(confinement.resolve('out-file', 'read'), /symlink that points outside/);
    await refusedWith(confinement.resolve('out-dir/secret.txt', 'read'), /symlink that points outside/);
    await refusedWith(confinement.resolve('out-dir/new.txt', 'write'), /symlink that points outside/);
    await refusedWith(confinement.resolve('dangling', 'write'), /does not follow it/);
  });

  it('refuses inputs that are not plain POSIX paths', async () => {
    await refusedWith(confinement.resolve('src/a.ts\0.png', 'read'), /NUL byte/);
    await refusedWith(confinement.resolve('~/.ssh/id_rsa', 'read'), /starts with "~"/);
    await refusedWith(confinement.resolve('~root/x', 'read'), /starts with "~"/);
    await refusedWith(confinement.resolve('src\\a.ts', 'read'), /Windows-style/);
    await refusedWith(confinement.resolve('C:/Windows/win.ini', 'read'), /Windows drive/);
    await refusedWith(confinement.resolve('\\\\server\\share\\x', 'read'), /Windows-style/);
    await refusedWith(confinement.resolve('file:///etc/passwd', 'read'), /URL/);
    await refusedWith(confinement.resolve('src/a\n.ts', 'read'), /control characters/);
    await refusedWith(confinement.resolve('', 'read'), /empty/);
    await refusedWith(confinement.resolve(42, 'read'), /must be a string/);
  });

  it('lets the agent read but never write Git internals and configuration, in any case spelling', async () => {
    assert.equal((await confinement.resolve('.git/config', 'read')).exists, true);
    for (const p of ['.git/config', '.GIT/config', '.Git/HEAD', '.git/hooks/pre-commit', '.git', 'sub/.git/x', '.git./config']) {
      await refusedWith(confinement.resolve(p, 'write'), /not allowed: files inside \.git/);
    }
    await refusedWith(confinement.resolve('config-link', 'write'), /\.git/);
    await refusedWith(confinement.resolve('.vscode/settings.json', 'write'), /\.vscode\/settings\.json/);
    await refusedWith(confinement.resolve('.VSCode/Settings.JSON', 'write'), /settings\.json/);
    await refusedWith(confinement.resolve('.vscode/mcp.json', 'write'), /mcp\.json/);
    await refusedWith(confinement.resolve('packages/app/.vscode/settings.json', 'write'), /settings\.json/);
    await refusedWith(confinement.resolve('team.code-workspace', 'write'), /code-workspace/);
    await refusedWith(confinement.resolve('.hearth/policy.json', 'write'), /Hearth's own configuration/);
    await refusedWith(confinement.resolve('nested/.HEARTH/x', 'write'), /Hearth/);
    // Near misses stay writable.
    for (const p of ['.gitignore', '.github/workflows/ci.yml', '.vscode/launch.json', 'src/settings.json', 'git/config']) {
      assert.equal((await confinement.resolve(p, 'write')).exists, false, p);
    }
  });

  it('treats a differently cased path as a different file on a case-sensitive disk', async function () {
    if (confinement.roots[0].caseInsensitive) this.skip();
    const p = await confinement.resolve('SRC/A.ts', 'read');
    assert.equal(p.exists, false);
    assert.equal(p.absolute, path.join(ws.root, 'SRC/A.ts'));
  });

  it('checks glob patterns', () => {
    assert.equal(confinement.checkGlob('src/**/*.ts'), 'src/**/*.ts');
    assert.throws(() => confinement.checkGlob('../**/*'), /contains "\.\."/);
    assert.throws(() => confinement.checkGlob('src/../../x'), /contains "\.\."/);
    assert.throws(() => confinement.checkGlob('{src,..}/*'), /contains "\.\."/);
    assert.throws(() => confinement.checkGlob('/etc/*'), /absolute/);
    assert.throws(() => confinement.checkGlob('~/x'), /"~"/);
    assert.throws(() => confinement.checkGlob('src\\*.ts'), /Windows-style/);
    assert.throws(() => confinement.checkGlob(''), /non-empty/);
  });

  it('names folders in a multi-root workspace and resolves paths prefixed with them', async () => {
    const second = path.join(ws.base, 'second');
    await fs.mkdir(second);
    await fs.writeFile(path.join(second, 'b.txt'), 'b');
    const multi = await WorkspaceConfinement.create([ws.root, second]);
    const b = await multi.resolve('second/b.txt', 'read');
    assert.equal(b.absolute, path.join(second, 'b.txt'));
    assert.equal(b.display, 'second/b.txt');
    const a = await multi.resolve('src/a.ts', 'read');
    assert.equal(a.display, 'workspace/src/a.ts');
    await refusedWith(multi.resolve(path.join(ws.outside, 'secret.txt'), 'read'), /outside/);
  });

  it('says so when no folder is open', async () => {
    const none = await WorkspaceConfinement.create([]);
    await refusedWith(none.resolve('a.txt', 'read'), /No folder is open/);
  });

  it('protectedPathReason works on segments', () => {
    assert.equal(protectedPathReason(['src', 'a.ts']), null);
    assert.ok(protectedPathReason(['.GIT ', 'config']));
    assert.ok(protectedPathReason(['.vscode', 'mcp.json']));
    assert.equal(protectedPathReason(['mcp.json']), null);
  });
});
