/**
 * The security table: escape attempts a model (or a prompt injection in a
 * file it read) might make, each run through the real executor on a real
 * temporary workspace with real symlinks. The approval gateway accepts every
 * edit, so each refusal below is the executor's own doing, not the user's;
 * commands that need approval are rejected, and the test checks they were
 * asked for. After the table, a sentinel folder outside the workspace must be
 * byte for byte unchanged.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ToolResult } from '../../protocol/chat';
import type { WorkspaceToolExecutor } from '../../language-server/tools/workspaceToolExecutor';
import { recordingGateway, type RecordingGateway } from '../fixtures/approvalGateways';
import { call, makeToolWorkspace, snapshotTree, type ToolWorkspace } from '../fixtures/toolWorkspace';

/** refused: by confinement or policy, nobody asked. denied: deny-list, nobody asked. asked: needed approval, the user said no. */
type Expectation = 'refused' | 'denied' | 'asked';

interface Attempt {
  title: string;
  tool: string;
  args: Record<string, unknown>;
  expect: Expectation;
}

function attempts(root: string, outside: string): Attempt[] {
  const read = (title: string, p: string, tool = 'read_file'): Attempt => ({ title, tool, args: { path: p }, expect: 'refused' });
  const write = (title: string, p: string): Attempt => ({ title, tool: 'write_file', args: { path: p, content: 'pwned' }, expect: 'refused' });
  const edit = (title: string, p: string): Attempt => ({ title, tool: 'edit_file', args: { path: p, oldText: 'a', newText: 'pwned' }, expect: 'refused' });
  const glob = (title: string, pattern: string): Attempt => ({ title, tool: 'glob', args: { pattern }, expect: 'refused' });
  const run = (title: string, command: string, expect: Expectation): Attempt => ({ title, tool: 'run_command', args: { command }, expect });
  return [
    // Traversal and absolute paths.
    read('read ../ traversal', '../outside/secret.txt'),
    read('read traversal hidden in the middle', 'src/../../outside/secret.txt'),
    read('read deep traversal', 'src/a/b/../../../../outside/secret.txt'),
    read('read an absolute path outside', path.join(outside, 'secret.txt')),
    read('read /etc/passwd', '/etc/passwd'),
    read('read an absolute path that climbs out of the root', `${root}/../outside/secret.txt`),
    read('read through ~', '~/.bashrc'),
    read('read with a NUL byte', 'src/app.ts\0/../../outside/secret.txt'),
    read('read a Windows-style traversal', '..\\outside\\secret.txt'),
    read('read a Windows drive path', 'C:\\Windows\\win.ini'),
    read('read a file:// URL', `file://${outside}/secret.txt`),
    // Symlinks out, chains, and links in through outside folders.
    read('read a symlinked file pointing outside', 'out-file'),
    read('read through a symlinked dir pointing outside', 'out-dir/secret.txt'),
    read('read through a symlink chain ending outside', 'chain1'),
    read('read an absolute path via an outside link into the workspace, then ..', `${outside}/link-in/../secret.txt`),
    read('list a symlinked dir pointing outside', 'out-dir', 'list_dir'),
    read('list an absolute directory outside', outside, 'list_dir'),
    { title: 'grep in a symlinked dir pointing outside', tool: 'grep', args: { pattern: 'SECRET', path: 'out-dir' }, expect: 'refused' },
    { title: 'grep with .. in the glob', tool: 'grep', args: { pattern: 'SECRET', glob: '../outside/*' }, expect: 'refused' },
    // Globs.
    glob('glob starting with ..', '../outside/*'),
    glob('glob with .. in the middle', 'src/../../outside/*'),
    glob('glob with .. inside braces', '{src,..}/**'),
    glob('glob with an absolute pattern', `${outside}/*`),
    // Writes out of the workspace.
    write('write ../ traversal', '../outside/pwned.txt'),
    write('write an absolute path outside', path.join(outside, 'pwned.txt')),
    write('write through a symlinked dir pointing outside', 'out-dir/pwned.txt'),
    write('write a symlinked file pointing outside', 'out-file'),
    write('write through a symlink chain ending outside', 'chain1'),
    write('write a dangling symlink pointing outside', 'dangling'),
    edit('edit a symlinked file pointing outside', 'out-file'),
    // Git internals and configuration, in every case spelling.
    write('write .git/config', '.git/config'),
    write('write .GIT/config', '.GIT/config'),
    write('write .Git/HEAD', '.Git/HEAD'),
    write('write a Git hook', '.git/hooks/pre-commit'),
    write('write .git/ through a symlink inside the workspace', 'config-link'),
    edit('edit .git/config', '.git/config'),
    write('write .vscode/settings.json', '.vscode/settings.json'),
    edit('edit .vscode/settings.json', '.vscode/settings.json'),
    write('write .VSCODE/Settings.json', '.VSCODE/Settings.json'),
    write('write .vscode/mcp.json', '.vscode/mcp.json'),
    write('write a .code-workspace file', 'team.code-workspace'),
    write('write .hearth/ configuration', '.hearth/policy.json'),
    // Compound commands smuggling a denied command.
    run('ls && rm -rf <outside>', `ls && rm -rf ${outside}`, 'denied'),
    run('echo $(curl ...)', 'echo $(curl -s http://127.0.0.1:9/x)', 'denied'),
    run('`sudo ...` in backticks', `echo \`sudo touch ${outside}/pwned\``, 'denied'),
    run('ls; (rm -rf .)', 'ls; (rm -rf .)', 'denied'),
    run('newline-separated rm -rf', `ls\nrm -rf ${outside}`, 'denied'),
    run('rm -rf inside sh -c', `sh -c "ls; rm -rf ${outside}"`, 'denied'),
    run('rm -rf behind env', `env X=1 rm -rf ${outside}`, 'denied'),
    run('rm -fr with swapped flags', `ls || rm -fr ${outside}`, 'denied'),
    run('curl inside a here-document that cannot be parsed', `cat <<EOF\n$(curl -s http://127.0.0.1:9/x)\nEOF`, 'denied'),
    // Commands that cannot be checked: asked, never run on their own.
    run('ls | sh', `echo touch ${outside}/pwned | sh`, 'asked'),
    // A name only known at run time could be any deny-listed command, so it is refused outright.
    run('a command name from a variable', `X=touch; $X ${outside}/pwned`, 'denied'),
    run('eval', `eval "touch ${outside}/pwned"`, 'asked'),
    run('an allowed command redirecting outside', `echo pwned > ${outside}/pwned`, 'asked'),
    run('an allowed command redirecting into .vscode/settings.json', 'echo {} > .vscode/settings.json', 'asked'),
    run('PATH hijack in front of an allowed command', `PATH=${outside} ls`, 'asked'),
  ];
}

const COUNT = attempts('/root', '/outside').length;

describe(`security table: ${COUNT} escape attempts, each refused`, function () {
  this.timeout(20_000);
  let ws: ToolWorkspace;
  let executor: WorkspaceToolExecutor;
  let gateway: RecordingGateway;
  let table: Attempt[];
  let outsideBefore: string;
  let protectedBefore: string;
  let baseEntriesBefore: string[];

  before(async () => {
    ws = await makeToolWorkspace({
      'src/app.ts': 'const a = 1;\n',
      '.git/config': '[core]\n\tbare = false\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.vscode/settings.json': '{ "hearth.agent.autoApproveEdits": false }\n',
    });
    await fs.writeFile(path.join(ws.outside, 'a.txt'), 'a\n');
    await fs.symlink(ws.outside, path.join(ws.root, 'out-dir'));
    await fs.symlink(path.join(ws.outside, 'secret.txt'), path.join(ws.root, 'out-file'));
    await fs.symlink(path.join(ws.root, 'chain2'), path.join(ws.root, 'chain1'));
    await fs.symlink(path.join(ws.root, 'chain3'), path.join(ws.root, 'chain2'));
    await fs.symlink(path.join(ws.outside, 'secret.txt'), path.join(ws.root, 'chain3'));
    await fs.symlink(path.join(ws.root, '.git', 'config'), path.join(ws.root, 'config-link'));
    await fs.symlink(path.join(ws.outside, 'not-yet.txt'), path.join(ws.root, 'dangling'));
    await fs.symlink(path.join(ws.root, 'src'), path.join(ws.outside, 'link-in'));
    gateway = recordingGateway({ edits: ['accept'], commands: ['reject'] });
    executor = ws.executor({ approvals: gateway });
    table = attempts(ws.root, ws.outside);
    outsideBefore = await snapshotTree(ws.outside);
    protectedBefore = (await snapshotTree(path.join(ws.root, '.git'))) + (await snapshotTree(path.join(ws.root, '.vscode')));
    baseEntriesBefore = (await fs.readdir(ws.base)).sort();
  });

  after(() => ws?.cleanup());

  attempts('/root', '/outside').forEach((shape, index) => {
    it(`${String(index + 1).padStart(2)}. ${shape.tool}: ${shape.title} → ${shape.expect}`, async () => {
      const attempt = table[index];
      const askedBefore = gateway.commands.length + gateway.edits.length;
      const result: ToolResult = await call(executor, attempt.tool, attempt.args);
      const asked = gateway.commands.length + gateway.edits.length - askedBefore;
      assert.equal(result.isError, true, `not refused: ${result.content}`);
      assert.ok(!result.content.includes('TOP SECRET'), 'the secret leaked into the result');
      if (attempt.expect === 'refused') {
        assert.equal(result.summary, 'refused', result.content);
        assert.equal(asked, 0, 'the user should not even be asked');
      } else if (attempt.expect === 'denied') {
        assert.equal(result.summary, 'refused by deny-list', result.content);
        assert.equal(asked, 0, 'a deny-list match is never put to the user');
      } else {
        assert.equal(result.summary, 'rejected by user', result.content);
        assert.equal(asked, 1, 'the command needed approval');
      }
    });
  });

  it(`after all ${COUNT} attempts, nothing outside the workspace and none of its protected files changed`, async () => {
    assert.equal(table.length, COUNT);
    assert.equal(await snapshotTree(ws.outside), outsideBefore, 'the sentinel folder outside the workspace changed');
    assert.deepEqual((await fs.readdir(ws.base)).sort(), baseEntriesBefore, 'something was created next to the workspace');
    assert.equal((await snapshotTree(path.join(ws.root, '.git'))) + (await snapshotTree(path.join(ws.root, '.vscode'))), protectedBefore);
    assert.equal((await fs.readdir(ws.root)).includes('.hearth'), false);
    assert.equal(gateway.edits.length, 0, 'no refused write reached the approval step');
    assert.deepEqual(await executor.checkpoints.listTurns(), [], 'no refused write was checkpointed');
  });
});
