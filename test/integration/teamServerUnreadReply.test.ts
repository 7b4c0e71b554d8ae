/**
 * A chat reply its client stops reading, on a real team server. HTTP/2 flow
 * control then stops the server's writes, the turn waits for them, and the
 * model request behind it holds a backend slot. A hung or hostile client
 * could so keep the team's GPU for as long as its connection stays up (its
 * HTTP/2 layer still answers keepalive pings). The server gives such a reply
 * `limits.unread_reply_timeout`, then ends the turn, frees the slot and the
 * developer's open-turn count, and resets the stream.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { encodeChatStart } from '../../protocol/grpc/encodeChat';
import type { ChatServerMessage__Output } from '../../protocol/generated/hearth/v1/ChatServerMessage';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import type { TeamConnection } from '../../language-server/remote/teamConnection';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { ALICE_KEY, BOB_KEY, collect, eventually, makePki, remoteConfig, startTestServer, teamConnection, type MemoryAudit, type TestPki } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';
const UNREAD_MS = 2500;

describe('team server: a reply its client never reads', function () {
  this.timeout(120_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let audit: MemoryAudit;
  const connections: TeamConnection[] = [];

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    ({ server, audit } = await startTestServer(
      remoteConfig(pki, fixture.url, (c) => {
        // One slot, so a turn that keeps it blocks everyone else's.
        c.backends[0].maxConcurrency = 1;
        c.limits.chatTurnsPerUserAtOnce = 1;
        c.limits.unreadReplyTimeoutMs = UNREAD_MS;
        // A waiting turn fails in 45 s, inside the test's own timeout, if the slot is never freed.
        c.scheduler.maxWaitMs = 45_000;
      }),
    ));
  });

  after(async () => {
    for (const c of connections) c.close();
    await server?.shutdown(500);
    await fixture?.close();
    pki?.cleanup();
  });

  function connect(key: string): TeamConnection {
    const connection = teamConnection(server.port, pki, key);
    connections.push(connection);
    return connection;
  }

  async function shortTurn(connection: TeamConnection): Promise<{ events: Awaited<ReturnType<typeof collect>>; ms: number }> {
    fixture.enqueue({ kind: 'text', text: 'Done.' });
    const started = performance.now();
    const events = await collect(new RemoteAgent(connection).startTurn([], { text: 'Quick one.', context: [] }, { model: MODEL }, new AbortController().signal));
    return { events, ms: performance.now() - started };
  }

  it('ends the turn, frees its model slot and open-turn count, and resets the stream', async () => {
    const alice = connect(ALICE_KEY);
    const chats = () => fixture.requests.filter((r) => r.path === '/api/chat');
    const before = chats().length;
    // About 4 MB of answer over 20 s or more: far more than the client's and the server's buffers hold
    // together, so the server stops reading the model and keeps its slot; still streaming when the server gives up.
    const tokens = Array.from({ length: 4000 }, () => 'word '.repeat(200));
    fixture.enqueue({ kind: 'text', text: tokens.join(''), tokens, tokenDelayMs: 5 });
    const call = alice.agent.Chat(await alice.metadata());
    let ended: grpc.StatusObject | undefined;
    call.on('status', (s: grpc.StatusObject) => (ended = s));
    call.on('error', () => undefined);
    // Reads the first message, then stops, as a hung client would: grpc-js then stops reading the HTTP/2
    // stream once its buffer is full. (A grpc-js call that is never read at all keeps reading into memory.)
    call.once('data', () => call.pause());
    call.write({ start: encodeChatStart({ history: [], input: { text: 'Explain everything.', context: [] }, model: MODEL, tools: [] }) });
    await fixture.waitFor(() => chats().length > before, 10_000);
    const stalled = chats()[before];

    // Bob needs the only slot. He gets it once the server gives up on alice's unread reply, not 45 s later.
    const bob = await shortTurn(connect(BOB_KEY));
    assert.deepEqual(bob.events.at(-1), { type: 'done', reason: 'stop' }, JSON.stringify(bob.events.slice(-3)));
    assert.ok(bob.ms < 25_000, `bob waited ${Math.round(bob.ms)} ms`);
    assert.equal(stalled.outcome, 'aborted', 'the stalled model request was cancelled at the backend');

    const end = await eventually(() => audit.events.find((e) => e.event === 'turn.end' && e.user === 'alice'), 5000, "alice's turn.end");
    assert.equal(end.event === 'turn.end' && end.reason, 'unread');
    const status = await eventually(() => ended, 5000, "the end of alice's call");
    assert.equal(status.code, grpc.status.CANCELLED, JSON.stringify(status));
    assert.match(await metricsText(), /^hearth_unread_replies_total 1$/m);

    // Her open-turn count (1 allowed here) was given back, so her next turn runs.
    const again = await shortTurn(alice);
    assert.deepEqual(again.events.at(-1), { type: 'done', reason: 'stop' }, JSON.stringify(again.events.slice(-3)));
  });

  it('leaves a turn alone whose client reads slowly but keeps reading', async () => {
    const alice = connect(ALICE_KEY);
    // 96 tokens of 4 KB, 384,000 characters: under the agent core's bound on one reply (replyLimits.ts,
    // 400,000), and more than the buffers between the server and this reader hold, so the server's
    // writes wait for it (read at one message every 300 ms instead, a write waits past the 2.5 s
    // timeout). The model takes 7.7 s, more than two timeouts.
    const tokens = Array.from({ length: 96 }, () => 'word '.repeat(800));
    fixture.enqueue({ kind: 'text', text: tokens.join(''), tokens, tokenDelayMs: 80 });
    const call = alice.agent.Chat(await alice.metadata());
    let chars = 0;
    const started = performance.now();
    // grpc-js reports the status as it arrives, maybe before the messages still buffered for this reader.
    const done = Promise.all([new Promise<grpc.StatusObject>((resolve) => call.on('status', resolve)), new Promise((resolve) => call.on('end', resolve))]);
    call.on('error', () => undefined);
    // One message every 100 ms: the server's writes wait for this client for most of the turn, and
    // some of them complete every fraction of a second.
    call.on('data', (message: ChatServerMessage__Output) => {
      chars += message.text?.delta.length ?? 0;
      call.pause();
      setTimeout(() => call.resume(), 100);
    });
    call.write({ start: encodeChatStart({ history: [], input: { text: 'Explain slowly.', context: [] }, model: MODEL, tools: [] }) });
    const [status] = await done;
    assert.equal(status.code, grpc.status.OK, JSON.stringify(status));
    assert.equal(chars, tokens.join('').length, 'the whole answer arrived');
    assert.ok(performance.now() - started > 2 * UNREAD_MS, 'the reply took longer than two timeouts to read');
    const last = audit.events.filter((e) => e.event === 'turn.end' && e.user === 'alice').at(-1);
    assert.equal(last?.event === 'turn.end' && last.reason, 'stop');
  });

  async function metricsText(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
    return res.text();
  }
});
