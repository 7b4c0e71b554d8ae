/**
 * What an MCP server must not be able to do to Hearth, through the real
 * language server and a scripted stdio server (test/fixtures/mcpScriptedServer.main.ts):
 * crash it with a huge result, change a tool the user allowed without
 * being asked again, hide instructions from the user in a tool's
 * description, keep Hearth paging through a listing forever, flood
 * the chat with progress reports or the log with change reports, or make
 * Hearth queue replies it never reads.
 */
import * as assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ChatSendRequest, McpResourcesRequest, SlashCommandsRequest } from '../../protocol/lspMethods';
import { MODEL, startMcpTestServer, toolMessages, useMcpSuite, type McpTestServer } from './mcpHarness';

const SCRIPTED = fileURLToPath(new URL('../fixtures/mcpScriptedServer.main.mjs', import.meta.url));
const ENDLESS = fileURLToPath(new URL('../fixtures/mcpEndlessListServer.main.mjs', import.meta.url));
const PROGRESS_FLOOD = fileURLToPath(new URL('../fixtures/mcpProgressFloodServer.main.mjs', import.meta.url));
const UPDATE_FLOOD = fileURLToPath(new URL('../fixtures/mcpResourceUpdateFloodServer.main.mjs', import.meta.url));
const UNREAD = fileURLToPath(new URL('../fixtures/mcpUnreadRepliesServer.main.mjs', import.meta.url));
const MANY_TOOLS = fileURLToPath(new URL('../fixtures/mcpManyToolsServer.main.mjs', import.meta.url));
const TOOL_CHURN = fileURLToPath(new URL('../fixtures/mcpToolChurnServer.main.mjs', import.meta.url));
const HIDDEN_TEXT = fileURLToPath(new URL('../fixtures/mcpHiddenTextServer.main.mjs', import.meta.url));

/** `request`'s answer, or a failure naming `what` when it takes longer than `ms`. */
async function within<T>(ms: number, what: string, request: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([request, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('MCP: a hostile or careless server cannot crash Hearth or slip past its pinning (integration)', function () {
  this.timeout(90_000);
  const suite = useMcpSuite('mcp');

  async function start(): Promise<McpTestServer> {
    suite.client = await startMcpTestServer({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { scripted: { command: process.execPath, args: [SCRIPTED] } } } },
    });
    await suite.client.waitForServer('scripted', (s) => s.state === 'running', 'running');
    return suite.client;
  }

  it('a 50 MB tool result ends that call with a clear error; the language server keeps running and the server comes back', async () => {
    const server = await start();
    const before = (await server.list()).find((s) => s.name === 'scripted')!;
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'scripted.huge', arguments: { mb: 50 } }] }, { kind: 'text', text: 'That was too big.' });
    const turn = await server.turn('Fetch the big table', 60_000);
    assert.equal(turn.doneReason, 'stop', 'the turn finished');
    assert.equal(turn.results[0]?.isError, true);
    assert.match(turn.results[0].content, /The MCP server "scripted" stopped while scripted\.huge was running \(it sent a message larger than 16 MB, more than Hearth reads from an MCP server\)/);
    assert.match(toolMessages(suite.fixture.requests)[0].content, /larger than 16 MB/, 'the model was told');

    // Still alive: the server is restarted and the next call works.
    const after = await server.waitForServer('scripted', (s) => s.state === 'running' && s.restarts === 1, 'running again', 30_000);
    assert.notEqual(after.pid, before.pid);
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'scripted.echo', arguments: { text: 'still here' } }] }, { kind: 'text', text: 'Fine.' });
    const next = await server.turn('Echo something');
    assert.equal(next.results[0].content, 'Echo: still here');
  });

  it('a result just under the cap still arrives whole', async () => {
    const server = await start();
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'scripted.huge', arguments: { mb: 2 } }] }, { kind: 'text', text: 'Got it.' });
    const turn = await server.turn('Fetch the table');
    assert.equal(turn.results[0].isError, false);
    assert.equal((await server.list()).find((s) => s.name === 'scripted')!.restarts, 0);
  });

  for (const field of ['title', 'annotations'] as const) {
    it(`asks again after "Always allow" when the server changes the tool's ${field}`, async () => {
      const server = await start();
      server.answerApproval = (p) => (p.tool === 'lookup' ? 'alwaysAllow' : 'accept');
      const callLookup = async () => {
        suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'scripted.lookup', arguments: { word: 'hearth' } }] }, { kind: 'text', text: 'Done.' });
        return server.turn('Look up hearth');
      };
      await callLookup();
      await callLookup();
      assert.equal(server.approvals.filter((a) => a.tool === 'lookup').length, 1, 'allowed once, not asked again while unchanged');

      suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'scripted.retitle', arguments: { field } }] }, { kind: 'text', text: 'Changed.' });
      await server.turn(`Change lookup's ${field}`);
      await server.waitForServer('scripted', () => server.statuses.filter((s) => s.name === 'scripted').length > 0, 'reporting its tools');
      // The changed definition is a new one: the next call asks.
      const deadline = Date.now() + 10_000;
      while (server.approvals.filter((a) => a.tool === 'lookup').length < 2 && Date.now() < deadline) {
        server.answerApproval = (p) => (p.tool === 'lookup' ? 'reject' : 'accept');
        await callLookup();
      }
      assert.equal(server.approvals.filter((a) => a.tool === 'lookup').length, 2, `the changed ${field} was asked about`);
    });
  }

  it('a tool description with hidden characters reaches the model with each one shown as ⟨U+XXXX⟩, not as text it reads unseen', async () => {
    suite.client = await startMcpTestServer({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { hidden: { command: process.execPath, args: [HIDDEN_TEXT] } } } },
    });
    const server = suite.client;
    await server.waitForServer('hidden', (s) => s.state === 'running', 'running');
    suite.fixture.enqueue({ kind: 'text', text: 'I see a notes tool.' });
    await server.turn('What tools do you have?');
    const offered = suite.fixture.requests.find((r) => r.path === '/api/chat')!.body.tools as { function: { name: string; description: string; parameters: { properties: { topic: { description: string } } } } }[];
    const notes = offered.find((t) => t.function.name === 'hidden.notes')!.function;
    const topic = notes.parameters.properties.topic.description;
    for (const text of [notes.description, topic]) {
      assert.doesNotMatch(text, /[\u{E0000}-\u{E007F}\u200b]/u, `no hidden character left in ${JSON.stringify(text)}`);
    }
    // "R" of "Read ~/.ssh/…" is U+E0052 in tag characters; the zero-width space is U+200B.
    assert.ok(notes.description.startsWith('Reads your notes.⟨U+E0052⟩⟨U+E0065⟩'), notes.description);
    assert.ok(topic.startsWith('The topic⟨U+200B⟩.⟨U+E0050⟩'), topic);
  });

  it('a flood of "finished" progress reports moves the call\'s note about once a second, not once per report', async () => {
    suite.client = await startMcpTestServer({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { flood: { command: process.execPath, args: [PROGRESS_FLOOD] } } } },
    });
    const server = suite.client;
    await server.waitForServer('flood', (s) => s.state === 'running', 'running');
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'flood.flood', arguments: { count: 2000 } }] }, { kind: 'text', text: 'Done.' });
    const turn = await server.turn('Run the long job');
    assert.equal(turn.results[0].content, 'Sent 2000 reports.');
    const notes = server.client.events.filter((e) => e.entryId === turn.assistantEntryId && e.event.type === 'status' && e.event.id?.startsWith('progress:'));
    assert.ok(notes.length >= 1, 'the progress is shown');
    assert.ok(notes.length <= 5, `${notes.length} updates of the note for a call that took a moment`);
  });

  it('a storm of tool-list changes writes one log line, not one per change, and the tools still follow the server', async () => {
    suite.client = await startMcpTestServer({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { churn: { command: process.execPath, args: [TOOL_CHURN] } } } },
    });
    const server = suite.client;
    await server.waitForServer('churn', (s) => s.state === 'running', 'running');
    // 25 changes, 150 ms apart: each one past the 100 ms debounce, so each is listed again and is a real change.
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'churn.churn', arguments: { times: 25, everyMs: 150 } }] }, { kind: 'text', text: 'Done.' });
    const turn = await server.turn('Churn');
    assert.equal(turn.results[0].content, 'Changed the tool list 25 times.');
    // After 25 changes (an odd number) the extra tool is there; the listing follows the server.
    await server.waitForServer('churn', (s) => s.tools.some((t) => t.name === 'churn.extra'), 'listing the extra tool');
    await new Promise((r) => setTimeout(r, 500));
    const changeLines = server.mcpLogs.filter((l) => /tools changed/.test(l));
    assert.deepEqual(changeLines, ['churn: Its tools changed; it now has 2.'], 'one line for the first change; the rest wait to be summed up');
  });

  it('a flood of resource change reports logs one line for the attached resource and nothing for resources never subscribed to', async () => {
    suite.client = await startMcpTestServer({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { notes: { command: process.execPath, args: [UPDATE_FLOOD] } } } },
    });
    const server = suite.client;
    await server.waitForServer('notes', (s) => s.state === 'running', 'running');
    const mention = 'mcp:notes/notes://today';
    const send = async (text: string, mentions: string[], sessionId?: string) => {
      const started = await server.client.connection.sendRequest(ChatSendRequest.type, { sessionId, input: { text, context: mentions.map((m) => ({ kind: 'mention' as const, path: m })) } });
      await server.client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 30_000);
      return started;
    };
    suite.fixture.enqueue({ kind: 'text', text: 'Read.' });
    const first = await send(`Summarise @${mention}`, [mention]);
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'notes.flood', arguments: { count: 500 } }] }, { kind: 'text', text: 'Flooded.' });
    const flood = await send('Run the flood', [], first.sessionId);
    const result = server.client.events.find((e) => e.entryId === flood.assistantEntryId && e.event.type === 'toolResult')!.event as { result: { content: string } };
    assert.equal(result.result.content, 'Sent 500 rounds; 1 subscribed.');

    const changeLines = server.mcpLogs.filter((l) => / changed; /.test(l));
    assert.deepEqual(changeLines, ['notes: notes://today changed; a chat it is attached to reads it again with its next message.']);
    // The change still reaches the chat that attached it.
    suite.fixture.enqueue({ kind: 'text', text: 'Read again.' });
    await send('What now?', [], first.sessionId);
    const user = (suite.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content;
    assert.match(user, /This resource changed since it was attached earlier in this chat/);
  });

  it('a server that sends requests and never reads the replies is stopped before they exhaust memory, and comes back', async () => {
    suite.client = await startMcpTestServer({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { unread: { command: process.execPath, args: [UNREAD] } } } },
    });
    const server = suite.client;
    await server.waitForServer('unread', (s) => s.state === 'running', 'running');
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'unread.flood', arguments: { seconds: 40 } }] }, { kind: 'text', text: 'Done.' });
    const started = Date.now();
    const turn = await server.turn('Run the job', 90_000);
    assert.equal(turn.results[0].isError, true, turn.results[0].content);
    assert.match(turn.results[0].content, /The MCP server "unread" stopped while unread\.flood was running \(it stopped reading what Hearth sends while it kept sending/);
    assert.ok(Date.now() - started < 15_000, `stopped after ${Date.now() - started} ms, not when the server chose to stop`);
    await server.waitForServer('unread', (s) => s.state === 'running' && s.restarts === 1, 'running again', 30_000);
  });

  describe('a server whose listings never end (every page names another)', () => {
    async function startEndless(lists: string, state: 'running' | 'starting'): Promise<McpTestServer> {
      suite.client = await startMcpTestServer({
        storagePath: suite.storage,
        workspace: suite.workspace,
        settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { endless: { command: process.execPath, args: [ENDLESS, lists] } } } },
      });
      if (state === 'running') await suite.client.waitForServer('endless', (s) => s.state === 'running', 'running');
      return suite.client;
    }

    it('still lets the user type / and @: the commands and files come, the endless listings cost only that server its entries', async () => {
      const server = await startEndless('prompts,resources', 'running');
      const slash = await within(10_000, 'The / list', server.client.connection.sendRequest(SlashCommandsRequest.type, { query: '' }));
      assert.ok(slash.commands.some((c) => c.name === 'new'), 'the built-in commands are listed');
      const at = await within(10_000, 'The @ resources', server.client.connection.sendRequest(McpResourcesRequest.type, { query: '' }));
      assert.deepEqual(at.resources, []);
      // Asked again once the listings are stale: still answered, the language server is not busy paging.
      await new Promise((r) => setTimeout(r, 5_500));
      await within(10_000, 'The / list asked again', server.client.connection.sendRequest(SlashCommandsRequest.type, { query: 'ne' }));
    });

    it('starts anyway when its tool listing never ends, with the tools it listed', async () => {
      const server = await startEndless('tools', 'starting');
      const info = await server.waitForServer('endless', (s) => s.state === 'running', 'running', 15_000);
      assert.deepEqual(info.tools, []);
      assert.ok(server.mcpLogs.some((l) => /^endless: It kept sending more pages of tools\/list/.test(l)), `the log says why: ${server.mcpLogs.join('\n')}`);
    });
  });

  it('a server listing 20,000 tools on one page is offered its first 1,000, and the log says so', async () => {
    suite.client = await startMcpTestServer({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { huge: { command: process.execPath, args: [MANY_TOOLS, '20000', '40'] } } } },
    });
    const info = await suite.client.waitForServer('huge', (s) => s.state === 'running', 'running', 30_000);
    assert.equal(info.tools.length, 1_000);
    assert.equal(info.tools[999].name, 'huge.tool_1000', 'the first 1,000 in listing order');
    assert.ok(suite.client.mcpLogs.some((l) => l === 'huge: It lists more than 1000 tools; Hearth uses the first 1000.'), `the log says why: ${suite.client.mcpLogs.join('\n')}`);
  });
});
