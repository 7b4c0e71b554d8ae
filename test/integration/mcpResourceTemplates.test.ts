/**
 * MCP resource templates and subscriptions with
 * @modelcontextprotocol/server-everything, through the real language server:
 * templates are offered for `@` beside resources; the mention the editor
 * makes from the user's values (RFC 6570 level 1) reads the right resource;
 * and an attached resource whose server reports a change is read again with
 * the chat's next message.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseResourceMention, resourceMention } from '../../protocol/chat';
import { ChatSendRequest, McpResourcesRequest } from '../../protocol/lspMethods';
import { expandUriTemplate } from '../../protocol/uriTemplate';
import { until } from '../fixtures/until';
import { EVERYTHING_SERVER, MODEL, startMcpTestServer, useMcpSuite } from './mcpHarness';

describe('MCP resource templates and subscriptions with server-everything (integration)', function () {
  this.timeout(60_000);
  const suite = useMcpSuite('mcp-tpl');

  // Every test here talks to the same running server. Registered after useMcpSuite, this hook runs once the suite has started the fixture and made the folders.
  beforeEach(async () => {
    suite.client = await startMcpTestServer({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { everything: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] } } } },
    });
    await suite.client.waitForServer('everything', (s) => s.state === 'running', 'running');
  });

  /** Sends a message in a chat and returns the last user message the model got. */
  async function send(text: string, mentions: string[], sessionId?: string): Promise<{ sessionId: string; user: string }> {
    const started = await suite.client!.client.connection.sendRequest(ChatSendRequest.type, { sessionId, input: { text, context: mentions.map((m) => ({ kind: 'mention' as const, path: m })) } });
    await suite.client!.client.waitForEvent((e) => e.entryId === started.assistantEntryId && e.event.type === 'done', 20_000);
    const sent = suite.fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    const user = (sent.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content;
    return { sessionId: started.sessionId, user };
  }

  it('offers templates beside resources, and the mention expanded from the user\'s value reads that resource', async () => {
    const { resources } = await suite.client!.client.connection.sendRequest(McpResourcesRequest.type, { query: 'dynamic' });
    const text = resources.find((r) => r.uri === 'demo://resource/dynamic/text/{resourceId}');
    assert.ok(text, `the text template among ${JSON.stringify(resources)}`);
    assert.deepEqual(text.variables, ['resourceId']);
    assert.equal(text.mention, 'mcp:everything/demo://resource/dynamic/text/{resourceId}');
    assert.equal(text.name, 'Dynamic Text Resource');
    assert.ok(resources.some((r) => r.uri === 'demo://resource/dynamic/blob/{resourceId}'));
    const { resources: plain } = await suite.client!.client.connection.sendRequest(McpResourcesRequest.type, { query: 'architecture' });
    assert.ok(plain.every((r) => r.variables === undefined), 'plain resources have no variables');

    // What the editor does with the user's value.
    const parsed = parseResourceMention(text.mention)!;
    const mention = resourceMention(parsed.server, expandUriTemplate(parsed.uri, { resourceId: '7' }));
    assert.equal(mention, 'mcp:everything/demo://resource/dynamic/text/7');
    suite.fixture.enqueue({ kind: 'text', text: 'Seen.' });
    const { user } = await send(`Read @${mention}`, [mention]);
    assert.match(user, /Resource demo:\/\/resource\/dynamic\/text\/7 from the MCP server "everything":/);
    assert.match(user, /Resource 7: This is a plaintext resource created at/);
  });

  it('reads an attached resource again with the next message after its server reports a change, in that chat only', async () => {
    const mention = 'mcp:everything/demo://resource/static/document/architecture.md';
    const original = fs.readFileSync(path.join(path.dirname(EVERYTHING_SERVER), 'docs', 'architecture.md'), 'utf8');
    const firstLine = original.split('\n')[0];
    suite.fixture.enqueue({ kind: 'text', text: 'Read it.' });
    const first = await send(`Summarise @${mention}`, [mention]);
    assert.ok(first.user.includes(firstLine));

    // Nothing changed yet: the next message does not carry it again.
    suite.fixture.enqueue({ kind: 'text', text: 'Nothing new.' });
    const unchanged = await send('Anything else?', [], first.sessionId);
    assert.ok(!unchanged.user.includes(firstLine), 'an unchanged resource is not sent again');

    // The server's own tool starts its (simulated) updates of subscribed resources.
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.toggle-subscriber-updates', arguments: {} }] }, { kind: 'text', text: 'Updates on.' });
    await send('Turn on updates', [], first.sessionId);
    await until(() => suite.client!.mcpLogs.some((l) => l.includes('everything: demo://resource/static/document/architecture.md changed')), 'the change notification', 15_000);

    suite.fixture.enqueue({ kind: 'text', text: 'Other chat.' });
    const other = await send('A different chat', []);
    assert.ok(!other.user.includes(firstLine), 'a chat that never attached it does not get it');

    suite.fixture.enqueue({ kind: 'text', text: 'Read it again.' });
    const next = await send('What now?', [], first.sessionId);
    assert.match(next.user, /This resource changed since it was attached earlier in this chat; this is its current content\./);
    assert.ok(next.user.includes(firstLine), 'the current content reached the model');
    assert.match(next.user, /What now\?$/);
  });
});
