/**
 * The plaintext health-only port that Kubernetes' native gRPC probes use
 * (they cannot speak TLS): it answers grpc.health.v1 with the server's real
 * status, and serves nothing else.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { hearthPackage, healthPackage } from '../../protocol/grpc/loadProtos';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { ALICE_KEY, makePki, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

describe('team server: health-only port for probes', function () {
  this.timeout(30_000);
  let pki: TestPki;
  let fixture: OllamaFixture;
  before(async () => {
    pki = makePki();
    fixture = await startOllamaFixture();
  });
  after(async () => {
    await fixture?.close();
    pki?.cleanup();
  });

  it('answers Check in plaintext, refuses every Hearth service there, and reports the same status as the TLS port', async () => {
    const { server } = await startTestServer(remoteConfig(pki, fixture.url, (c) => (c.server.healthPort = 0)));
    assert.ok(server.healthPort && server.healthPort !== server.port);
    const insecure = grpc.credentials.createInsecure();
    const Health = grpc.makeGenericClientConstructor(healthPackage()['grpc.health.v1.Health'] as grpc.ServiceDefinition, 'Health');
    const health = new Health(`127.0.0.1:${server.healthPort}`, insecure) as unknown as grpc.Client & { Check(req: object, cb: (err: grpc.ServiceError | null, res: { status: string }) => void): void };
    const auth = new (hearthPackage().grpc.hearth.v1.AuthService)(`127.0.0.1:${server.healthPort}`, insecure);
    const check = () => new Promise<string>((resolve, reject) => health.Check({ service: '' }, (err, res) => (err ? reject(err) : resolve(res.status))));
    try {
      assert.equal(await check(), 'SERVING');
      const refused = await new Promise<grpc.ServiceError | null>((resolve) => auth.Authenticate({ api_key: ALICE_KEY, client_name: 'probe' }, (err) => resolve(err)));
      assert.equal(refused?.code, grpc.status.UNIMPLEMENTED, 'no API key ever crosses the plaintext port');
      server.health.setAll('NOT_SERVING');
      assert.equal(await check(), 'NOT_SERVING', 'probes see what the TLS port reports');
    } finally {
      health.close();
      auth.close();
      await server.shutdown(200);
    }
  });
});
