/**
 * MCP servers and single tools the user turned off (`hearth.mcp.disabledTools`),
 * through the real language server, a real stdio MCP server
 * (test/fixtures/mcpManyToolsServer.main.ts) and the scripted Ollama: a tool
 * that is off is not in the model's request, and a call the model makes to
 * it anyway is refused with the reason and never reaches the server; a
 * server that is off is not started, and one turned off while it runs is
 * stopped. A change of the setting applies without a restart.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chatRequests, offeredTools } from '../fixtures/ollamaFixture';
import { isProcessGone } from '../fixtures/processGone';
import { until } from '../fixtures/until';
import { MODEL, startMcpTestServer, useMcpSuite } from './mcpHarness';

const MANY_TOOLS = fileURLToPath(new URL('../fixtures/mcpManyToolsServer.main.mjs', import.meta.url));
const TRACKER = { command: process.execPath, args: [MANY_TOOLS, '3', '60'] };

describe('MCP: servers and tools the user turned off (integration)', function () {
  this.timeout(90_000);
  const suite = useMcpSuite('mcp-off');
  const settings = (disabledTools?: string[]) => ({
    ollama: { host: suite.fixture.url },
    chat: { model: MODEL },
    mcp: { servers: { tracker: TRACKER }, ...(disabledTools ? { disabledTools } : {}) },
  });

  it('does not offer a tool that is off, refuses a call to it, and offers it again once it is on', async () => {
    const server = await startMcpTestServer({ storagePath: suite.storage, workspace: suite.workspace, settings: settings(['tracker.tool_0002']) });
    suite.client = server;
    const running = await server.waitForServer('tracker', (s) => s.state === 'running' && s.tools.length === 3, 'running with its 3 tools');
    assert.deepEqual(
      running.tools.map((t) => [t.name, t.off === true]),
      [
        ['tracker.tool_0001', false],
        ['tracker.tool_0002', true],
        ['tracker.tool_0003', false],
      ],
      'the list shows which tool is off',
    );

    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'tracker.tool_0002', arguments: { text: 'open bugs' } }] }, { kind: 'text', text: 'That tool is off.' });
    const turn = await server.turn('What is open in the tracker?');
    assert.equal(turn.doneReason, 'stop');
    const offered = offeredTools(chatRequests(suite.fixture)[0]);
    assert.deepEqual(
      offered.filter((n) => n.startsWith('tracker.')),
      ['tracker.tool_0001', 'tracker.tool_0003'],
      `the tool that is off is not in the request: ${offered.join(', ')}`,
    );
    assert.equal(turn.results.length, 1);
    assert.equal(turn.results[0].isError, true);
    assert.match(turn.results[0].content, /The user turned the tool tracker\.tool_0002 off, so Hearth does not run it/);
    assert.deepEqual(server.approvals, [], 'the user was not asked to approve it: it never came near the server');

    // Turned on again: the next turn offers it, and the server was not restarted for that.
    const pid = running.pid;
    server.client.setSettings(settings([]));
    await server.waitForServer('tracker', (s) => s.tools.every((t) => !t.off), 'with every tool on');
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'tracker.tool_0002', arguments: { text: 'open bugs' } }] }, { kind: 'text', text: 'There are open bugs.' });
    const again = await server.turn('And now?');
    assert.equal(again.results[0]?.isError, false, JSON.stringify(again.results));
    assert.equal(again.results[0].content, 'tool_0002: open bugs');
    assert.ok(offeredTools(chatRequests(suite.fixture).at(-1)!).includes('tracker.tool_0002'));
    assert.equal((await server.list()).find((s) => s.name === 'tracker')?.pid, pid, 'the same process');
  });

  it('does not start a server that is off, and a workspace server cannot take its name', async () => {
    // A repository's mcp.json names a server as the user's: the user's still holds the name while it is off.
    fs.mkdirSync(path.join(suite.workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(suite.workspace, '.vscode', 'mcp.json'), JSON.stringify({ servers: { tracker: TRACKER } }));
    const server = await startMcpTestServer({ storagePath: suite.storage, workspace: suite.workspace, settings: settings(['tracker']) });
    suite.client = server;
    await server.waitForServer('tracker', (s) => s.state === 'off', 'off');
    const entries = (await server.list()).filter((s) => s.name === 'tracker');
    assert.deepEqual(
      entries.map((s) => [s.source, s.state]),
      [
        ['user', 'off'],
        ['workspace', 'failed'],
      ],
    );
    assert.match(entries[1].lastError ?? '', /Another server is already named "tracker"/);
    assert.deepEqual(server.trustRequests, [], 'the user is not asked to start the workspace one');

    suite.fixture.enqueue({ kind: 'text', text: 'No tracker today.' });
    await server.turn('What is open in the tracker?');
    assert.deepEqual(offeredTools(chatRequests(suite.fixture)[0]).filter((n) => n.includes('.')), [], 'no MCP tool is offered');
    const reported = server.statuses.filter((s) => s.name === 'tracker');
    assert.ok(reported.length > 0 && reported.every((s) => s.pid === undefined && s.state === (s.source === 'user' ? 'off' : 'failed')), `neither ever started: ${JSON.stringify(reported)}`);
  });

  it('refuses a server named like another server\'s tool ("tracker.tool_0002"), so it cannot share that tool\'s switch', async () => {
    // A repository's mcp.json names a server after the tool the user turned off. Sharing the entry, it would be listed
    // as "off" with a "Turn this server on" action that deletes the entry, turning the user's tool back on with it.
    fs.mkdirSync(path.join(suite.workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(suite.workspace, '.vscode', 'mcp.json'), JSON.stringify({ servers: { 'tracker.tool_0002': TRACKER } }));
    const server = await startMcpTestServer({ storagePath: suite.storage, workspace: suite.workspace, settings: settings(['tracker.tool_0002']) });
    suite.client = server;
    const tracker = await server.waitForServer('tracker', (s) => s.state === 'running' && s.tools.length === 3, 'running with its 3 tools');
    assert.deepEqual(tracker.tools.filter((t) => t.off).map((t) => t.name), ['tracker.tool_0002'], 'the tool the user turned off stays off');
    const clashing = (await server.list()).find((s) => s.name === 'tracker.tool_0002');
    assert.deepEqual([clashing?.source, clashing?.state], ['workspace', 'failed'], 'not listed as a server that is off (and could be turned on)');
    assert.match(
      clashing?.lastError ?? '',
      /The server "tracker\.tool_0002" is ignored: its name and the server "tracker" would share switches in hearth\.mcp\.disabledTools, where "tracker\.tool_0002" also names the tool "tool_0002" of "tracker".*Rename it in .*mcp\.json\./,
    );
    assert.deepEqual(server.trustRequests, [], 'the user is not asked to start it');
  });

  it('stops a running server that is turned off, and starts it when it is turned on', async () => {
    const server = await startMcpTestServer({ storagePath: suite.storage, workspace: suite.workspace, settings: settings() });
    suite.client = server;
    const { pid } = await server.waitForServer('tracker', (s) => s.state === 'running' && s.tools.length === 3, 'running');
    assert.ok(pid);

    server.client.setSettings(settings(['tracker']));
    const off = await server.waitForServer('tracker', (s) => s.state === 'off', 'off');
    assert.match(off.lastError ?? '', /You turned this server off/);
    await until(() => isProcessGone(pid), 'the turned-off server to exit', 10_000);
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'tracker.tool_0001', arguments: { text: 'x' } }] }, { kind: 'text', text: 'Done.' });
    const turn = await server.turn('What is open in the tracker?');
    assert.deepEqual(offeredTools(chatRequests(suite.fixture)[0]).filter((n) => n.includes('.')), [], 'no tool of it is offered');
    assert.equal(turn.results[0]?.isError, true);
    // Its tools are gone with its process, so the call is refused as one to a tool that does not exist, and nothing runs.
    assert.match(turn.results[0].content, /There is no tool named "tracker\.tool_0001"/);

    server.client.setSettings(settings([]));
    const back = await server.waitForServer('tracker', (s) => s.state === 'running' && s.tools.length === 3, 'running again');
    assert.notEqual(back.pid, pid, 'a new process');
  });
});
