/**
 * Request metadata too large for the team server, from a grpc-js channel and
 * from a hand-written HTTP/2 client that waits for its stream the way gRPC
 * C-core (Python, C++) does. Either way the call fails at once and the next
 * call works; nothing waits for a deadline or a keepalive.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { hearthPackage } from '../../protocol/grpc/loadProtos';
import type { ModelServiceClient } from '../../protocol/generated/hearth/v1/ModelService';
import type { AuthServiceClient } from '../../protocol/generated/hearth/v1/AuthService';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { rawHttp2Connect } from '../fixtures/rawHttp2Client';
import { ALICE_KEY, makePki, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

const HEALTH_CHECK = '/grpc.health.v1.Health/Check';
/** Random base64url: HPACK's Huffman code cannot shrink it below 64 KiB. */
function hugeToken(bytes: number): string {
  let out = '';
  while (out.length < bytes) out += Math.random().toString(36).slice(2);
  return out.slice(0, bytes);
}

describe('team server: oversized request metadata', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  let server: TeamServer;
  let models: ModelServiceClient;
  let auth: AuthServiceClient;
  let token: string;

  function list(authorization: string, deadlineMs = 10_000): Promise<{ elapsedMs: number; err?: grpc.ServiceError }> {
    const md = new grpc.Metadata();
    md.set('authorization', `Bearer ${authorization}`);
    const started = performance.now();
    return new Promise((resolve) =>
      models.List({}, md, { deadline: Date.now() + deadlineMs }, (err) => resolve({ elapsedMs: performance.now() - started, err: err ?? undefined })),
    );
  }

  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
    ({ server } = await startTestServer(remoteConfig(pki, fixture.url)));
    const pkg = hearthPackage().grpc.hearth.v1;
    const creds = grpc.credentials.createSsl(pki.caPem);
    auth = new pkg.AuthService(`localhost:${server.port}`, creds);
    // The model client shares the auth client's channel: "the same channel" below is one connection pool.
    models = new pkg.ModelService(`localhost:${server.port}`, creds, { channelOverride: auth.getChannel() } as grpc.ClientOptions);
    token = await new Promise<string>((resolve, reject) => auth.Authenticate({ api_key: ALICE_KEY }, (err, res) => (err ? reject(err) : resolve(res!.access_token))));
  });

  after(async () => {
    models?.close();
    auth?.close();
    await server?.shutdown(500);
    await fixture?.close();
    pki?.cleanup();
  });

  it('metadata over the limit is refused with RESOURCE_EXHAUSTED at once, and the same channel serves the next call', async () => {
    const refused = await list(hugeToken(40_000));
    assert.equal(refused.err?.code, grpc.status.RESOURCE_EXHAUSTED, refused.err?.details);
    assert.match(refused.err!.details, /Request metadata too large: \d+ KB, and this team server accepts at most 16 KB/);
    assert.ok(refused.elapsedMs < 2000, `refused after ${refused.elapsedMs} ms`);
    const ok = await list(token);
    assert.equal(ok.err, undefined, ok.err?.details);
    const metrics = await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text();
    assert.match(metrics, /hearth_rejected_total\{kind="rpc",reason="metadata_too_large"\} [1-9]/);
  });

  it('a header HTTP/2 cannot decode (a 100 KB token) closes its connection at once, and a new connection works', async () => {
    const connection = await rawHttp2Connect(server.port, pki.caPem);
    try {
      assert.equal((await connection.call(HEALTH_CHECK, [], Buffer.alloc(0), 5000)).kind, 'answered', 'a normal call first');
      const huge = await connection.call(HEALTH_CHECK, [['authorization', `Bearer ${hugeToken(100_000)}`]], Buffer.alloc(0), 8000);
      // nghttp2 answers with GOAWAY(COMPRESSION_ERROR) naming this very stream, so a C-core client keeps waiting for it...
      assert.deepEqual(huge.goaway, { lastStreamId: 3, code: 9 });
      // ...and before this fix it waited until its deadline (here 8 s) or a keepalive 30 s later.
      assert.equal(huge.kind, 'closed', `the connection closes instead of leaving the call waiting (${JSON.stringify(huge)})`);
      assert.ok(huge.elapsedMs < 3500, `closed after ${huge.elapsedMs} ms`);
    } finally {
      connection.close();
    }
    const next = await rawHttp2Connect(server.port, pki.caPem);
    try {
      assert.equal((await next.call(HEALTH_CHECK, [], Buffer.alloc(0), 5000)).kind, 'answered', 'the next connection is served');
    } finally {
      next.close();
    }
    const metrics = await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text();
    assert.match(metrics, /hearth_rejected_total\{kind="connection",reason="http2_session_error"\} [1-9]/);
  });

  it('from a grpc-js channel, a 100 KB token fails that call at once and the next call on the channel succeeds', async () => {
    const failed = await list(hugeToken(100_000));
    assert.ok(failed.err, 'the call fails');
    assert.ok(failed.elapsedMs < 3000, `failed after ${failed.elapsedMs} ms`);
    const ok = await list(token);
    assert.equal(ok.err, undefined, ok.err?.details);
  });
});
