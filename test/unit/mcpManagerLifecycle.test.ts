/**
 * The MCP manager's lifecycle with servers that misbehave: one that exits at
 * once (backoff, then it gives up and says why), a program that does not
 * exist (no pointless retries), an HTTP server nobody listens on, and a
 * server whose configuration changes (restarted) or disappears (stopped).
 */
import assert from 'node:assert/strict';
import { McpManager } from '../../agent-host/mcp/mcpManager';
import type { McpServerStatus } from '../../agent-host/mcp/mcpTypes';
import { closedPortUrl } from '../fixtures/closedPort';
import { isProcessGone } from '../fixtures/processGone';
import { until } from '../fixtures/until';

/** A "server" that writes to stderr and exits before answering `initialize`. */
const crashing = { command: process.execPath, args: ['-e', "console.error('boom: missing API key'); process.exit(3)"] };
/** A "server" that never answers: it only reads stdin, so it runs until it is stopped. */
const silent = { command: process.execPath, args: ['-e', 'process.stdin.resume()'] };

describe('MCP manager lifecycle', function () {
  this.timeout(20_000);
  let manager: McpManager;
  let changes: McpServerStatus[];
  let logs: string[];

  beforeEach(() => {
    changes = [];
    logs = [];
    manager = new McpManager({
      log: (server, message) => logs.push(`${server}: ${message}`),
      onStatusChange: (s) => changes.push(s),
      restartDelayMs: 20,
      maxRestartDelayMs: 80,
      maxConsecutiveFailures: 3,
      connectTimeoutMs: 10_000,
      killGraceMs: 200,
    });
  });

  afterEach(() => manager.dispose());

  it('restarts a server that exits with growing delays, then gives up and says why', async () => {
    await manager.configure([{ name: 'flaky', config: crashing }]);
    await until(() => manager.status('flaky')?.state === 'failed', 'the server to be given up on', 15_000);
    const status = manager.status('flaky')!;
    assert.match(status.lastError!, /exited with code 3 during startup/);
    assert.match(status.lastError!, /boom: missing API key/);
    assert.match(status.lastError!, /stopped restarting it after 3 failures in a row.*Restart MCP Server/);
    assert.equal(status.restarts, 2);
    const waits = changes.filter((c) => c.state === 'restarting').map((c) => c.nextRestartAt!);
    assert.equal(waits.length, 2, 'two delayed restarts before giving up');
    assert.ok(logs.some((l) => l === 'flaky: boom: missing API key'), 'stderr reaches the log callback');
    assert.ok(logs.some((l) => /Restarting in 20 ms/.test(l)) && logs.some((l) => /Restarting in 40 ms/.test(l)), logs.join('\n'));
    assert.deepEqual(manager.tools(), []);
  });

  it('does not retry a program that does not exist', async () => {
    await manager.configure([{ name: 'missing', config: { command: 'hearth-no-such-mcp-server' } }]);
    await until(() => manager.status('missing')?.state === 'failed', 'the failure');
    assert.match(manager.status('missing')!.lastError!, /hearth-no-such-mcp-server was not found/);
    assert.equal(changes.filter((c) => c.state === 'restarting').length, 0);
  });

  it('retries an HTTP server that refuses connections', async () => {
    const url = `${await closedPortUrl()}/mcp`;
    await manager.configure([{ name: 'remote', config: { type: 'http', url, headers: { Authorization: 'Bearer not-for-logs' } } }]);
    await until(() => changes.some((c) => c.state === 'restarting'), 'a restart to be scheduled');
    const status = manager.status('remote')!;
    assert.match(status.lastError!, new RegExp(`could not connect to ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.ok(!JSON.stringify([changes, logs]).includes('not-for-logs'), 'header values are never logged');
  });

  it('a call to a server that is not running says so instead of hanging', async () => {
    await manager.configure([{ name: 'slow', config: silent }]);
    await until(() => manager.status('slow')?.pid !== undefined, 'the process to start');
    const tool = { name: 'slow.x', server: 'slow', toolName: 'x', definition: { name: 'slow.x', description: '', parameters: { type: 'object' as const }, readOnly: false }, snapshot: { name: 'x', description: '', inputSchema: {} }, hash: '' };
    const outcome = await manager.callTool(tool, {}, { signal: new AbortController().signal });
    assert.equal(outcome.isError, true);
    assert.match(outcome.content, /the MCP server "slow" is still starting/);
  });

  it('restarts a server whose configuration changed and stops one that was removed, process and all', async () => {
    await manager.configure([{ name: 'a', config: silent }]);
    await until(() => manager.status('a')?.pid !== undefined, 'the first process');
    const first = manager.status('a')!.pid!;
    await manager.configure([{ name: 'a', config: { ...silent, args: [...silent.args, '--changed'] } }]);
    await until(() => manager.status('a')?.pid !== undefined, 'the second process');
    assert.notEqual(manager.status('a')!.pid, first);
    assert.ok(isProcessGone(first), 'the old process was stopped before the new one started');
    const second = manager.status('a')!.pid!;
    await manager.configure([]);
    assert.deepEqual(manager.statuses(), []);
    await until(() => isProcessGone(second), 'the removed server to stop');
  });
});
