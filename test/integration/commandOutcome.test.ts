/**
 * How a command's end and output reach the model: real commands through the
 * tool executor in real bubblewrap, as the language server runs them, and
 * the result the model reads checked for what a user running real projects
 * meets (signals, crashes, terminal control sequences, binary output).
 */
import assert from 'node:assert/strict';
import type { CommandSandbox } from '../../language-server/tools/sandbox/commandSandbox';
import { bubblewrapSandbox } from '../../language-server/tools/sandbox/bubblewrapSandbox';
import { findOnPath, probeCommandSandbox } from '../../language-server/tools/sandbox/detectCommandSandbox';
import { alwaysAccept } from '../fixtures/approvalGateways';
import { makeFakeHome, type FakeHome } from '../fixtures/fakeHome';
import { call, makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';

describe('command outcome in real bubblewrap', function () {
  this.timeout(30_000);
  let sandbox: CommandSandbox;
  let home: FakeHome;
  let ws: ToolWorkspace;

  before(async () => {
    const probed = await probeCommandSandbox();
    assert.equal(probed.kind, 'bubblewrap', `bubblewrap must work here (CI installs it): ${probed.unavailableReason}`);
    home = await makeFakeHome();
  });

  after(() => home?.cleanup());

  beforeEach(async () => {
    ws = await makeToolWorkspace({ 'README.md': '# demo\n' });
    sandbox = bubblewrapSandbox({ bwrap: findOnPath('bwrap', process.env.PATH ?? '')!, quarantine: ws.base });
  });

  afterEach(() => ws.cleanup());

  function run(command: string) {
    return call(ws.executor({ sandbox, approvals: alwaysAccept(), commandEnv: { HOME: home.dir } }), 'run_command', { command });
  }

  describe('exit status', () => {
    it('a shell the kernel killed (as its out-of-memory killer does) is reported as SIGKILL, not only as exit code 137', async () => {
      const r = await run('echo working; kill -KILL $$');
      assert.match(r.content, /^The command finished with exit code 137 \(128 \+ 9: a process it ran was probably ended by SIGKILL, which is what the kernel sends when memory runs out/);
      assert.match(r.summary ?? '', /^exit 137 \(SIGKILL\) in /);
      assert.match(r.content, /working/, 'the output before the kill is kept');
    });

    it('a crash is reported as one', async () => {
      const r = await run('sh -c \'kill -SEGV $$\'');
      assert.match(r.content, /exit code 139 \(128 \+ 11: a process it ran was probably ended by SIGSEGV: it crashed\)/);
    });

    it('an ordinary failure is only its exit code', async () => {
      const r = await run('exit 3');
      assert.match(r.content, /^The command finished with exit code 3 in /);
      assert.equal(r.summary?.startsWith('exit 3 in '), true, r.summary);
    });
  });
});
