/**
 * The hard cap on one MCP tool call, with the real manager and a real stdio
 * server (test/fixtures/mcpEndlessProgressServer.main.ts) that reports
 * progress forever: progress keeps a call alive past the idle timeout, but
 * not past the cap, and at the cap the server is told to stop.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { McpManager } from '../../agent-host/mcp/mcpManager';
import { until } from '../fixtures/until';

const ENDLESS_PROGRESS = fileURLToPath(new URL('../fixtures/mcpEndlessProgressServer.main.mjs', import.meta.url));

describe('MCP tool call cap', function () {
  this.timeout(30_000);
  let manager: McpManager;
  let logs: string[];

  beforeEach(() => {
    logs = [];
    manager = new McpManager({ log: (server, message) => logs.push(`${server}: ${message}`), callTimeoutMs: 500, maxCallMs: 2_000, killGraceMs: 200 });
  });

  afterEach(() => manager.dispose());

  it('cancels a call that keeps reporting progress once it reaches the cap, tells the server, and says why', async () => {
    await manager.configure([{ name: 'busy', config: { command: process.execPath, args: [ENDLESS_PROGRESS] } }]);
    await until(() => manager.status('busy')?.state === 'running', 'the server to run', 15_000);
    const tool = manager.tools().find((t) => t.name === 'busy.work')!;
    let reports = 0;
    const started = Date.now();
    const outcome = await manager.callTool(tool, {}, { signal: new AbortController().signal, onProgress: () => reports++ });
    const took = Date.now() - started;
    assert.ok(reports > 10, `progress kept the call alive past the 500 ms idle timeout (${reports} reports)`);
    assert.ok(took >= 2_000 && took < 5_000, `ended at the cap, after ${took} ms`);
    assert.equal(outcome.isError, true);
    assert.equal(outcome.summary, 'too long');
    assert.match(outcome.content, /^busy\.work ran for 2 s, the longest Hearth lets one MCP tool call run even while the server reports progress, so Hearth cancelled it and asked the server to stop\./);
    await until(() => logs.includes('busy: work was cancelled'), 'the server to be told to stop the call', 5_000);
    assert.equal(manager.status('busy')?.state, 'running', 'the server keeps running; only the call ended');
  });
});
