/**
 * The server's `retry-after-ms` reaches the user: a rate-limited call says
 * when to retry (and does not sit out a minute), and a short wait the server
 * asks for is waited out so the turn goes through.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { AgentEvent } from '../../protocol/chat';
import { hearthPackage } from '../../protocol/grpc/loadProtos';
import type { ChatClientMessage__Output } from '../../protocol/generated/hearth/v1/ChatClientMessage';
import type { ChatServerMessage } from '../../protocol/generated/hearth/v1/ChatServerMessage';
import { HearthException } from '../../agent-host';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { parseTeamServerUrl } from '../../language-server/remote/teamServerUrl';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { teamConnection, collect, makePki, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';

describe('team server: the client honours retry-after-ms', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let connection: TeamConnection;
  let agent: RemoteAgent;

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture({ tokenDelayMs: 1 });
    ({ server } = await startTestServer(
      remoteConfig(pki, fixture.url, (c) => {
        c.limits.chatTurnsPerMinute = 1;
        c.limits.completionsPerMinute = 1;
      }),
    ));
    connection = teamConnection(server.port, pki);
    agent = new RemoteAgent(connection);
  });

  after(async () => {
    connection?.close();
    await server?.shutdown(500);
    await fixture?.close();
    pki?.cleanup();
  });

  it('a rate-limited inline completion reports the server’s retry time', async () => {
    fixture.enqueue({ kind: 'text', text: 'x + 1' });
    await agent.complete({ model: MODEL, prompt: 'const y = ', suffix: ';' });
    const started = performance.now();
    const err = await agent.complete({ model: MODEL, prompt: 'const z = ', suffix: ';' }).then(
      () => assert.fail('the second completion in a minute is refused'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof HearthException, String(err));
    assert.equal(err.error.code, 'limitReached');
    assert.ok(err.error.retryAfterMs !== undefined && err.error.retryAfterMs > 50_000 && err.error.retryAfterMs <= 60_000, `retryAfterMs ${err.error.retryAfterMs}`);
    assert.match(err.error.message, /retry in (5\d|60) s/);
    assert.ok(performance.now() - started < 2000, 'reported at once, not waited out');
  });

  it('a rate-limited chat turn reports the server’s retry time instead of waiting a minute', async () => {
    fixture.enqueue({ kind: 'text', text: 'hello' });
    assert.deepEqual((await collect(agent.startTurn([], { text: 'one', context: [] }, { model: MODEL }, new AbortController().signal))).at(-1), { type: 'done', reason: 'stop' });
    const started = performance.now();
    const events = await collect(agent.startTurn([], { text: 'two', context: [] }, { model: MODEL }, new AbortController().signal));
    const error = events.find((e): e is Extract<AgentEvent, { type: 'error' }> => e.type === 'error')?.error;
    assert.equal(error?.code, 'limitReached');
    assert.ok(error.retryAfterMs !== undefined && error.retryAfterMs > 50_000 && error.retryAfterMs <= 60_000, `retryAfterMs ${error.retryAfterMs}`);
    assert.match(error.message, /limit of chat turns per minute; retry in (5\d|60) s/);
    assert.ok(performance.now() - started < 2000);
  });

  it('a short wait the server asks for is waited out, said, and the turn goes through', async () => {
    // A server that refuses the first turn with RESOURCE_EXHAUSTED and retry-after-ms 400, then answers.
    const pkg = hearthPackage().grpc.hearth.v1;
    const busy = new grpc.Server();
    const arrivals: number[] = [];
    busy.addService(pkg.AuthService.service, {
      Authenticate: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { access_token: '', access_expires_at_ms: 0, refresh_token: '', refresh_expires_at_ms: 0, user: 'local' }),
      Refresh: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, {}),
    });
    busy.addService(pkg.AgentService.service, {
      Chat: (stream: grpc.ServerDuplexStream<ChatClientMessage__Output, ChatServerMessage>) => {
        arrivals.push(performance.now());
        stream.on('error', () => undefined);
        if (arrivals.length === 1) {
          const trailers = new grpc.Metadata();
          trailers.set('retry-after-ms', '400');
          stream.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details: 'The team server is at capacity.', metadata: trailers });
          return;
        }
        stream.on('data', () => {
          stream.write({ text: { delta: 'Here now.' } });
          stream.write({ done: { reason: 'stop' } });
          stream.end();
        });
      },
    });
    const port = await new Promise<number>((resolve, reject) => busy.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const local = new TeamConnection({ address: parseTeamServerUrl(`grpc://127.0.0.1:${port}`), apiKey: 'unused' });
    try {
      const events = await collect(new RemoteAgent(local).startTurn([], { text: 'hi', context: [] }, { model: MODEL }, new AbortController().signal));
      assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
      assert.ok(events.some((e) => e.type === 'status' && /busy; sending this again in 1 s/.test(e.message)), JSON.stringify(events));
      assert.equal(arrivals.length, 2);
      assert.ok(arrivals[1] - arrivals[0] >= 380, `retried after ${Math.round(arrivals[1] - arrivals[0])} ms`);
    } finally {
      local.close();
      busy.forceShutdown();
    }
  });
});
