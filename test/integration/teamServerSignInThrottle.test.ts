/**
 * Failed sign-ins are throttled per client, and "client" must mean what an
 * attacker cannot multiply: an IPv6 client is counted by its /64 (a host gets
 * a whole /64, 2^64 addresses), and behind a balancer the client is the
 * address the balancer reports, never one the client wrote itself. Real team
 * server over TLS; the balancer is HAProxy running deploy/haproxy/haproxy.cfg.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { hearthPackage } from '../../protocol/grpc/loadProtos';
import type { AuthServiceClient } from '../../protocol/generated/hearth/v1/AuthService';
import { startHaproxy, type HaproxyBalancer } from '../fixtures/haproxyBalancer';
import { startTcpRelay, type TcpRelay } from '../fixtures/tcpRelay';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import type { TeamServer } from '../../agent-host/server/teamServer';
import { makePki, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

/** Failed sign-ins one client may make before it waits (teamServer.ts: the signin-failures bucket). */
const FAILURES_ALLOWED = 20;

type Outcome = 'not accepted' | 'throttled';

function authClient(port: number, pki: TestPki): AuthServiceClient {
  return new (hearthPackage().grpc.hearth.v1.AuthService)(`localhost:${port}`, grpc.credentials.createSsl(pki.caPem));
}

/** One sign-in with a wrong key, optionally with an X-Forwarded-For of the caller's choosing. */
function wrongKey(client: AuthServiceClient, forwardedFor?: string): Promise<Outcome> {
  const md = new grpc.Metadata();
  if (forwardedFor !== undefined) md.set('x-forwarded-for', forwardedFor);
  return new Promise((resolve, reject) =>
    client.Authenticate({ api_key: 'hearth_not-a-real-key-0123456789' }, md, (err) => {
      if (err?.code === grpc.status.UNAUTHENTICATED && /not accepted/.test(err.details)) resolve('not accepted');
      else if (err?.code === grpc.status.RESOURCE_EXHAUSTED && /Too many failed sign-ins/.test(err.details)) resolve('throttled');
      else reject(err ?? new Error('a wrong key was accepted'));
    }),
  );
}

describe('team server: failed sign-ins are counted per client, not per address a client can pick', function () {
  this.timeout(60_000);
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

  describe('an IPv6 client is counted by its /64', () => {
    let server: TeamServer;
    let client: AuthServiceClient;

    before(async () => {
      // The test's own connection (127.0.0.1) stands for a trusted balancer reporting IPv6 clients.
      ({ server } = await startTestServer(remoteConfig(pki, fixture.url, (c) => (c.server.trustedProxies = '127.0.0.1'))));
      client = authClient(server.port, pki);
    });

    after(async () => {
      client?.close();
      await server?.shutdown(200);
    });

    it('a fresh address in the same /64 for every guess does not get a fresh budget; another /64 has its own', async () => {
      for (let i = 1; i <= FAILURES_ALLOWED; i++) assert.equal(await wrongKey(client, `2001:db8:1:2::${i.toString(16)}`), 'not accepted', `guess ${i}`);
      assert.equal(await wrongKey(client, '2001:db8:1:2:ffff:ffff:ffff:ffff'), 'throttled', 'the same /64, however written');
      assert.equal(await wrongKey(client, '2001:0db8:0001:0002::7'), 'throttled', 'leading zeros change nothing');
      assert.equal(await wrongKey(client, '2001:db8:1:3::1'), 'not accepted', 'the neighbouring /64 is someone else');
    });
  });

  describe('behind the shipped HAProxy configuration', () => {
    let server: TeamServer;
    let balancer: HaproxyBalancer;
    const relays: TcpRelay[] = [];
    const clients: AuthServiceClient[] = [];

    /** A client that reaches the balancer from `address`. */
    async function clientFrom(address: string): Promise<AuthServiceClient> {
      const relay = await startTcpRelay(balancer.port, { localAddress: address });
      relays.push(relay);
      const client = authClient(relay.port, pki);
      clients.push(client);
      return client;
    }

    before(async () => {
      // HAProxy connects to the replica from 127.0.0.1: the balancer the replica trusts.
      ({ server } = await startTestServer(remoteConfig(pki, fixture.url, (c) => {
        c.server.healthPort = 0;
        c.server.trustedProxies = '127.0.0.1';
      })));
      const replica = { port: server.port, healthPort: server.healthPort! };
      balancer = await startHaproxy([replica, replica], { certFile: pki.certFile, keyFile: pki.keyFile, caFile: join(pki.dir, 'ca.crt'), serverName: 'localhost' });
    });

    after(async () => {
      for (const c of clients) c.close();
      await Promise.all(relays.map((r) => r.close()));
      await balancer?.close();
      await server?.shutdown(200);
    });

    it("counts each client by its own address, and a client's forged X-Forwarded-For does not choose it", async () => {
      const attacker = await clientFrom('127.0.0.2');
      const colleague = await clientFrom('127.0.0.3');
      // Every guess claims to come from somewhere new; the balancer's own header is what counts.
      for (let i = 1; i <= FAILURES_ALLOWED; i++) assert.equal(await wrongKey(attacker, `198.51.100.${i}`), 'not accepted', `guess ${i}`);
      assert.equal(await wrongKey(attacker, '198.51.100.200'), 'throttled');
      assert.equal(await wrongKey(attacker, '127.0.0.3'), 'throttled', 'naming the colleague does not move the guesses onto their budget');
      // A colleague behind the same balancer who mistypes their key is not locked out by the attacker.
      assert.equal(await wrongKey(colleague), 'not accepted');
    });
  });
});
