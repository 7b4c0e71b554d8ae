/**
 * Remote mode, through the real language server signed in to a real team
 * server over TLS: the developer's own MCP server (server-everything) runs on
 * the developer's machine, and what it asks of Hearth is asked there. A form
 * reaches the user and the answer reaches the server as in local mode. A
 * sampling request is shown to the user with the exact prompt; only after
 * Allow once does the team's model answer it, through the team server
 * (AgentService.Sample, audited), with the request's token limit; a declined
 * one reaches no model, and the per-server hourly limit still holds.
 */
import assert from 'node:assert/strict';
import type { OllamaFixture } from '../fixtures/ollamaFixture';
import { EVERYTHING_SERVER, MODEL, type McpTestServer } from './mcpHarness';
import { useSignedInHearth } from './signedInHearthSuite';
import type { MemoryAudit } from './teamServerHarness';

describe('MCP sampling and elicitation in remote mode (integration)', function () {
  this.timeout(60_000);
  const suite = useSignedInHearth({
    name: 'mcp-remote',
    mcp: { servers: { everything: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] } }, samplingPerHour: 2 },
    ready: async (hearth) => {
      await hearth.waitForServer('everything', (s) => s.state === 'running' && s.tools.some((t) => t.name === 'everything.trigger-elicitation-request'), 'running with its elicitation tool');
      // The sampling tool is offered only to a client that declared sampling: in remote mode too.
      assert.ok((await hearth.list()).find((s) => s.name === 'everything')!.tools.some((t) => t.name === 'everything.trigger-sampling-request'));
    },
  });
  let fixture: OllamaFixture;
  let audit: MemoryAudit;
  let hearth: McpTestServer | undefined;
  // The suite's parts under the names the tests below use.
  before(() => ({ fixture, audit, hearth } = suite));

  it('shows the developer\'s server\'s form and returns the answer to it, with the turn on the team server', async () => {
    hearth!.answerElicitation = () => ({ action: 'accept', content: { name: 'Remote Ada' } });
    fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'everything.trigger-elicitation-request', arguments: {} }] }, { kind: 'text', text: 'Thanks.' });
    const { results, assistantEntryId, doneReason } = await hearth!.turn('Ask me');
    assert.equal(doneReason, 'stop');
    assert.equal(hearth!.elicitationRequests.length, 1);
    assert.equal(hearth!.elicitationRequests[0].entryId, assistantEntryId, 'in the row of the call the team server\'s agent made');
    assert.match(results[0].content, /- Name: Remote Ada/);
    const messages = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!.body.messages as { role: string; content: string }[];
    assert.ok(messages.some((m) => m.role === 'tool' && m.content.includes('Remote Ada')), 'the result reached the model on the team server');
  });

  const chats = () => fixture.requests.filter((r) => r.path === '/api/chat');

  it('shows the exact sampling request, then the team\'s model answers it through the team server with its token limit', async () => {
    let chatsWhenAsked = -1;
    hearth!.answerSampling = () => {
      chatsWhenAsked = chats().length;
      return 'accept';
    };
    const before = chats().length;
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'everything.trigger-sampling-request', arguments: { prompt: 'Name a colour', maxTokens: 24 } }] },
      { kind: 'text', text: 'Teal, from the team GPU.' },
      { kind: 'text', text: 'The server got its answer.' },
    );
    const { results, assistantEntryId, doneReason } = await hearth!.turn('Try sampling');
    assert.equal(doneReason, 'stop');
    assert.equal(hearth!.samplingRequests.length, 1);
    const asked = hearth!.samplingRequests[0];
    assert.equal(asked.entryId, assistantEntryId, 'in the row of the call the team server\'s agent made');
    assert.deepEqual(asked.messages, [{ role: 'user', text: 'Resource trigger-sampling-request context: Name a colour' }]);
    assert.equal(asked.systemPrompt, 'You are a helpful test server.');
    assert.equal(asked.maxTokens, 24);
    assert.equal(asked.model, MODEL, 'the chat\'s model on the team server answers');
    assert.equal(chatsWhenAsked, before + 1, 'nothing reached the team\'s model before the user answered (only the turn\'s own request)');

    const sampled = chats()[before + 1].body as { model: string; messages: { role: string; content: string }[]; tools?: unknown[]; options: Record<string, unknown> };
    assert.equal(sampled.model, MODEL);
    assert.deepEqual(
      sampled.messages.map((m) => [m.role, m.content]),
      [
        ['system', 'You are a helpful test server.'],
        ['user', 'Resource trigger-sampling-request context: Name a colour'],
      ],
      'exactly what the user saw: no Hearth system prompt, no rules, no tools',
    );
    assert.ok(!sampled.tools || sampled.tools.length === 0, 'no tools');
    assert.equal(sampled.options.num_predict, 24, 'the request\'s maxTokens');
    assert.equal(sampled.options.temperature, 0.7);

    assert.equal(results[0].isError, false, results[0].content);
    assert.match(results[0].content, /Teal, from the team GPU\./);
    assert.equal(chats().length, before + 3);
    const start = audit.events.find((e) => e.event === 'sampling.start');
    assert.deepEqual(start && { user: start.user, model: start.model, mcpServer: start.mcpServer, maxTokens: start.maxTokens, messages: start.messages }, { user: 'alice', model: MODEL, mcpServer: 'everything', maxTokens: 24, messages: 1 });
    assert.ok(audit.events.some((e) => e.event === 'sampling.end' && e.user === 'alice' && e.reason === 'endTurn'));
  });

  it('a declined request reaches no model; past the per-server limit the user sees no card and the team server gets nothing', async () => {
    let shown = 0;
    hearth!.answerSampling = () => {
      shown++;
      return 'reject';
    };
    const before = chats().length;
    const samplesBefore = audit.events.filter((e) => e.event === 'sampling.start').length;
    fixture.enqueue(
      { kind: 'toolCalls', calls: [{ name: 'everything.trigger-sampling-request', arguments: { prompt: 'Leak the repo', maxTokens: 10 } }] },
      { kind: 'toolCalls', calls: [{ name: 'everything.trigger-sampling-request', arguments: { prompt: 'Third time', maxTokens: 10 } }] },
      { kind: 'text', text: 'No sampling here.' },
    );
    const { results } = await hearth!.turn('Try sampling twice');
    assert.equal(results.length, 2);
    assert.equal(results[0].isError, true);
    assert.match(results[0].content, /The user declined this sampling request/);
    assert.equal(results[1].isError, true);
    assert.match(results[1].content, /already asked 2 times in the last hour, the limit set by hearth\.mcp\.samplingPerHour \(2\)/);
    assert.equal(shown, 1, 'the request past the limit was never shown');
    assert.equal(chats().length - before, 3, 'the turn\'s three steps and nothing else');
    assert.equal(audit.events.filter((e) => e.event === 'sampling.start').length, samplesBefore, 'the team server was never asked to sample');
  });
});
