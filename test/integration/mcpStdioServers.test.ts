/**
 * MCP servers nobody here wrote, from npm, over stdio, through the real
 * language server: @modelcontextprotocol/server-everything and
 * @modelcontextprotocol/server-filesystem, configured in the user's
 * `hearth.mcp.servers` setting. The scripted model calls their tools; the
 * test answers the approvals and reads what reached the model.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ChatSendRequest, ChatStopRequest, McpResourcesRequest } from '../../protocol/lspMethods';
import { until } from '../fixtures/until';
import { EVERYTHING_SERVER, FILESYSTEM_SERVER, MODEL, startMcpTestServer, toolMessages, useMcpSuite, type McpTestServer } from './mcpHarness';

describe('MCP stdio servers from npm through the language server (integration)', function () {
  this.timeout(60_000);
  const suite = useMcpSuite('mcp');
  let files: string;

  const settings = () => ({
    ollama: { host: suite.fixture.url },
    chat: { model: MODEL },
    mcp: {
      servers: {
        everything: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] },
        files: { type: 'stdio', command: process.execPath, args: [FILESYSTEM_SERVER, '${env:HEARTH_MCP_TEST_FILES}'] },
      },
    },
  });

  async function start(): Promise<McpTestServer> {
    suite.client = await startMcpTestServer({ storagePath: suite.storage, workspace: suite.workspace, settings: settings() });
    await suite.client.waitForServer('everything', (s) => s.state === 'running', 'running');
    await suite.client.waitForServer('files', (s) => s.state === 'running', 'running');
    return suite.client;
  }

  // Registered after useMcpSuite, so the suite's workspace folder exists (and is already a real path) when this runs.
  beforeEach(() => {
    // Inside the workspace: the filesystem server narrows its allowed directories to the roots Hearth offers (the workspace).
    files = path.join(suite.workspace, 'files');
    fs.mkdirSync(files);
    fs.writeFileSync(path.join(files, 'notes.txt'), 'alpha\nbeta\ngamma\n');
    // The language server inherits this, and the setting refers to it as ${env:HEARTH_MCP_TEST_FILES}.
    process.env.HEARTH_MCP_TEST_FILES = files;
  });

  afterEach(() => {
    delete process.env.HEARTH_MCP_TEST_FILES;
  });

  it('lists both servers with their namespaced tools and offers them to the model', async () => {
    const server = await start();
    const everything = (await server.list()).find((s) => s.name === 'everything')!;
    const filesServer = (await server.list()).find((s) => s.name === 'files')!;
    const names = [...everything.tools, ...filesServer.tools].map((t) => t.name);
    for (const name of ['everything.echo', 'everything.get-sum', 'everything.trigger-long-running-operation', 'files.read_text_file', 'files.list_directory', 'files.edit_file']) {
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    }
    assert.ok(!names.includes('everything.simulate-research-query'), 'a task-only tool is not offered');
    assert.equal(everything.source, 'user');
    assert.equal(everything.transport, 'stdio');
    assert.ok(everything.target.includes(EVERYTHING_SERVER));
    assert.ok(everything.pid && everything.pid > 0);

    suite.fixture.enqueue({ kind: 'text', text: 'I can see the tools.' });
    await server.turn('What tools do you have?');
    const offered = (suite.fixture.requests.find((r) => r.path === '/api/chat')!.body.tools as { function: { name: string } }[]).map((t) => t.function.name);
    assert.ok(offered.includes('read_file') && offered.includes('edit_file'), 'the built-in tools are still there');
    assert.ok(offered.includes('everything.get-sum') && offered.includes('files.edit_file'), 'the MCP tools are offered next to them');
    assert.equal(offered.filter((n) => n === 'edit_file').length, 1, 'files.edit_file does not shadow the built-in edit_file');
    assert.ok(server.mcpLogs.some((l) => /Secure MCP Filesystem Server running on stdio/.test(l)), 'the server\'s stderr is forwarded as hearth/mcp/log');
  });

  it('runs tools with string, number, enum, boolean and nested arguments after approval, and the results reach the model', async () => {
    const server = await start();
    suite.fixture.enqueue(
      {
        kind: 'toolCalls',
        calls: [
          { name: 'everything.echo', arguments: { message: 'hello from hearth' } },
          { name: 'everything.get-sum', arguments: { a: 19, b: 23.5 } },
        ],
      },
      {
        kind: 'toolCalls',
        calls: [
          { name: 'files.edit_file', arguments: { path: path.join(files, 'notes.txt'), edits: [{ oldText: 'beta', newText: 'BETA' }], dryRun: true } },
          { name: 'everything.get-structured-content', arguments: { location: 'Chicago' } },
          { name: 'everything.get-tiny-image', arguments: {} },
        ],
      },
      { kind: 'text', text: 'All done.' },
    );
    const { results, doneReason } = await server.turn('Use the tools');
    assert.equal(doneReason, 'stop');
    assert.deepEqual(
      server.approvals.map((a) => [a.server, a.tool, a.toolName]),
      [
        ['everything', 'echo', 'everything.echo'],
        ['everything', 'get-sum', 'everything.get-sum'],
        ['files', 'edit_file', 'files.edit_file'],
        ['everything', 'get-structured-content', 'everything.get-structured-content'],
        ['everything', 'get-tiny-image', 'everything.get-tiny-image'],
      ],
    );
    assert.deepEqual(server.approvals[1].arguments, { a: 19, b: 23.5 });
    assert.deepEqual(server.approvals[2].arguments.edits, [{ oldText: 'beta', newText: 'BETA' }]);
    assert.equal(server.approvals[2].arguments.dryRun, true);
    assert.equal(server.approvals[0].definition.name, 'echo');
    assert.ok(results.every((r) => !r.isError), JSON.stringify(results, null, 2));
    assert.equal(results[0].content, 'Echo: hello from hearth');
    assert.equal(results[1].content, 'The sum of 19 and 23.5 is 42.5.');
    assert.match(results[2].content, /-beta\n\+BETA/);
    assert.equal(fs.readFileSync(path.join(files, 'notes.txt'), 'utf8'), 'alpha\nbeta\ngamma\n', 'dryRun: true reached the server, which changed nothing');
    assert.match(results[3].content, /Chicago|temperature/);
    assert.match(results[4].content, /\[image image\/png, \d+ bytes, not shown\]/);
    assert.ok(!results[4].content.includes('iVBOR'), 'image data never reaches the model');

    const messages = toolMessages(suite.fixture.requests);
    assert.deepEqual(messages.map((m) => m.tool_name), ['everything.echo', 'everything.get-sum', 'files.edit_file', 'everything.get-structured-content', 'everything.get-tiny-image']);
    assert.equal(messages[0].content, 'Echo: hello from hearth');
    assert.equal(messages[1].content, 'The sum of 19 and 23.5 is 42.5.');
  });

  it('a long-running tool shows its progress on one line of the chat, updated in place, and hearth/chat/stop cancels it at once', async () => {
    const server = await start();
    const before = (await server.list()).find((s) => s.name === 'everything')!;
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.trigger-long-running-operation', arguments: { duration: 60, steps: 60 } }] });
    const started = await server.client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Run the long operation', context: [] } });
    const progress = await server.client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'status' && /everything\.trigger-long-running-operation: progress 1\/60/.test(e.event.message), 20_000);
    assert.equal(progress.event.type === 'status' && progress.event.level, 'info');
    // The server reports once a second; every report names the same note, which the chat moves on in place (webview test).
    const later = await server.client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'status' && /progress [3-9]\/60/.test(e.event.message), 20_000);
    assert.ok(progress.event.type === 'status' && later.event.type === 'status' && progress.event.id !== undefined && later.event.id === progress.event.id, JSON.stringify([progress.event, later.event]));

    const stopAt = Date.now();
    const { stopped } = await server.client.connection.sendRequest(ChatStopRequest.type, { sessionId: started.sessionId });
    assert.equal(stopped, true);
    const done = await server.client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 10_000);
    assert.equal(done.event.type === 'done' && done.event.reason, 'cancelled');
    assert.ok(Date.now() - stopAt < 5000, `stopping took ${Date.now() - stopAt} ms`);

    // Cancelling a call is not a crash: the same server process keeps serving.
    const after = await server.waitForServer('everything', (s) => s.state === 'running', 'running');
    assert.equal(after.pid, before.pid);
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.echo', arguments: { message: 'still here' } }] }, { kind: 'text', text: 'Yes.' });
    const { results } = await server.turn('Still there?');
    assert.equal(results[0].content, 'Echo: still here');
  });

  it('a server killed mid-call gives the model a clear error, restarts with backoff, and its tools come back', async () => {
    const server = await start();
    const before = (await server.list()).find((s) => s.name === 'everything')!;
    suite.fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'everything.trigger-long-running-operation', arguments: { duration: 60, steps: 60 } }] },
      { kind: 'text', text: 'The server crashed; I will try later.' },
    );
    const started = await server.client.connection.sendRequest(ChatSendRequest.type, { input: { text: 'Run the long operation', context: [] } });
    await server.client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'status' && /progress 1\/60/.test(e.event.message), 20_000);
    process.kill(before.pid!, 'SIGKILL');

    const resultEvent = await server.client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'toolResult', 10_000);
    const result = resultEvent.event.type === 'toolResult' ? resultEvent.event.result : undefined;
    assert.equal(result?.isError, true);
    assert.match(result!.content, /The MCP server "everything" stopped while everything\.trigger-long-running-operation was running \(it was killed by SIGKILL\)/);
    assert.match(result!.content, /restarts the server automatically/);
    const done = await server.client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 10_000);
    assert.equal(done.event.type === 'done' && done.event.reason, 'stop');
    assert.match(toolMessages(suite.fixture.requests)[0].content, /killed by SIGKILL/, 'the error reached the model');

    // The editor was told, and the server came back as a new process with its tools.
    await until(() => server.statuses.some((s) => s.name === 'everything' && s.state === 'restarting'), 'a restarting status notification');
    const restarting = server.statuses.find((s) => s.name === 'everything' && s.state === 'restarting')!;
    assert.deepEqual(restarting.tools, [], 'its tools disappear while it is down');
    assert.ok(restarting.nextRestartAt && restarting.nextRestartAt > Date.now() - 60_000);
    const after = await server.waitForServer('everything', (s) => s.state === 'running' && s.restarts === 1 && s.tools.length > 0, 'running again');
    assert.notEqual(after.pid, before.pid);
    assert.match(after.lastError ?? '', /killed by SIGKILL/);

    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.get-sum', arguments: { a: 1, b: 2 } }] }, { kind: 'text', text: 'Back.' });
    const { results } = await server.turn('Try again');
    assert.equal(results[0].content, 'The sum of 1 and 2 is 3.');
  });

  it('tells servers the workspace folder as their root, and nothing beyond it', async () => {
    const server = await start();
    const everything = (await server.list()).find((s) => s.name === 'everything')!;
    assert.ok(everything.tools.some((t) => t.name === 'everything.get-roots-list'), 'the server saw the roots capability and offers its roots tool');
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.get-roots-list', arguments: {} }] }, { kind: 'text', text: 'Listed.' });
    const { results } = await server.turn('Which roots do you see?');
    assert.equal(results[0].isError, false);
    const uris = [...results[0].content.matchAll(/file:\/\/[^\s)]+/g)].map((m) => m[0]);
    assert.deepEqual(uris, [pathToFileURL(suite.workspace).href], 'exactly the workspace folder');
    // The filesystem server honours roots: a folder outside them is refused even though its command line named it.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-mcp-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'secret.txt'), 'nope');
      suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'files.read_text_file', arguments: { path: path.join(outside, 'secret.txt') } }] }, { kind: 'text', text: 'Refused.' });
      const refused = await server.turn('Read the outside file');
      assert.equal(refused.results[0].isError, true);
      assert.doesNotMatch(refused.results[0].content, /nope/);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('offers the servers\' resources for @ and puts the one the user attached into the message', async () => {
    const server = await start();
    const { resources } = await server.client.connection.sendRequest(McpResourcesRequest.type, { query: 'architecture' });
    const doc = resources.find((r) => r.server === 'everything' && r.uri === 'demo://resource/static/document/architecture.md');
    assert.ok(doc, `architecture.md among ${JSON.stringify(resources.map((r) => r.uri))}`);
    assert.equal(doc.mention, 'mcp:everything/demo://resource/static/document/architecture.md');
    assert.ok(resources.every((r) => /architecture/i.test(`${r.name} ${r.uri}`)), 'only what matches the query');

    suite.fixture.enqueue({ kind: 'text', text: 'It is about how the server is built.' });
    const started = await server.client.connection.sendRequest(ChatSendRequest.type, { input: { text: `What does @${doc.mention} say?`, context: [{ kind: 'mention', path: doc.mention }] } });
    await server.client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const sent = suite.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    const user = (sent.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content;
    const original = fs.readFileSync(path.join(path.dirname(EVERYTHING_SERVER), 'docs', 'architecture.md'), 'utf8');
    assert.match(user, /Resource demo:\/\/resource\/static\/document\/architecture\.md from the MCP server "everything":/);
    assert.ok(user.includes(original.split('\n')[0]), 'the resource text reached the model');
    assert.equal(server.approvals.length, 0, 'attaching is the user\'s own act: no tool approval');
  });

  it('says plainly in the message when an attached resource cannot be read', async () => {
    const server = await start();
    suite.fixture.enqueue({ kind: 'text', text: 'Noted.' });
    const mention = 'mcp:everything/demo://resource/static/document/missing.md';
    const started = await server.client.connection.sendRequest(ChatSendRequest.type, { input: { text: `Read @${mention}`, context: [{ kind: 'mention', path: mention }] } });
    await server.client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const user = (suite.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content;
    assert.match(user, /Hearth could not read demo:\/\/resource\/static\/document\/missing\.md from the MCP server "everything"/);
  });
});
