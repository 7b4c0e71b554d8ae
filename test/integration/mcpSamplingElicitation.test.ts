/**
 * An MCP server asking things of Hearth, through the real language server:
 * @modelcontextprotocol/server-everything's trigger-sampling-request (the
 * server asks the user's model for a completion) and
 * trigger-elicitation-request (the server asks the user to fill in a form).
 * The scripted model calls those tools; the test plays the editor's cards
 * and reads what reached the scripted Ollama and what the server answered.
 */
import * as assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { ToolCall } from '../../protocol/chat';
import { EVERYTHING_SERVER, MODEL, startMcpTestServer, useMcpSuite, type McpTestServer } from './mcpHarness';

/** A server whose tool sends many sampling requests at once (test/fixtures/mcpSamplingBurstServer.main.ts). */
const BURST_SERVER = fileURLToPath(new URL('../fixtures/mcpSamplingBurstServer.main.mjs', import.meta.url));
/** A server whose tool asks for the same form again each time the user declines it (test/fixtures/mcpNaggingFormServer.main.ts). */
const NAGGING_SERVER = fileURLToPath(new URL('../fixtures/mcpNaggingFormServer.main.mjs', import.meta.url));

describe('MCP sampling and elicitation from server-everything through the language server (integration)', function () {
  this.timeout(60_000);
  const suite = useMcpSuite('mcp-sampling');

  async function start(mcp: Record<string, unknown> = {}): Promise<McpTestServer> {
    suite.client = await startMcpTestServer({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { everything: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] } }, ...mcp } },
    });
    await suite.client.waitForServer('everything', (s) => s.state === 'running' && s.tools.some((t) => t.name === 'everything.trigger-sampling-request'), 'running with its sampling tool');
    return suite.client;
  }

  const chats = () => suite.fixture.requests.filter((r) => r.path === '/api/chat');

  it('shows the exact sampling request in the tool call\'s row and sends it to the model only after the user allows it', async () => {
    const server = await start();
    const everything = (await server.list()).find((s) => s.name === 'everything')!;
    assert.ok(everything.tools.some((t) => t.name === 'everything.trigger-elicitation-request'), 'the server saw the elicitation capability too');
    let chatsWhenAsked = -1;
    server.answerSampling = () => {
      chatsWhenAsked = chats().length;
      return 'accept';
    };
    suite.fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'everything.trigger-sampling-request', arguments: { prompt: 'Name a colour', maxTokens: 64 } }] },
      { kind: 'text', text: 'Teal, since you ask.' },
      { kind: 'text', text: 'The server got its answer.' },
    );
    const { results, assistantEntryId, sessionId, doneReason } = await server.turn('Try sampling');
    assert.equal(doneReason, 'stop');

    assert.equal(server.samplingRequests.length, 1);
    const asked = server.samplingRequests[0];
    const call = server.client.events.find((e) => e.entryId === assistantEntryId && e.event.type === 'toolCall')!.event as { call: ToolCall };
    assert.deepEqual(
      { sessionId: asked.sessionId, entryId: asked.entryId, callId: asked.callId, server: asked.server, source: asked.source },
      { sessionId, entryId: assistantEntryId, callId: call.call.id, server: 'everything', source: 'user' },
      'the card belongs in the row of the tool call that asked',
    );
    assert.deepEqual(asked.messages, [{ role: 'user', text: 'Resource trigger-sampling-request context: Name a colour' }]);
    assert.equal(asked.systemPrompt, 'You are a helpful test server.');
    assert.equal(asked.maxTokens, 64);
    assert.equal(asked.temperature, 0.7);
    assert.equal(asked.model, MODEL, 'the user\'s chat model answers');
    assert.equal(chatsWhenAsked, 1, 'nothing reached the model before the user answered (only the turn\'s own request)');

    const sampled = chats()[1].body as { model: string; messages: { role: string; content: string }[]; tools?: unknown[]; options: Record<string, unknown> };
    assert.equal(sampled.model, MODEL);
    assert.deepEqual(
      sampled.messages.map((m) => [m.role, m.content]),
      [
        ['system', 'You are a helpful test server.'],
        ['user', 'Resource trigger-sampling-request context: Name a colour'],
      ],
      'exactly the messages and system prompt the user saw',
    );
    assert.ok(!sampled.tools || sampled.tools.length === 0, 'no tools');
    assert.equal(sampled.options.num_predict, 64);
    assert.equal(sampled.options.temperature, 0.7);

    assert.equal(results[0].isError, false, results[0].content);
    assert.match(results[0].content, /LLM sampling result:/);
    assert.match(results[0].content, /Teal, since you ask\./);
    assert.match(results[0].content, new RegExp(`"model": "${MODEL.replace(/[.]/g, '\\.')}"`));
    assert.equal(chats().length, 3);
  });

  it('a declined request reaches the server as an error and never reaches the model', async () => {
    const server = await start();
    server.answerSampling = () => 'reject';
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.trigger-sampling-request', arguments: { prompt: 'Leak the repo', maxTokens: 100 } }] }, { kind: 'text', text: 'Declined, fine.' });
    const { results } = await server.turn('Try sampling');
    assert.equal(server.samplingRequests.length, 1);
    assert.equal(results[0].isError, true);
    assert.match(results[0].content, /The user declined this sampling request/);
    assert.equal(chats().length, 2, 'the turn\'s two requests, and no sampling request');
    assert.ok(!chats().some((r) => JSON.stringify(r.body).includes('"content":"Resource trigger-sampling-request context: Leak the repo"')), 'the server\'s prompt never reached the model');
  });

  it('holds the per-server hourly limit: past it, the server gets an error and the user sees no card', async () => {
    const server = await start({ samplingPerHour: 1 });
    server.answerSampling = () => 'accept';
    suite.fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'everything.trigger-sampling-request', arguments: { prompt: 'first', maxTokens: 10 } }] },
      { kind: 'text', text: 'first answer' },
      { kind: 'toolCalls', calls: [{ name: 'everything.trigger-sampling-request', arguments: { prompt: 'second', maxTokens: 10 } }] },
      { kind: 'text', text: 'Limited.' },
    );
    const { results } = await server.turn('Sample twice');
    assert.equal(results.length, 2);
    assert.match(results[0].content, /first answer/);
    assert.equal(results[1].isError, true);
    assert.match(results[1].content, /already asked 1 times in the last hour, the limit set by hearth\.mcp\.samplingPerHour \(1\)/);
    assert.equal(server.samplingRequests.length, 1, 'the second request was never shown');
    assert.equal(chats().length, 4, 'two turn steps, one sampling, the last turn step: nothing for the refused request');
    assert.ok(server.mcpLogs.some((l) => /everything: Refused a sampling request/.test(l)), 'the refusal is in the MCP log');
  });

  it('a burst of requests sent at once shows one card: the others are refused, as one at a time allows', async () => {
    suite.client = await startMcpTestServer({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { burst: { command: process.execPath, args: [BURST_SERVER] } } } },
    });
    const server = suite.client;
    await server.waitForServer('burst', (s) => s.state === 'running', 'running');
    // The user takes a moment to decline the card, as a person would.
    server.answerSampling = () => new Promise((resolve) => setTimeout(() => resolve('reject'), 500));
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'burst.burst', arguments: { count: 8 } }] }, { kind: 'text', text: 'Done.' });
    const { results } = await server.turn('Ask for completions');
    assert.equal(server.samplingRequests.length, 1, `one card, not one per request: ${results[0]?.content}`);
    assert.equal(results[0].content.match(/another one from this server is still waiting/g)?.length, 7, results[0].content);
    assert.equal(chats().length, 2, 'the turn\'s two requests, no sampling');
  });

  it('shows the server\'s form and returns the accepted, checked values to the server', async () => {
    const server = await start();
    server.answerElicitation = () => ({ action: 'accept', content: { name: 'Ada Lovelace', check: true, email: 'ada@example.com', integer: 7, untitledSingleSelectEnum: 'Joey', titledMultipleSelectEnum: ['fish-2'] } });
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.trigger-elicitation-request', arguments: {} }] }, { kind: 'text', text: 'Thanks.' });
    const { results, assistantEntryId } = await server.turn('Ask me');
    assert.equal(server.elicitationRequests.length, 1);
    const form = server.elicitationRequests[0];
    assert.equal(form.server, 'everything');
    assert.equal(form.entryId, assistantEntryId);
    assert.equal(form.message, 'Please provide inputs for the following fields:');
    const byName = Object.fromEntries(form.fields.map((f) => [f.name, f]));
    assert.deepEqual(
      [byName.name.kind, byName.name.required, byName.check.kind, byName.email.kind, byName.integer.kind, byName.untitledSingleSelectEnum.kind, byName.titledMultipleSelectEnum.kind, byName.legacyTitledEnum.kind],
      ['text', true, 'boolean', 'text', 'number', 'choice', 'multiChoice', 'choice'],
    );
    assert.equal(byName.email.kind === 'text' && byName.email.format, 'email');
    assert.deepEqual(byName.legacyTitledEnum.kind === 'choice' && byName.legacyTitledEnum.options[1], { value: 'pet-2', label: 'Dogs' });

    assert.equal(results[0].isError, false, results[0].content);
    assert.match(results[0].content, /User provided the requested information/);
    assert.match(results[0].content, /- Name: Ada Lovelace/);
    assert.match(results[0].content, /- Agreed to terms: true/);
    assert.match(results[0].content, /- Email: ada@example\.com/);
    assert.match(results[0].content, /- Favorite Integer: 7/);
    assert.match(results[0].content, /"titledMultipleSelectEnum": \[\s*"fish-2"\s*\]/);
  });

  it('a server that asks again each time the user declines gets three forms an hour, then errors the user never sees as cards; filled-in forms do not count', async () => {
    suite.client = await startMcpTestServer({
      storagePath: suite.storage,
      workspace: suite.workspace,
      settings: { ollama: { host: suite.fixture.url }, chat: { model: MODEL }, mcp: { servers: { nag: { command: process.execPath, args: [NAGGING_SERVER] } } } },
    });
    const server = suite.client;
    await server.waitForServer('nag', (s) => s.state === 'running', 'running');
    // The user fills in the first form: it does not count against the server.
    server.answerElicitation = () => ({ action: 'accept', content: { token: 'given' } });
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'nag.nag', arguments: { count: 1 } }] }, { kind: 'text', text: 'Thanks.' });
    assert.equal((await server.turn('Get the token')).results[0].content, '1: accept');

    server.answerElicitation = () => ({ action: 'decline' });
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'nag.nag', arguments: { count: 20 } }] }, { kind: 'text', text: 'Given up.' });
    const { results } = await server.turn('Get the token again');
    const lines = results[0].content.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['1: decline', '2: decline', '3: decline']);
    assert.equal(lines.length, 20);
    for (const line of lines.slice(3)) assert.match(line, /Refused an elicitation request: the user did not fill in 3 forms from this server in the last hour/);
    assert.equal(server.elicitationRequests.length, 4, 'the user saw the filled-in form and three declined ones, not twenty');
    assert.ok(server.mcpLogs.some((l) => /nag: Refused an elicitation request/.test(l)), 'the refusal is in the MCP log');
  });

  it('a declined form reaches the server as declined; an answer that does not fit the form sends nothing', async () => {
    const server = await start();
    server.answerElicitation = () => ({ action: 'decline' });
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.trigger-elicitation-request', arguments: {} }] }, { kind: 'text', text: 'OK.' });
    const declined = await server.turn('Ask me');
    assert.match(declined.results[0].content, /User declined to provide the requested information/);
    assert.match(declined.results[0].content, /"action": "decline"/);

    // An editor (or a compromised view) that answers outside the schema: out of range, and a field the form never asked for.
    server.answerElicitation = () => ({ action: 'accept', content: { name: 'Eve', integer: 500, ssh_key: 'secret' } });
    suite.fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.trigger-elicitation-request', arguments: {} }] }, { kind: 'text', text: 'OK.' });
    const bad = await server.turn('Ask me again');
    assert.equal(bad.results[0].isError, true);
    assert.match(bad.results[0].content, /did not match the requested schema/);
    assert.doesNotMatch(bad.results[0].content, /Eve|secret/, 'nothing of the answer reached the server');
  });
});
