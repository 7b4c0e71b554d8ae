/**
 * What one developer's open chat turns may hold on a real team server: a
 * developer who opens more turns than allowed, or turns carrying more
 * conversation than the server has room for, is refused with a message and a
 * time to retry, before any work is done, while the other developers' turns
 * run as before. Without it, one authenticated client could run a replica out
 * of memory and take everyone's turns with it.
 */
import assert from 'node:assert/strict';
import type { AgentEvent, ChatMessage } from '../../protocol/chat';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import type { TeamConnection } from '../../language-server/remote/teamConnection';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { ALICE_KEY, BOB_KEY, collect, makePki, remoteConfig, startTestServer, teamConnection, type TestPki } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';
const MIB = 1024 * 1024;

describe('team server: open chat turns and the conversation they hold', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  const connections: TeamConnection[] = [];

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    ({ server } = await startTestServer(
      remoteConfig(pki, fixture.url, (c) => {
        c.limits.chatTurnsPerUserAtOnce = 2;
        c.server.maxMessageBytes = 2 * MIB;
        c.limits.chatBytesInFlight = 2 * MIB;
        c.backends[0].maxConcurrency = 8;
      }),
    ));
  });

  after(async () => {
    for (const c of connections) c.close();
    await server?.shutdown(500);
    await fixture?.close();
    pki?.cleanup();
  });

  function agentFor(key: string): RemoteAgent {
    const connection = teamConnection(server.port, pki, key);
    connections.push(connection);
    return new RemoteAgent(connection);
  }

  /** A turn whose reply streams for a long time (until `stop`), so it stays open while the test looks. */
  function longTurn(agent: RemoteAgent, history: ChatMessage[] = []) {
    const controller = new AbortController();
    fixture.enqueue({ kind: 'text', text: 'word '.repeat(400), tokenDelayMs: 50 });
    const events = collect(agent.startTurn(history, { text: 'Explain everything.', context: [] }, { model: MODEL }, controller.signal));
    return { events, stop: () => controller.abort() };
  }

  function errorOf(events: AgentEvent[]) {
    return events.find((e): e is Extract<AgentEvent, { type: 'error' }> => e.type === 'error')?.error;
  }

  /** A quick turn; `refused` ones reach no model, so no reply is scripted for them (it would answer the next turn instead). */
  async function shortTurn(agent: RemoteAgent, history: ChatMessage[] = [], refused = false): Promise<AgentEvent[]> {
    if (!refused) fixture.enqueue({ kind: 'text', text: 'Done.' });
    return collect(agent.startTurn(history, { text: 'Quick one.', context: [] }, { model: MODEL }, new AbortController().signal));
  }

  /** Waits until `n` more chat requests reached the model. */
  async function modelSaw(before: number, n: number): Promise<void> {
    await fixture.waitFor(() => fixture.requests.filter((r) => r.path === '/api/chat').length >= before + n, 10_000);
  }

  it('refuses a developer their third open turn, with a time to retry, while another developer is served', async () => {
    const alice = agentFor(ALICE_KEY);
    const chats = () => fixture.requests.filter((r) => r.path === '/api/chat').length;
    const before = chats();
    const open = [longTurn(alice), longTurn(alice)];
    await modelSaw(before, 2);
    const third = await shortTurn(alice, [], true);
    const error = errorOf(third);
    assert.equal(error?.code, 'limitReached', JSON.stringify(third));
    assert.match(error.message, /You already have 2 chat turns running on this team server/);
    assert.equal(error.retryAfterMs, 5000);
    assert.deepEqual((await shortTurn(agentFor(BOB_KEY))).at(-1), { type: 'done', reason: 'stop' }, "bob's turn runs meanwhile");
    for (const t of open) t.stop();
    await Promise.all(open.map((t) => t.events));
    assert.deepEqual((await shortTurn(alice)).at(-1), { type: 'done', reason: 'stop' }, 'once they ended, alice can start again');
  });

  it('refuses a turn whose conversation does not fit in what the server holds now, and serves a small one', async () => {
    const alice = agentFor(ALICE_KEY);
    const bob = agentFor(BOB_KEY);
    const big = (n: number): ChatMessage[] => [{ role: 'user', content: 'x'.repeat(n) }, { role: 'assistant', content: 'ok' }];
    const chats = () => fixture.requests.filter((r) => r.path === '/api/chat').length;
    const before = chats();
    const held = longTurn(alice, big(1.2 * MIB));
    await modelSaw(before, 1);
    const refused = await shortTurn(bob, big(1 * MIB), true);
    const error = errorOf(refused);
    assert.equal(error?.code, 'limitReached', JSON.stringify(refused));
    assert.match(error.message, /The team server is holding as much conversation as it can right now \(1\.2 MB of 2\.0 MB\)/);
    assert.deepEqual((await shortTurn(bob, big(10_000))).at(-1), { type: 'done', reason: 'stop' }, 'a small conversation still fits');
    held.stop();
    await held.events;
    assert.deepEqual((await shortTurn(bob, big(1 * MIB))).at(-1), { type: 'done', reason: 'stop' }, 'and the large one once there is room');
  });

  it('refuses a conversation larger than the server ever accepts, saying so, not that the server is busy', async () => {
    const refused = await shortTurn(agentFor(ALICE_KEY), [{ role: 'user', content: 'x'.repeat(3 * MIB) }, { role: 'assistant', content: 'ok' }], true);
    const error = errorOf(refused);
    assert.equal(error?.code, 'invalidRequest', JSON.stringify(refused));
    assert.equal(error.retryable, false, 'the same conversation would be refused again');
    assert.match(error.message, /^This conversation is too large to send to the team server at grpcs:\/\/localhost:\d+ \(3\.0 MB; it takes at most 2\.0 MB\)\. Start a new chat/);
    assert.deepEqual((await shortTurn(agentFor(ALICE_KEY))).at(-1), { type: 'done', reason: 'stop' }, 'and the next ordinary turn runs');
  });
});
