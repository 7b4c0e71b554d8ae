/**
 * The team server's model path: the agent core's requests go through the
 * in-process model router to the backend. These tests hold it to what a team
 * would notice if it went wrong: a GPU slot that is not given back (the next
 * developer waits forever), a slot kept by a developer who went away, and
 * token counts missing from the metrics.
 */
import assert from 'node:assert/strict';
import type { AgentEvent, ToolCall } from '../../protocol/chat';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { FakeToolExecutor } from '../fixtures/fakeToolExecutor';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { teamConnection, makePki, remoteConfig, startTestServer, type TestPki, eventually } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';

describe('team server: the model router frees every GPU slot', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let connection: TeamConnection;
  let agent: RemoteAgent;

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture({ tokenDelayMs: 1 });
    // One slot: a reply that kept its slot would make the next request wait for ever.
    ({ server } = await startTestServer(remoteConfig(pki, fixture.url, (c) => (c.backends[0].maxConcurrency = 1))));
    connection = teamConnection(server.port, pki);
    agent = new RemoteAgent(connection);
  });

  after(async () => {
    connection?.close();
    await server?.shutdown(500);
    await fixture?.close();
    pki?.cleanup();
  });

  async function turn(text: string, model = MODEL): Promise<AgentEvent[]> {
    const events: AgentEvent[] = [];
    const executor = new FakeToolExecutor((_call: ToolCall) => 'export const app = 1;');
    for await (const e of agent.startTurn([], { text, context: [] }, { model, executor }, new AbortController().signal)) events.push(e);
    return events;
  }

  it('runs turn after turn and completion after completion on one slot, and leaves it free', async () => {
    for (let i = 0; i < 5; i++) {
      fixture.enqueue({ kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/app.ts' } }] }, { kind: 'text', text: `Answer ${i}.` });
      const events = await turn(`Question ${i}`);
      assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), `Answer ${i}.`);
      assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
      fixture.enqueue({ kind: 'text', text: 'a + b;' });
      const completion = await agent.complete({ model: MODEL, prompt: 'function add(a, b) { return ', suffix: ' }', maxTokens: 8 });
      assert.equal(completion.text, 'a + b;');
    }
    await eventually(() => (server.scheduler.inFlight('fixture') === 0 ? true : undefined), 5000, 'the slot to be free');
  });

  it('a model name in another case than the backend lists reaches that backend and its one slot, as Ollama resolves it', async () => {
    // Ollama runs "Qwen2.5-Coder:7B" as the installed qwen2.5-coder:7b; a team member who spells it so is not refused.
    const before = fixture.requests.filter((r) => r.path === '/api/chat').length;
    fixture.enqueue({ kind: 'text', text: 'Same model.' });
    const events = await turn('Which model?', 'Qwen2.5-Coder:7B');
    assert.deepEqual(events.filter((e) => e.type === 'error'), []);
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), 'Same model.');
    assert.equal(fixture.requests.filter((r) => r.path === '/api/chat').length - before, 1, 'the backend answered it');
    fixture.enqueue({ kind: 'text', text: 'a + b;' });
    assert.equal((await agent.complete({ model: 'QWEN2.5-CODER:7B', prompt: 'function add(a, b) { return ', suffix: ' }', maxTokens: 8 })).text, 'a + b;');
    await eventually(() => (server.scheduler.inFlight('fixture') === 0 ? true : undefined), 5000, 'the slot to be free');
  });

  it('counts the tokens of each reply from its final line', async () => {
    const before = await tokenCounts();
    fixture.enqueue({ kind: 'text', text: 'One two three four.' });
    await turn('Count to four.');
    const reply = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    const after = await tokenCounts();
    assert.equal(after.completion - before.completion, reply.tokensSent, 'completion tokens as the backend reported them');
    assert.ok(after.prompt > before.prompt, 'prompt tokens counted');
  });

  it('gives the slot back when the developer stops a reply mid-stream', async () => {
    fixture.enqueue({ kind: 'text', text: 'word '.repeat(2000), tokenDelayMs: 5 });
    const controller = new AbortController();
    const executor = new FakeToolExecutor(() => '');
    for await (const e of agent.startTurn([], { text: 'Talk for a long time.', context: [] }, { model: MODEL, executor }, controller.signal)) {
      if (e.type === 'text') controller.abort();
    }
    await eventually(() => (server.scheduler.inFlight('fixture') === 0 ? true : undefined), 10_000, 'the slot to be free after Stop');
    const stopped = fixture.requests.filter((r) => r.path === '/api/chat').at(-1)!;
    await eventually(() => (stopped.outcome === 'aborted' ? true : undefined), 10_000, 'the backend request to be aborted');
    fixture.enqueue({ kind: 'text', text: 'Still here.' });
    const events = await turn('Are you there?');
    assert.equal(events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join(''), 'Still here.');
  });

  it('chat and inline completions share one num_ctx, so the team\'s Ollama never reloads the model between them', async () => {
    const loadsBefore = fixture.reloadCount;
    for (let i = 0; i < 3; i++) {
      fixture.enqueue({ kind: 'text', text: `Chat ${i}.` });
      await turn(`Chat ${i}`);
      fixture.enqueue({ kind: 'text', text: 'x;' });
      await agent.complete({ model: MODEL, prompt: 'const a = ', suffix: '', maxTokens: 4 });
    }
    const modelRequests = fixture.requests.filter((r) => r.path === '/api/chat' || r.path === '/api/generate').slice(-6);
    const sizes = new Set(modelRequests.map((r) => r.body.options?.num_ctx));
    assert.equal(sizes.size, 1, `one num_ctx for every request: ${[...sizes].join(', ')}`);
    assert.equal(typeof [...sizes][0], 'number');
    assert.equal(fixture.reloadCount - loadsBefore, 0, `no reloads; loads: ${JSON.stringify(fixture.loads)}`);
  });

  async function tokenCounts(): Promise<{ prompt: number; completion: number }> {
    const text = await server.metrics.registry.getSingleMetricAsString('hearth_tokens_total');
    const value = (direction: string) => Number(new RegExp(`hearth_tokens_total\\{[^}]*direction="${direction}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
    return { prompt: value('prompt'), completion: value('completion') };
  }
});
