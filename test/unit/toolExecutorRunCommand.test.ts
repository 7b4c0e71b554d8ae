/**
 * run_command end to end with a real /bin/sh: the policy decides, the user
 * approves, the output is capped, and cancellation or a timeout stops the
 * whole process tree, grandchildren included.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { unsandboxed } from '../../language-server/tools/sandbox/unsandboxed';
import { alwaysAccept, recordingGateway } from '../fixtures/approvalGateways';
import { isProcessGone, STOP_BOUND_MS } from '../fixtures/processGone';
import { call, makeToolWorkspace, type ToolWorkspace } from '../fixtures/toolWorkspace';
import { until } from '../fixtures/until';

describe('tool executor: run_command', function () {
  this.timeout(15_000);
  let ws: ToolWorkspace;

  beforeEach(async () => {
    ws = await makeToolWorkspace({ 'a.txt': 'alpha\n' });
  });

  afterEach(() => ws.cleanup());

  /**
   * The process-tree cases read pids the shell prints, which are only host
   * pids outside a pid namespace; they test the runner's process-group
   * handling, so they run unsandboxed (approved). The same guarantees under
   * bubblewrap are tested in test/integration/sandboxEscapes.test.ts.
   */
  const hostShell = unsandboxed('process-group tests read host pids');

  function pidFrom(file: string): number {
    return Number(readFileSync(path.join(ws.root, file), 'utf8').trim());
  }

  it('runs an allow-listed command in the workspace root without asking', async () => {
    const gateway = recordingGateway();
    const r = await call(ws.executor({ approvals: gateway }), 'run_command', { command: 'pwd && echo hello && cat a.txt' });
    assert.equal(r.isError, false, r.content);
    assert.match(r.summary ?? '', /^exit 0 in \d+\.\d s$/);
    assert.match(r.content, /^The command finished with exit code 0 in \d+\.\d s\.\nOutput:\n/);
    assert.ok(r.content.endsWith(`${ws.root}\nhello\nalpha\n`), r.content);
    assert.equal(gateway.commands.length, 0);
  });

  it('reports a non-zero exit code as a normal result with the output', async () => {
    const r = await call(ws.executor(), 'run_command', { command: 'cat missing.txt' });
    assert.equal(r.isError, false);
    assert.match(r.summary ?? '', /^exit 1 in/);
    assert.match(r.content, /missing\.txt: No such file or directory/);
  });

  it('asks for approval with the reason, and does not run a rejected command', async () => {
    const gateway = recordingGateway({ commands: ['reject'] });
    const r = await call(ws.executor({ approvals: gateway }), 'run_command', { command: 'ls && touch made.txt' });
    assert.equal(r.isError, true);
    assert.equal(r.summary, 'rejected by user');
    assert.match(r.content, /The user rejected running `ls && touch made\.txt` \(it needed approval because `touch made\.txt` is not in your allow-list\)\. It did not run\./);
    assert.deepEqual(
      gateway.commands.map((c) => ({ command: c.command, cwd: c.cwd, reason: c.reason })),
      [{ command: 'ls && touch made.txt', cwd: ws.root, reason: '`touch made.txt` is not in your allow-list' }],
    );
    assert.equal(existsSync(path.join(ws.root, 'made.txt')), false);
  });

  it('runs an approved command', async () => {
    const r = await call(ws.executor({ approvals: recordingGateway({ commands: ['accept'] }) }), 'run_command', { command: 'touch made.txt' });
    assert.equal(r.isError, false);
    assert.equal(existsSync(path.join(ws.root, 'made.txt')), true);
  });

  it('refuses a deny-listed command without asking', async () => {
    const gateway = recordingGateway({ commands: ['accept'] });
    const r = await call(ws.executor({ approvals: gateway }), 'run_command', { command: 'echo ok; rm -rf a.txt' });
    assert.equal(r.isError, true);
    assert.equal(r.summary, 'refused by deny-list');
    assert.match(r.content, /`rm -rf a\.txt` matches your deny-list entry `rm -rf`/);
    assert.equal(gateway.commands.length, 0);
    assert.equal(existsSync(path.join(ws.root, 'a.txt')), true);
  });

  it('keeps the beginning and the end of long output', async () => {
    await ws.write('big.txt', Array.from({ length: 5000 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
    const r = await call(ws.executor({ policy: { maxOutputBytes: 1000 } }), 'run_command', { command: 'cat big.txt' });
    assert.match(r.content, /The output was \d+ bytes; the middle \d+ bytes are omitted below\./);
    assert.match(r.content, /Output:\nline 1\nline 2\n/);
    assert.match(r.content, /\[\.\.\. \d+ bytes of output omitted \.\.\.\]/);
    assert.ok(r.content.endsWith('line 5000\n'));
    assert.ok(r.content.length < 1500);
  });

  it('stops the whole process tree within a second when the turn is cancelled', async () => {
    const controller = new AbortController();
    const exec = ws.executor({ approvals: alwaysAccept(), sandbox: hostShell });
    const pending = call(exec, 'run_command', { command: 'sleep 30 & echo $! > grandchild.pid; echo $$ > shell.pid; wait' }, controller.signal);
    await until(() => existsSync(path.join(ws.root, 'grandchild.pid')) && existsSync(path.join(ws.root, 'shell.pid')), 'the pid files');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const grandchild = pidFrom('grandchild.pid');
    const shell = pidFrom('shell.pid');
    assert.equal(isProcessGone(grandchild), false, 'the grandchild runs before the cancel');
    const cancelledAt = Date.now();
    controller.abort();
    const r = await pending;
    assert.equal(r.isError, true);
    assert.equal(r.summary, 'cancelled');
    assert.match(r.content, /was cancelled after .* every process it started were stopped/);
    await until(() => isProcessGone(grandchild) && isProcessGone(shell), 'the grandchild sleep and the shell to be gone', STOP_BOUND_MS);
    assert.ok(Date.now() - cancelledAt < STOP_BOUND_MS, `took ${Date.now() - cancelledAt} ms`);
  });

  it('kills processes that ignore SIGTERM with SIGKILL after the grace period', async () => {
    const controller = new AbortController();
    const exec = ws.executor({ approvals: alwaysAccept(), killGraceMs: 200, sandbox: hostShell });
    const pending = call(exec, 'run_command', { command: "trap '' TERM; sleep 30 & echo $! > stubborn.pid; wait" }, controller.signal);
    await until(() => existsSync(path.join(ws.root, 'stubborn.pid')), 'the pid file');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stubborn = pidFrom('stubborn.pid');
    const cancelledAt = Date.now();
    controller.abort();
    await pending;
    await until(() => isProcessGone(stubborn), 'the SIGTERM-ignoring sleep to be gone', STOP_BOUND_MS);
    assert.ok(Date.now() - cancelledAt < STOP_BOUND_MS, `took ${Date.now() - cancelledAt} ms`);
  });

  it('stops the process tree on timeout', async () => {
    const startedAt = Date.now();
    const r = await call(ws.executor({ approvals: alwaysAccept(), sandbox: hostShell }), 'run_command', { command: 'sleep 30 & echo $! > t.pid; wait', timeoutSeconds: 1 });
    assert.equal(r.isError, true);
    assert.equal(r.summary, 'timed out after 1.0 s');
    assert.match(r.content, /timed out after 1\.0 s; it and every process it started were stopped/);
    assert.ok(Date.now() - startedAt < STOP_BOUND_MS);
    await until(() => isProcessGone(pidFrom('t.pid')), 'the timed-out sleep to be gone', STOP_BOUND_MS);
  });

  it('stops background processes the command left running', async () => {
    const r = await call(ws.executor({ approvals: alwaysAccept(), sandbox: hostShell }), 'run_command', { command: 'sleep 30 > /dev/null 2>&1 & echo $! > bg.pid' });
    assert.equal(r.isError, false);
    assert.match(r.content, /Processes it started in the background .* were still running when it ended and were stopped: nothing it started runs now\./);
    await until(() => isProcessGone(pidFrom('bg.pid')), 'the background sleep to be gone', STOP_BOUND_MS);
  });

  it('without a sandbox, stops a background process that left the process group (setsid) when the command ends', async () => {
    const r = await call(ws.executor({ approvals: alwaysAccept(), sandbox: hostShell }), 'run_command', {
      command: 'setsid sh -c \'echo $$ > daemon.pid; exec sleep 30\' > /dev/null 2>&1 & until [ -s daemon.pid ]; do sleep 0.01; done; echo started',
    });
    assert.equal(r.isError, false, r.content);
    assert.match(r.content, /started\n/);
    assert.match(r.content, /were still running when it ended and were stopped: nothing it started runs now\./);
    await until(() => isProcessGone(pidFrom('daemon.pid')), 'the setsid sleep to be gone', STOP_BOUND_MS);
  });

  it('without a sandbox, Stop ends a process that left the process group (setsid)', async () => {
    const controller = new AbortController();
    const pending = call(ws.executor({ approvals: alwaysAccept(), sandbox: hostShell }), 'run_command', { command: 'setsid sh -c \'echo $$ > daemon.pid; exec sleep 30\' & wait' }, controller.signal);
    await until(() => existsSync(path.join(ws.root, 'daemon.pid')) && readFileSync(path.join(ws.root, 'daemon.pid'), 'utf8').trim() !== '', 'the daemon to start');
    controller.abort();
    const r = await pending;
    assert.equal(r.summary, 'cancelled');
    await until(() => isProcessGone(pidFrom('daemon.pid')), 'the setsid sleep to be gone', STOP_BOUND_MS);
  });

  it('uses the policy timeout when the model gives none', async () => {
    const r = await call(ws.executor({ approvals: alwaysAccept(), policy: { commandTimeoutMs: 300 } }), 'run_command', { command: 'sleep 5' });
    assert.equal(r.summary, 'timed out after 0.3 s');
  });

  it('does not let a pager or a credential prompt block the command', async () => {
    const r = await call(ws.executor({ approvals: alwaysAccept() }), 'run_command', { command: 'echo "$PAGER $GIT_PAGER $GIT_TERMINAL_PROMPT $HEARTH_AGENT"' });
    assert.match(r.content, /cat cat 0 1\n$/);
  });

  it('reports a command that cannot start', async () => {
    const exec = ws.executor({ approvals: alwaysAccept() });
    assert.equal((await call(exec, 'read_file', { path: 'a.txt' })).isError, false);
    await fs.rm(ws.root, { recursive: true });
    const r = await call(exec, 'run_command', { command: 'ls' });
    assert.equal(r.isError, true);
    assert.equal(r.summary, 'failed to start');
    // The program is bwrap where the sandbox is available, /bin/sh where it is not.
    assert.match(r.content, /The command could not be started: spawn \/\S+ ENOENT/);
  });
});
