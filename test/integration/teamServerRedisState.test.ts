/**
 * The Redis shared state store against a real redis-server: the same
 * contract as the in-memory store, what only a shared store must do (two
 * replicas' stores see one family, one bucket, one set of backend slots),
 * and failing closed: with Redis gone a real team server refuses sign-ins
 * with UNAVAILABLE and a message, reports NOT_SERVING to health probes,
 * refuses its admin page with 503, and recovers when Redis is back.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import Redis from 'ioredis';
import { activityDelta, ActivityRecorder, snapshotOf } from '../../agent-host/server/admin/activityRecorder';
import type { AdminStats } from '../../agent-host/server/admin/adminStats';
import { sha256Hash } from '../../agent-host/server/auth/apiKeys';
import { silentLogger } from '../../agent-host/server/ops/logger';
import { createRedisState } from '../../agent-host/server/state/redisState';
import type { SharedState } from '../../agent-host/server/state/sharedState';
import { hearthPackage, healthPackage } from '../../protocol/grpc/loadProtos';
import { startOllamaFixture, type OllamaFixture } from '../fixtures/ollamaFixture';
import { startRedisServer, type RedisServer } from '../fixtures/redisServer';
import { startTcpRelay } from '../fixtures/tcpRelay';
import { describeSharedStateContract } from '../unit/sharedStateContract';
import { ALICE_KEY, makePki, remoteConfig, startTestServer, type TestPki } from './teamServerHarness';

let redis: RedisServer;
const prefix = `hearth-test-${randomUUID().slice(0, 8)}:`;
const ADMIN_KEY = 'hearth_admin-key-for-the-redis-test-0123456789abcdefg';

/** Polls an asynchronous condition until it holds, with a generous deadline. */
async function untilTrue(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function open(leaseTtlMs = 3000): Promise<SharedState> {
  return createRedisState({ url: redis.url, keyPrefix: prefix, slotLeaseTtlMs: leaseTtlMs, logger: silentLogger });
}

describe('shared state: Redis', function () {
  this.timeout(60_000);
  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    await redis?.close();
  });

  describeSharedStateContract('redis', () => open());

  it('two replicas see one family: a token rotated through one is reuse through the other', async () => {
    const [a, b] = [await open(), await open()];
    try {
      const fam = randomUUID();
      await a.families.start(fam, 'alice', 'j0', Date.now() + 60_000);
      assert.deepEqual(await a.families.rotate(fam, 'j0', 'j1', Date.now() + 60_000, 0), { ok: true, user: 'alice' });
      assert.deepEqual(await b.families.rotate(fam, 'j0', 'j9', Date.now() + 60_000, 0), { ok: false, reason: 'reused' });
      assert.equal(await a.families.isRevoked(fam), true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('two replicas share one bucket and one set of backend slots; closing a replica frees its slots', async () => {
    const [a, b] = [await open(), await open()];
    try {
      const bucket = `chat-${randomUUID()}`;
      assert.equal(await a.rateLimit(bucket, 2).take('alice'), 0);
      assert.equal(await b.rateLimit(bucket, 2).take('alice'), 0);
      assert.ok((await a.rateLimit(bucket, 2).take('alice')) > 0, 'the third turn is limited, whichever replica took the first two');
      const backend = `gpu-${randomUUID()}`;
      const first = await a.slots!.tryAcquire(backend, 2);
      const second = await b.slots!.tryAcquire(backend, 2);
      assert.deepEqual([first?.held, second?.held], [1, 2]);
      assert.equal(await a.slots!.tryAcquire(backend, 2), undefined, 'both slots are held, one by each replica');
      second!.lease.release();
      await untilTrue(async () => (await a.slots!.tryAcquire(backend, 2)) !== undefined, 'a released slot');
      await a.close();
      assert.ok(await b.slots!.tryAcquire(backend, 2), "a replica that shuts down frees its slots for the others");
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("two replicas share the admin page's sessions and one failed sign-in budget per address", async () => {
    const [a, b] = [await open(), await open()];
    try {
      const session = randomUUID();
      await a.adminSessions.start(session, 60_000, 64);
      assert.equal(await b.adminSessions.isAlive(session), true);
      await b.adminSessions.end(session);
      assert.equal(await a.adminSessions.isAlive(session), false);
      const name = `admin-failures-${randomUUID()}`;
      const [ta, tb] = [a.throttle(name, 5, 300_000), b.throttle(name, 5, 300_000)];
      for (const t of [ta, tb, ta, tb, ta]) assert.equal(await t.take('203.0.113.9'), 0);
      assert.ok((await tb.take('203.0.113.9')) > 0, 'the sixth is refused, whichever replica took the first five');
      await ta.giveBack('203.0.113.9');
      assert.equal(await tb.waitFor('203.0.113.9'), 0, 'a count given back at one replica is back at the other');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a slot whose replica stopped renewing it is freed when its lease expires', async () => {
    const backend = `gpu-${randomUUID()}`;
    // A replica that died: its lease is in Redis and nobody renews it.
    const raw = new Redis(redis.url, { keyPrefix: prefix, lazyConnect: true });
    await raw.connect();
    const leaseEnds = Date.now() + 1500;
    await raw.zadd(`slots:${backend}`, leaseEnds, 'dead-replica:1');
    const state = await open();
    try {
      assert.equal(await state.slots!.tryAcquire(backend, 1), undefined, 'the dead replica still holds the only slot');
      await new Promise((r) => setTimeout(r, leaseEnds - Date.now() + 200));
      assert.equal((await state.slots!.tryAcquire(backend, 1))?.held, 1);
      const unprefixed = new Redis(redis.url, { lazyConnect: true });
      await unprefixed.connect();
      const keys = await unprefixed.keys('*');
      unprefixed.disconnect();
      assert.ok(keys.length > 0 && keys.every((k) => k.startsWith(prefix)), `every key carries the prefix: ${keys.join(', ')}`);
    } finally {
      raw.disconnect();
      await state.close();
    }
  });

  it("a Redis restart that loses its data forgets no running request's slot: its replica holds the lease again at once", async () => {
    // Leases that outlive the test, so only the reconnection (not the periodic renewal) can bring them back.
    const [a, b] = [await open(60_000), await open(60_000)];
    const raw = new Redis(redis.url, { keyPrefix: prefix, lazyConnect: true, retryStrategy: () => 50 });
    try {
      await raw.connect();
      const backend = `gpu-${randomUUID()}`;
      const running = await a.slots!.tryAcquire(backend, 1);
      assert.equal(running?.held, 1);
      const back = new Promise<void>((resolve) => a.onAvailability((available) => available && resolve()));
      // Redis restarts without persistence (as deploy/kubernetes/redis.yaml runs it): the lease is gone with everything else.
      await redis.stop();
      await redis.start();
      await back;
      await untilTrue(async () => (await raw.zcard(`slots:${backend}`)) === 1, "the running request's lease, held again");
      assert.equal(await b.slots!.tryAcquire(backend, 1), undefined, 'the other replica waits for the request still running, as before the restart');
      running!.lease.release();
      await untilTrue(async () => (await b.slots!.tryAcquire(backend, 1)) !== undefined, 'the slot, free once the request ends');
    } finally {
      raw.disconnect();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("replicas' admin views: each sees the other's, a withdrawn one goes at once, an expired one when Redis expires it", async () => {
    const [a, b] = [await open(), await open()];
    try {
      await a.views!.publish('pod-a', '{"n":1}', 60_000);
      await b.views!.publish('pod-b', '{"n":2}', 300);
      assert.deepEqual((await a.views!.read()).sort(), ['{"n":1}', '{"n":2}']);
      await a.views!.publish('pod-a', '{"n":3}', 60_000);
      assert.deepEqual((await b.views!.read()).sort(), ['{"n":2}', '{"n":3}'], 'a newer view replaces the older one');
      // pod-b stops publishing (it died): Redis expires its view, whatever anyone's clock says.
      await untilTrue(async () => (await a.views!.read()).length === 1, "pod-b's view expired");
      assert.deepEqual(await a.views!.read(), ['{"n":3}']);
      await a.views!.withdraw('pod-a');
      assert.deepEqual(await b.views!.read(), []);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("the team's usage totals: replicas' additions add up and outlive them, a retried addition counts once, and what is read back is checked", async () => {
    const keyPrefix = `hearth-usage-${randomUUID().slice(0, 8)}:`;
    const openUsage = () => createRedisState({ url: redis.url, keyPrefix, slotLeaseTtlMs: 3000, logger: silentLogger });
    const [a, b] = [await openUsage(), await openUsage()];
    const recorder = (now: () => number) => new ActivityRecorder({ now, bucketMs: 10_000, buckets: 6 });
    let now = 10_000_000;
    const ra = recorder(() => now);
    const rb = recorder(() => now);
    const turn = (r: ActivityRecorder, user: string) => {
      const t = r.observeTurn(user);
      t.token();
      t.usage({ promptTokens: 100, completionTokens: 7, evalDurationMs: 700 });
      t.end();
    };
    const keep = { oldestBucket: Math.floor(now / 10_000) - 5, ttlMs: 60_000 };
    try {
      assert.deepEqual(await a.usage!.read(10_000), { since: undefined, activity: { bucketMs: 10_000, runningTurns: 0, users: [], languages: [], buckets: [] } }, 'nothing added yet');
      turn(ra, 'alice');
      turn(ra, 'alice|ops');
      ra.suggestions('alice', 'python', 4, 3);
      turn(rb, 'alice');
      rb.suggestions('alice', 'python', 2, 0);
      await a.usage!.add('writer-a', 1, activityDelta(ra.raw(), undefined), keep);
      await b.usage!.add('writer-b', 1, activityDelta(rb.raw(), undefined), keep);
      // A retry of an addition that did reach Redis (its reply was lost) adds nothing.
      await b.usage!.add('writer-b', 1, activityDelta(rb.raw(), undefined), keep);
      // Replica b is scaled away; the team's totals keep what it counted.
      await b.close();
      const { since, activity } = await a.usage!.read(10_000);
      assert.ok(since && Math.abs(since - Date.now()) < 60_000, 'counting began when the first addition arrived');
      const team = snapshotOf([activity], now, 6);
      const alice = team.users.find((u) => u.user === 'alice')!;
      assert.deepEqual([alice.turns, alice.promptTokens, alice.completionTokens, alice.suggestionsShown, alice.suggestionsAccepted, alice.lastSeenMs], [2, 200, 14, 6, 3, now]);
      assert.equal(team.users.find((u) => u.user === 'alice|ops')?.turns, 1, "a '|' in a user name is kept");
      assert.deepEqual(team.languages, [{ language: 'python', shown: 6, accepted: 3, rate: 0.5 }]);
      assert.deepEqual(snapshotOf([activity], now, 6).series, snapshotOf([ra.raw(), rb.raw()], now, 6).series, "the plot is both replicas' measurements");

      // The plot keeps its span only: an addition drops the buckets before the oldest one kept.
      now += 60_000;
      turn(ra, 'carol');
      await a.usage!.add('writer-a', 2, activityDelta(ra.raw(), undefined), { oldestBucket: Math.floor(now / 10_000) - 5, ttlMs: 60_000 });
      const later = await a.usage!.read(10_000);
      assert.deepEqual(later.activity.buckets.map((x) => x.index), [Math.floor(now / 10_000)]);
      assert.equal(later.since, since, 'counting began once');

      // Hostile or stray fields in the shared hashes cost those fields only.
      const raw = new Redis(redis.url, { keyPrefix, lazyConnect: true });
      await raw.connect();
      await raw.hset('admin:usage:users', 'turns|mallory', 'NaN', 'nonsense', '5', 'password|bob', '9', 'turns|eve', '-4');
      await raw.hset('admin:usage:series', 'tokens|not-an-index', '5');
      raw.disconnect();
      const read = (await a.usage!.read(10_000)).activity;
      assert.deepEqual(
        read.users.filter((u) => ['mallory', 'eve', 'bob'].includes(u.user)).map((u) => [u.user, u.turns]),
        [
          ['mallory', 0],
          ['eve', 0],
        ],
      );
      assert.ok(read.buckets.every((x) => Number.isSafeInteger(x.index)));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a wrong password is refused at start-up with a message that names the setting', async () => {
    await assert.rejects(
      createRedisState({ url: `redis://:wrong@127.0.0.1:${redis.port}/0`, keyPrefix: prefix, slotLeaseTtlMs: 3000, logger: silentLogger }),
      (err: Error) => /shared state store at redis:\/\/127\.0\.0\.1:\d+\/0 \(state\.redis_url\)/.test(err.message) && !err.message.includes('wrong'),
    );
  });

  it('warns at start-up when Redis evicts keys when full (it would drop live leases and sign-ins), and not when it refuses writes', async () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (msg: string) => void warnings.push(msg) };
    const evicting = await startRedisServer(['--maxmemory-policy', 'volatile-lru']);
    try {
      const state = await createRedisState({ url: evicting.url, keyPrefix: prefix, slotLeaseTtlMs: 3000, logger });
      await state.close();
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0], /evicts keys when its memory is full \(maxmemory-policy volatile-lru\).*Set maxmemory-policy noeviction/);
    } finally {
      await evicting.close();
    }
    warnings.length = 0;
    // The suite's Redis keeps the default policy, noeviction.
    await (await createRedisState({ url: redis.url, keyPrefix: prefix, slotLeaseTtlMs: 3000, logger })).close();
    assert.deepEqual(warnings, []);
  });

  describe('team servers sharing one Redis', () => {
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

    it("count each other on the admin page even when they share a host name and pid (containers on the host's network)", async () => {
      // Two team servers in this one process: the same host name and the same pid, as two containers on the host's network may be.
      const keyPrefix = `hearth-views-${randomUUID().slice(0, 8)}:`;
      const start = () =>
        startTestServer(
          remoteConfig(pki, fixture.url, (c) => {
            c.state = { store: 'redis', redisUrl: `redis://127.0.0.1:${redis.port}/0`, redisPassword: redis.password, keyPrefix, slotLeaseTtlMs: 3000 };
            c.admin = { enabled: true, keyHash: sha256Hash(ADMIN_KEY), hosts: '', trustedProxies: '' };
          }),
        );
      const [{ server: a }, { server: b }] = [await start(), await start()];
      const replicasAt = async (port: number) => ((await (await fetch(`http://127.0.0.1:${port}/admin/api/stats`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as AdminStats).replicas;
      try {
        await untilTrue(async () => (await replicasAt(a.metricsPort!)).length === 2, 'both replicas on the admin page of the first');
        await untilTrue(async () => (await replicasAt(b.metricsPort!)).length === 2, 'both replicas on the admin page of the second');
        const ids = (await replicasAt(a.metricsPort!)).map((r) => r.id);
        assert.notEqual(ids[0], ids[1]);
      } finally {
        await Promise.all([a.shutdown(200), b.shutdown(200)]);
      }
    });
  });

  describe('a team server whose Redis goes away', () => {
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

    it('fails closed: UNAVAILABLE with a message, NOT_SERVING to probes, the admin page refused with 503, and recovers when Redis is back', async () => {
      const { server } = await startTestServer(
        remoteConfig(pki, fixture.url, (c) => {
          c.state = { store: 'redis', redisUrl: `redis://127.0.0.1:${redis.port}/0`, redisPassword: redis.password, keyPrefix: prefix, slotLeaseTtlMs: 3000 };
          c.admin = { enabled: true, keyHash: sha256Hash(ADMIN_KEY), hosts: '', trustedProxies: '' };
        }),
      );
      const stats = async () => (await (await fetch(`http://127.0.0.1:${server.metricsPort}/admin/api/stats`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as AdminStats;
      const credentials = grpc.credentials.createSsl(pki.caPem);
      const auth = new (hearthPackage().grpc.hearth.v1.AuthService)(`localhost:${server.port}`, credentials);
      const HealthClient = grpc.makeGenericClientConstructor(healthPackage()['grpc.health.v1.Health'] as grpc.ServiceDefinition, 'Health');
      const health = new HealthClient(`localhost:${server.port}`, credentials) as unknown as { Check(req: object, cb: (err: grpc.ServiceError | null, res: { status: string }) => void): void };
      const signIn = () => new Promise<{ err: grpc.ServiceError | null }>((resolve) => auth.Authenticate({ api_key: ALICE_KEY, client_name: 'test' }, (err: grpc.ServiceError | null) => resolve({ err })));
      const check = (service = '') => new Promise<string>((resolve, reject) => health.Check({ service }, (err, res) => (err ? reject(err) : resolve(res.status))));
      try {
        assert.equal((await signIn()).err, null);
        await redis.stop();
        const { err } = await signIn();
        assert.equal(err?.code, grpc.status.UNAVAILABLE);
        assert.match(err!.details, /cannot reach its shared state store \(Redis\)/);
        await untilTrue(async () => (await check()) === 'NOT_SERVING', 'NOT_SERVING');
        assert.equal(await check('liveness'), 'SERVING', 'liveness stays up: restarting the replica would not bring Redis back');
        // The admin page cannot count failed sign-ins or look sessions up, so it lets nobody in, and says why.
        const refused = await fetch(`http://127.0.0.1:${server.metricsPort}/admin/api/stats`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        assert.equal(refused.status, 503);
        assert.match(((await refused.json()) as { error: string }).error, /cannot reach its shared state store \(Redis\), and it lets nobody in without it/);
        await redis.start();
        await untilTrue(async () => (await check()) === 'SERVING', 'SERVING again', 15_000);
        assert.equal((await signIn()).err, null, 'sign-in works again once Redis is back');
        await untilTrue(async () => (await stats()).partial === undefined, 'the admin page counts through Redis again');
      } finally {
        auth.close();
        (health as unknown as grpc.Client).close();
        await server.shutdown(200);
      }
    });

    it('a Redis restart that loses a revocation grants nothing: the revoked sign-in stays refused, and signing in again works', async () => {
      const { server } = await startTestServer(
        remoteConfig(pki, fixture.url, (c) => {
          c.state = { store: 'redis', redisUrl: `redis://127.0.0.1:${redis.port}/0`, redisPassword: redis.password, keyPrefix: prefix, slotLeaseTtlMs: 3000 };
        }),
      );
      const pkg = hearthPackage().grpc.hearth.v1;
      const credentials = grpc.credentials.createSsl(pki.caPem);
      const auth = new pkg.AuthService(`localhost:${server.port}`, credentials);
      const models = new pkg.ModelService(`localhost:${server.port}`, credentials);
      type Tokens = { access_token: string; refresh_token: string };
      const signIn = () => new Promise<Tokens>((resolve, reject) => auth.Authenticate({ api_key: ALICE_KEY, client_name: 'test' }, (err: grpc.ServiceError | null, res?: Tokens) => (err ? reject(err) : resolve(res!))));
      const refresh = (token: string) => new Promise<Tokens>((resolve, reject) => auth.Refresh({ refresh_token: token }, (err: grpc.ServiceError | null, res?: Tokens) => (err ? reject(err) : resolve(res!))));
      const list = (token: string) => {
        const md = new grpc.Metadata();
        md.set('authorization', `Bearer ${token}`);
        return new Promise<grpc.ServiceError | null>((resolve) => models.List({}, md, (err: grpc.ServiceError | null) => resolve(err)));
      };
      try {
        // A stolen refresh token used after its owner's: the sign-in is revoked, with the access token it issued.
        const t0 = await signIn();
        const t1 = await refresh(t0.refresh_token);
        await refresh(t1.refresh_token);
        await assert.rejects(refresh(t0.refresh_token), (err: grpc.ServiceError) => err.code === grpc.status.PERMISSION_DENIED);
        assert.equal((await list(t0.access_token))?.code, grpc.status.PERMISSION_DENIED);
        // Redis restarts without persistence: the revocation is gone with everything else.
        await redis.stop();
        await redis.start();
        await untilTrue(async () => (await list(t0.access_token))?.code !== grpc.status.UNAVAILABLE, 'the team server reaching Redis again');
        const err = await list(t0.access_token);
        assert.equal(err?.code, grpc.status.UNAUTHENTICATED, 'the revoked sign-in is not accepted again');
        assert.match(err!.details, /no longer knows this sign-in.*Sign in again/);
        assert.equal(await list((await signIn()).access_token), null, 'a new sign-in works');
      } finally {
        auth.close();
        models.close();
        await server.shutdown(200);
      }
    });

    it('follows a failover: a connection left open to the old primary, now a read-only replica, is reopened to the new one', async () => {
      // The address the team server uses (a relay standing in for a DNS name that a failover moves), the old
      // primary behind it, and the new primary, which shares its password as a replica set does.
      const promoted = await startRedisServer();
      const relay = await startTcpRelay(redis.port);
      const admin = new Redis(promoted.url, { lazyConnect: true });
      const old = new Redis(redis.url, { lazyConnect: true });
      await Promise.all([admin.connect(), old.connect()]);
      await admin.config('SET', 'requirepass', redis.password);
      const { server } = await startTestServer(
        remoteConfig(pki, fixture.url, (c) => {
          c.state = { store: 'redis', redisUrl: `redis://127.0.0.1:${relay.port}/0`, redisPassword: redis.password, keyPrefix: `hearth-failover-${randomUUID().slice(0, 8)}:`, slotLeaseTtlMs: 3000 };
        }),
      );
      const auth = new (hearthPackage().grpc.hearth.v1.AuthService)(`localhost:${server.port}`, grpc.credentials.createSsl(pki.caPem));
      const signIn = () => new Promise<grpc.ServiceError | null>((resolve) => auth.Authenticate({ api_key: ALICE_KEY, client_name: 'test' }, (err: grpc.ServiceError | null) => resolve(err)));
      try {
        assert.equal(await signIn(), null);
        // The failover: the old primary becomes a replica of the new one (its clients stay connected), and the address moves.
        await old.config('SET', 'masterauth', redis.password);
        await old.replicaof('127.0.0.1', promoted.port);
        relay.retarget(promoted.port);
        const err = await signIn();
        assert.equal(err?.code, grpc.status.UNAVAILABLE, 'the sign-in that met the read-only replica fails closed');
        await untilTrue(async () => (await signIn()) === null, 'a sign-in through the new primary');
        assert.ok((await admin.keys('hearth-failover-*')).length > 0, 'the family was written to the new primary');
      } finally {
        auth.close();
        await server.shutdown(200);
        await old.replicaof('NO', 'ONE').catch(() => undefined);
        old.disconnect();
        admin.disconnect();
        await relay.close();
        await promoted.close();
      }
    });
  });
});
