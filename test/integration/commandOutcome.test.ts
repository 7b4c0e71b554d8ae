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

  function run(command: string, maxOutputBytes?: number) {
    const policy = maxOutputBytes !== undefined ? { maxOutputBytes } : {};
    return call(ws.executor({ sandbox, approvals: alwaysAccept(), commandEnv: { HOME: home.dir }, policy }), 'run_command', { command });
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

  describe('output', () => {
    it('reaches the model as a terminal would show it: no colours, titles, links or cursor moves, a progress bar at its last state', async () => {
      const r = await run(
        "printf '\\033[1;31mred\\033[0m plain\\n\\033]0;a title\\007\\033]8;;https://evil.example/\\033\\\\click here\\033]8;;\\033\\\\\\n" +
          "10%%\\r50%%\\r100%%\\033[K\\r\\n\\033[2J\\033[Hcleared\\033(B\\n'",
      );
      const output = r.content.slice(r.content.indexOf('Output:\n') + 'Output:\n'.length);
      assert.equal(output, 'red plain\nclick here\n100%\ncleared\n', r.content);
      assert.match(r.content, /As a terminal would show it: terminal escape sequences \(colours, cursor moves, titles, links\) were taken out; lines redrawn with \\r or backspaces \(progress bars\) show only what they showed last\./);
    });

    it('shows a control character it cannot interpret as \\xNN, so nothing in the result is invisible', async () => {
      const r = await run("printf 'a\\001b\\033'");
      assert.match(r.content, /Output:\na\\x01b\\x1b$/);
      assert.match(r.content, /other control characters are written as \\xNN/);
    });

    it('does not pass binary output off as text', async () => {
      const r = await run('head -c 4096 /dev/urandom');
      assert.match(r.content, /The output \(4096 bytes\) is not text and is not shown/);
      assert.doesNotMatch(r.content, /\uFFFD|Output:/u);
    });

    it('cuts a long output between characters, never inside one, and counts what it cut', async () => {
      // 700 euro signs of three bytes each: the head and tail budgets of 500 bytes both end inside one.
      const r = await run("i=0; while [ $i -lt 700 ]; do printf '\\342\\202\\254'; i=$((i+1)); done", 1000);
      assert.doesNotMatch(r.content, /\uFFFD/u, r.content);
      const match = /Output:\n(€+)\n\[\.\.\. (\d+) bytes of output omitted \.\.\.\]\n(€+)$/u.exec(r.content);
      assert.ok(match, r.content);
      const kept = Buffer.byteLength(match[1]) + Buffer.byteLength(match[3]);
      assert.equal(Number(match[2]), 2100 - kept);
      assert.match(r.content, new RegExp(`The output was 2100 bytes; the middle ${2100 - kept} bytes are omitted below\\.`));
    });

    it('leaves plain output as it is, with no note', async () => {
      const r = await run("printf 'one\\ttab\\r\\ntwo\\n'");
      assert.match(r.content, /Output:\none\ttab\ntwo\n$/);
      assert.doesNotMatch(r.content, /As a terminal would show it/);
    });
  });
});
