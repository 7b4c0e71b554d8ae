/**
 * Two real team server replicas (`dist/agent-host.js` processes with TLS)
 * sharing a real redis-server, behind a real HAProxy balancing gRPC over
 * HTTP/2, in front of the scripted Ollama. What an admin who scales out
 * relies on: refresh-token reuse is caught whichever replica sees it, rate
 * limits and backend slots are global, a replica that cannot serve (it
 * lost Redis) gets no calls, and a replica that dies mid-turn costs the
 * user one retried message, not the session or the sign-in. The admin
 * page's sign-in is the team's too: a session from one replica's page works
 * at the other's, signing out ends it at both, and failed sign-ins through
 * both replicas are limited as one.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import Redis from 'ioredis';
import { stringify as toYaml } from 'yaml';
import type { AgentEvent, ChatMessage } from '../../protocol/chat';
import type { AdminStats } from '../../agent-host/server/admin/adminStats';
import { hearthPackage } from '../../protocol/grpc/loadProtos';
import { sha256Hash } from '../../agent-host/server/auth/apiKeys';
import { RemoteAgent } from '../../language-server/remote/remoteAgent';
import { TeamConnection } from '../../language-server/remote/teamConnection';
import { parseTeamServerUrl } from '../../language-server/remote/teamServerUrl';
import { startAgentHostProcess, type AgentHostProcess } from '../fixtures/agentHostProcess';
import { freePort } from '../fixtures/freePort';
import { startHaproxy, type HaproxyBackend, type HaproxyBalancer } from '../fixtures/haproxyBalancer';
import { startOllamaFixture, type OllamaFixture, type RecordedRequest } from '../fixtures/ollamaFixture';
import { startRedisServer, type RedisServer } from '../fixtures/redisServer';
import { startTcpRelay, type TcpRelay } from '../fixtures/tcpRelay';
import { until, untilValue } from '../fixtures/until';
import { ALICE_KEY, AUDIENCE, BOB_KEY, collect, ISSUER, makePki, type TestPki } from './teamServerHarness';

const MODEL = 'qwen2.5-coder:7b';
const CAROL_KEY = 'hearth_test-key-for-carol-0123456789abcdefghijklmno';
const REUSE_WINDOW_S = 2;
const ADMIN_KEY = 'hearth_admin-key-for-the-replica-test-0123456789abcd';

type AuthTokens = { access_token: string; refresh_token: string };

function textOf(events: AgentEvent[]): string {
  return events.map((e) => (e.type === 'text' ? e.delta : '')).join('');
}

describe('team server replicas behind HAProxy with Redis', function () {
  this.timeout(120_000);
  let pki: TestPki;
  let dir: string;
  let redis: RedisServer;
  let redisRelay: TcpRelay | undefined;
  let fixture: OllamaFixture;
  let balancer: HaproxyBalancer | undefined;
  const replicas: AgentHostProcess[] = [];
  const ports: number[] = [];
  const metricsPorts: number[] = [];
  const healthPorts: number[] = [];
  const connections: TeamConnection[] = [];
  const clients: grpc.Client[] = [];

  function connect(port: number, apiKey = ALICE_KEY): RemoteAgent {
    const connection = new TeamConnection({ address: parseTeamServerUrl(`grpcs://localhost:${port}`), apiKey, tls: { caPem: pki.caPem } });
    connections.push(connection);
    return new RemoteAgent(connection, { attempts: 2, baseMs: 50, maxMs: 200 });
  }

  function rawClients(port: number) {
    const creds = grpc.credentials.createSsl(pki.caPem);
    const v1 = hearthPackage().grpc.hearth.v1;
    const auth = new v1.AuthService(`localhost:${port}`, creds);
    const models = new v1.ModelService(`localhost:${port}`, creds);
    const completion = new v1.CompletionService(`localhost:${port}`, creds);
    clients.push(auth, models, completion);
    const bearer = (token: string) => {
      const md = new grpc.Metadata();
      md.set('authorization', `Bearer ${token}`);
      return md;
    };
    type Result<T> = { err: grpc.ServiceError | null; res?: T };
    return {
      signIn: (apiKey: string, clientName = 'replica-test') =>
        new Promise<Result<AuthTokens>>((resolve) => auth.Authenticate({ api_key: apiKey, client_name: clientName }, (err, res) => resolve({ err, res: res as AuthTokens | undefined }))),
      refresh: (token: string) => new Promise<Result<AuthTokens>>((resolve) => auth.Refresh({ refresh_token: token }, (err, res) => resolve({ err, res: res as AuthTokens | undefined }))),
      listModels: (access: string) => new Promise<Result<unknown>>((resolve) => models.List({}, bearer(access), (err, res) => resolve({ err, res }))),
      complete: (access: string) =>
        new Promise<Result<unknown>>((resolve) => completion.Complete({ model: MODEL, prompt: 'def add(a, b):', suffix: '', max_tokens: 8, stop: [] }, bearer(access), (err, res) => resolve({ err, res }))),
    };
  }

  /** /api/chat requests that overlapped in time at the model (the fixture records when each arrived and ended). */
  function overlappingChats(requests: RecordedRequest[]): [number, number][] {
    const chats = requests.filter((r) => r.path === '/api/chat' && Array.isArray(r.body?.messages) && r.body.messages.length > 0);
    const overlaps: [number, number][] = [];
    for (const a of chats) for (const b of chats) if (a.id < b.id && b.receivedAt < (a.finishedAt ?? Infinity) && a.receivedAt < (b.finishedAt ?? Infinity)) overlaps.push([a.id, b.id]);
    return overlaps;
  }

  before(async function () {
    pki = makePki();
    dir = mkdtempSync(join(tmpdir(), 'hearth-replicas-'));
    redis = await startRedisServer();
    fixture = await startOllamaFixture();
    // Replica a reaches Redis through a relay the test can cut: a partition between one replica and Redis.
    const relay = await startTcpRelay(redis.port);
    redisRelay = relay;
    const config = (port: number, metricsPort: number, healthPort: number, redisPort: number) => ({
      server: { mode: 'remote', host: '127.0.0.1', port, shutdown_grace: '1s', health_port: healthPort },
      tls: { cert_file: pki.certFile, key_file: pki.keyFile },
      auth: {
        issuer: ISSUER,
        audience: AUDIENCE,
        refresh_reuse_window: `${REUSE_WINDOW_S}s`,
        // Every replica signs and verifies with the same key: a token from one is good at the other.
        signing_keys: [{ kid: 'hs-1', algorithm: 'HS256', secret: pki.hsSecret }],
        api_keys: [
          { user: 'alice', hash: sha256Hash(ALICE_KEY) },
          { user: 'bob', hash: sha256Hash(BOB_KEY) },
          { user: 'carol', hash: sha256Hash(CAROL_KEY) },
        ],
      },
      backends: [{ name: 'gpu', type: 'ollama', url: fixture.url, max_concurrency: 1 }],
      // The probes sign in as carol again and again, as many machines sharing one key would.
      limits: { completions_per_minute: 3, sign_ins_per_minute: 0 },
      metrics: { host: '127.0.0.1', port: metricsPort, hosts: '' },
      // 127.0.0.1 stands for the TLS proxy in front of the admin pages, so a test can sign in as several clients.
      admin: { enabled: true, key_hash: sha256Hash(ADMIN_KEY), trusted_proxies: '127.0.0.1' },
      // The password is not in the file: it comes from the environment, as from a Kubernetes Secret.
      state: { store: 'redis', redis_url: `redis://127.0.0.1:${redisPort}/0`, key_prefix: 'hearth-replica-test:', slot_lease_ttl: '3s' },
    });
    for (const name of ['a', 'b']) {
      const port = await freePort();
      const metricsPort = await freePort();
      const healthPort = await freePort();
      const file = join(dir, `replica-${name}.yaml`);
      writeFileSync(file, toYaml(config(port, metricsPort, healthPort, name === 'a' ? relay.port : redis.port)));
      ports.push(port);
      healthPorts.push(healthPort);
      metricsPorts.push(metricsPort);
      replicas.push(await startAgentHostProcess(file, { HEARTH_REDIS_PASSWORD: redis.password }));
    }
    balancer = await startHaproxy([0, 1].map((i) => ({ port: ports[i], healthPort: healthPorts[i] })) as [HaproxyBackend, HaproxyBackend], { certFile: pki.certFile, keyFile: pki.keyFile, caFile: join(pki.dir, 'ca.crt'), serverName: 'localhost' });
  });

  after(async () => {
    for (const c of connections) c.close();
    for (const c of clients) c.close();
    await Promise.all(replicas.map((r) => r.kill()));
    await balancer?.close();
    await fixture?.close();
    await redisRelay?.close();
    await redis?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    pki?.cleanup();
  });

  it('a refresh token rotated on one replica and reused on the other revokes the sign-in; a retry within the window does not', async () => {
    const [a, b] = [rawClients(ports[0]), rawClients(ports[1])];
    const signedIn = await a.signIn(BOB_KEY);
    assert.equal(signedIn.err, null);
    const rotated = await a.refresh(signedIn.res!.refresh_token);
    assert.equal(rotated.err, null);
    // The reply was "lost" and the client retried at the other replica: still signed in.
    const retried = await b.refresh(signedIn.res!.refresh_token);
    assert.equal(retried.err, null, `a retry within ${REUSE_WINDOW_S} s is not reuse: ${retried.err?.details}`);
    assert.equal((await b.listModels(retried.res!.access_token)).err, null);
    // Later, the old token again (a stolen copy): the whole family goes, at both replicas.
    await new Promise((r) => setTimeout(r, REUSE_WINDOW_S * 1000 + 300));
    const reused = await b.refresh(signedIn.res!.refresh_token);
    assert.equal(reused.err?.code, grpc.status.PERMISSION_DENIED);
    assert.match(reused.err!.details, /already used.*revoked/);
    for (const replica of [a, b]) {
      const denied = await replica.listModels(rotated.res!.access_token);
      assert.equal(denied.err?.code, grpc.status.PERMISSION_DENIED);
      assert.match(denied.err!.details, /revoked/);
    }
    assert.equal((await a.refresh(rotated.res!.refresh_token)).err?.code, grpc.status.PERMISSION_DENIED, 'the newest token of the family is dead too');
  });

  it('rate limits are per user across replicas, not per replica', async () => {
    const [a, b] = [rawClients(ports[0]), rawClients(ports[1])];
    const { res } = await a.signIn(CAROL_KEY);
    const codes: (grpc.status | undefined)[] = [];
    // completions_per_minute is 3: alternate replicas, so each one alone saw at most 2.
    for (const replica of [a, b, a, b]) codes.push((await replica.complete(res!.access_token)).err?.code ?? undefined);
    assert.deepEqual(codes, [undefined, undefined, undefined, grpc.status.RESOURCE_EXHAUSTED], `codes ${JSON.stringify(codes)}`);
  });

  it('backend slots are shared: with max_concurrency 1, turns through different replicas never run at the model at once', async () => {
    const before = fixture.requests.length;
    fixture.setResponder(() => ({ kind: 'text', text: 'one two three four five six seven eight nine ten', tokenDelayMs: 40 }));
    try {
      const turns = await Promise.all(
        [ports[0], ports[1], ports[0], ports[1]].map((port, i) => collect(connect(port).startTurn([], { text: `Count, please (${i}).`, context: [] }, { model: MODEL }, new AbortController().signal))),
      );
      for (const events of turns) {
        assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' }, JSON.stringify(events.filter((e) => e.type === 'error')));
        assert.match(textOf(events), /one two three/);
      }
      const chats = fixture.requests.slice(before);
      assert.ok(chats.filter((r) => r.path === '/api/chat').length >= 4);
      assert.deepEqual(overlappingChats(chats), [], 'no two chat requests overlapped at the model');
    } finally {
      fixture.setResponder(undefined as never);
    }
  });

  it("each replica's admin page shows the whole team: turns through either replica add up, and both replicas are listed", async () => {
    const agent = connect(balancer!.port, BOB_KEY);
    for (let i = 0; i < 6; i++) {
      const events = await collect(agent.startTurn([], { text: `Question ${i}`, context: [] }, { model: MODEL }, new AbortController().signal));
      assert.deepEqual(events.at(-1), { type: 'done', reason: 'stop' });
    }
    // What each replica served, from its own audit log.
    const served = replicas.map((r) => r.stderr.split('"event":"turn.start","user":"bob"').length - 1);
    assert.ok(served.every((n) => n > 0), `the balancer sent bob's turns to both replicas (${served.join(', ')})`);
    const total = served[0] + served[1];
    for (const [i, port] of metricsPorts.entries()) {
      const stats = await untilValue(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/admin/api/stats`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
          const body = (await res.json()) as AdminStats;
          return body.replicas?.length === 2 && body.users.find((u) => u.user === 'bob')?.turns === total ? body : undefined;
        },
        `replica ${i}'s admin page counts bob's ${total} turns from both replicas`,
        15_000,
      );
      assert.equal(stats.partial, undefined);
      assert.ok(stats.series.points.some((p) => p.ttftChatMs !== null), 'the plot has the team time to first token');
    }
  });

  /** The admin page of replica `i`, as a browser behind the admins' TLS proxy (127.0.0.1, trusted) reaches it for `client`. */
  function adminPage(i: number, client: string) {
    const base = `http://127.0.0.1:${metricsPorts[i]}/admin/`;
    const headers = (more: Record<string, string> = {}) => ({ 'x-forwarded-for': client, ...more });
    return {
      login: (key: string) => fetch(`${base}login`, { method: 'POST', headers: headers(), body: new URLSearchParams({ key }), redirect: 'manual' }),
      logout: (cookie: string) => fetch(`${base}logout`, { method: 'POST', headers: headers({ cookie }), redirect: 'manual' }),
      page: (cookie: string) => fetch(base, { headers: headers({ cookie }) }),
      stats: (cookie: string) => fetch(`${base}api/stats`, { headers: headers({ cookie }) }),
      statsWithKey: (key: string) => fetch(`${base}api/stats`, { headers: headers({ authorization: `Bearer ${key}` }) }),
    };
  }

  /** Signs in at `page` and returns the session cookie (`hearth_admin=<id>`). */
  async function signInAt(page: ReturnType<typeof adminPage>): Promise<string> {
    const res = await page.login(ADMIN_KEY);
    assert.equal(res.status, 303);
    const cookie = /hearth_admin=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];
    assert.ok(cookie, 'a session cookie');
    return cookie;
  }

  it("the admin page's sign-in is the team's: a session from replica a works at b, Redis holds only its hash, and signing out at b ends it at a", async () => {
    const [a, b] = [adminPage(0, '198.51.100.20'), adminPage(1, '198.51.100.20')];
    const cookie = await signInAt(a);
    for (const [name, page] of [['a', a], ['b', b]] as const) {
      assert.equal((await page.page(cookie)).status, 200, `replica ${name} shows the dashboard`);
      const stats = await page.stats(cookie);
      assert.equal(stats.status, 200, `replica ${name} answers the JSON`);
      assert.equal(((await stats.json()) as AdminStats).replicas.length, 2);
    }

    // Whoever reads Redis finds the session's SHA-256 with a 12-hour expiry, never the id the cookie carries.
    const id = cookie.slice('hearth_admin='.length);
    const hash = createHash('sha256').update(id).digest('hex');
    const raw = new Redis(redis.url, { lazyConnect: true });
    await raw.connect();
    try {
      const keys = await raw.keys('hearth-replica-test:admin:session*');
      assert.ok(keys.includes(`hearth-replica-test:admin:session:${hash}`), keys.join(', '));
      const ttl = await raw.pttl(`hearth-replica-test:admin:session:${hash}`);
      assert.ok(ttl > 11.9 * 3_600_000 && ttl <= 12 * 3_600_000, `expires in ${ttl} ms`);
      assert.ok(!(await raw.keys('*')).some((k) => k.includes(id)), 'no key is named by the session id');
      assert.ok((await raw.zrange('hearth-replica-test:admin:sessions', 0, -1)).includes(hash));
      assert.ok(!(await raw.zrange('hearth-replica-test:admin:sessions', 0, -1)).includes(id));
    } finally {
      raw.disconnect();
    }

    const out = await b.logout(cookie);
    assert.equal(out.status, 303);
    assert.match(out.headers.get('set-cookie') ?? '', /hearth_admin=;.*Max-Age=0/);
    for (const [name, page] of [['a', a], ['b', b]] as const) {
      assert.equal((await page.stats(cookie)).status, 401, `the old cookie is refused at replica ${name}`);
      assert.equal((await page.page(cookie)).status, 401, `replica ${name} shows the sign-in form again`);
    }
  });

  it('failed admin sign-ins spread over both replicas are limited as one budget of five, and block the right key at either', async () => {
    const guesser = [adminPage(0, '203.0.113.50'), adminPage(1, '203.0.113.50')];
    const statuses: number[] = [];
    // Alternating replicas, so neither one alone sees five failures.
    for (const i of [0, 1, 0, 1, 0]) statuses.push((await guesser[i].login(`hearth_wrong-guess-${statuses.length}`)).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 429], 'the fifth failure, the third at replica a, blocks the address');
    for (const page of guesser) {
      const res = await page.login(ADMIN_KEY);
      assert.equal(res.status, 429, 'even the right key waits, at either replica');
      assert.equal(res.headers.get('set-cookie'), null);
      assert.equal((await page.statsWithKey(ADMIN_KEY)).status, 429, 'and the key as a Bearer header too');
    }
    // The admin behind the same proxy, from another address, is not blocked, and polling with the key never blocks anyone.
    const admin = [adminPage(0, '198.51.100.21'), adminPage(1, '198.51.100.21')];
    for (let i = 0; i < 8; i++) assert.equal((await admin[i % 2].statsWithKey(ADMIN_KEY)).status, 200, `poll ${i}`);
    await signInAt(admin[1]);
  });

  it("a replica that cannot reach Redis refuses its admin page with 503 and says why, while the other replica's keeps the session", async () => {
    const [a, b] = [adminPage(0, '198.51.100.22'), adminPage(1, '198.51.100.22')];
    const cookie = await signInAt(b);
    redisRelay!.cut();
    try {
      const refused = await untilValue(async () => {
        const res = await a.stats(cookie);
        return res.status === 503 ? res : undefined;
      }, "replica a's admin page refuses once it has lost Redis");
      assert.match(((await refused.json()) as { error: string }).error, /cannot reach its shared state store \(Redis\), and it lets nobody in without it/);
      assert.equal(refused.headers.get('retry-after'), '60');
      const page = await a.page(cookie);
      assert.equal(page.status, 503);
      assert.match(await page.text(), /cannot reach its shared state store \(Redis\)/);
      assert.equal((await a.statsWithKey(ADMIN_KEY)).status, 503, 'not even the admin key is let in without its throttle');
      const signIn = await a.login(ADMIN_KEY);
      assert.equal(signIn.status, 503);
      assert.equal(signIn.headers.get('set-cookie'), null, 'no session is started that the other replica would not know');
      assert.equal((await b.stats(cookie)).status, 200, 'replica b still has the session');
    } finally {
      redisRelay!.restore();
    }
    await untilValue(async () => ((await a.stats(cookie)).status === 200 ? true : undefined), 'replica a accepts the session again once it reaches Redis', 15_000);
  });

  it('a replica that loses Redis answers NOT_SERVING and the balancer stops sending it calls; once Redis is back it gets calls again', async () => {
    const probe = rawClients(balancer!.port);
    const signIns = async (n: number, clientName?: string) => {
      const failures: string[] = [];
      for (let i = 0; i < n; i++) {
        const { err } = await probe.signIn(CAROL_KEY, clientName);
        if (err) failures.push(err.details);
      }
      return failures;
    };
    const successesAt = (i: number, clientName?: string) =>
      replicas[i].stderr.split('\n').filter((line) => line.includes('"event":"auth.success"') && (!clientName || line.includes(`"client":"${clientName}"`))).length;
    redisRelay!.cut();
    try {
      // Until the balancer's check notices (a few hundred ms), a sign-in sent to replica a fails with UNAVAILABLE.
      await untilValue(async () => ((await signIns(10)).length === 0 ? true : undefined), 'ten sign-ins in a row succeed through the balancer', 10_000);
      // The measured sign-ins carry a client name of their own: a replica's log reaches this process a little after
      // its reply does, so counting every sign-in could count one from the loop above.
      assert.deepEqual(await signIns(20, 'measured'), [], 'no developer sees the replica that cannot check sign-ins');
      await until(() => successesAt(1, 'measured') >= 20, 'replica b logged the twenty sign-ins', 5_000);
      assert.equal(successesAt(0, 'measured'), 0, 'replica a served none of them');
    } finally {
      redisRelay!.restore();
    }
    const served = successesAt(0);
    await untilValue(async () => ((await signIns(4)).length === 0 && successesAt(0) > served ? true : undefined), 'replica a serves sign-ins again once it reaches Redis', 15_000);
  });

  /** How many turns each replica's audit log has recorded starting. */
  function turnStarts(): number[] {
    return replicas.map((r) => r.stderr.split('"event":"turn.start"').length);
  }

  /** The replica that started a turn since `before` (its audit log says so). */
  function servingSince(before: number[]): number {
    const serving = turnStarts().findIndex((n, i) => n > before[i]);
    assert.ok(serving >= 0, 'one replica recorded the turn');
    return serving;
  }

  /** Starts replica `i` again (a new pod) and waits until the balancer sends it calls, so later tests have two. */
  async function restart(i: number): Promise<void> {
    replicas[i] = await startAgentHostProcess(join(dir, `replica-${i === 0 ? 'a' : 'b'}.yaml`), { HEARTH_REDIS_PASSWORD: redis.password });
    const back = replicas[i];
    const probe = rawClients(balancer!.port);
    await untilValue(
      async () => {
        await probe.signIn(CAROL_KEY);
        return back.stderr.includes('"event":"auth.success"') || undefined;
      },
      'the balancer sends calls to the replica that came back',
      15_000,
    );
  }

  it('a replica drained as an autoscaler scales in (SIGTERM): its running turn finishes whole, and a turn started meanwhile is served by the other replica without an error', async () => {
    const agent = connect(balancer!.port);
    const before = turnStarts();
    const words = 'steady '.repeat(30);
    fixture.enqueue({ kind: 'text', text: words, tokenDelayMs: 10 });
    const running: AgentEvent[] = [];
    let drainedAt = -1;
    // What each replica logged from the moment the drain began.
    let logFrom: number[] = [];
    let stopping: Promise<void> | undefined;
    let meanwhile: Promise<AgentEvent[]> | undefined;
    try {
      for await (const e of agent.startTurn([], { text: 'Write steadily.', context: [] }, { model: MODEL }, new AbortController().signal)) {
        running.push(e);
        if (drainedAt < 0 && running.filter((x) => x.type === 'text').length === 3) {
          drainedAt = servingSince(before);
          logFrom = replicas.map((r) => r.stderr.length);
          const drained = replicas[drainedAt];
          stopping = drained.stop();
          // The next turn starts while the drained replica still streams this one.
          await until(() => drained.stderr.includes('"msg":"shutting down"'), 'the replica began its drain', 5_000);
          meanwhile = collect(agent.startTurn([], { text: 'A new question during the drain.', context: [] }, { model: MODEL }, new AbortController().signal));
        }
      }
      assert.ok(stopping && meanwhile, 'the drain began mid-turn');
      assert.deepEqual(running.at(-1), { type: 'done', reason: 'stop' }, JSON.stringify(running.filter((e) => e.type === 'error')));
      assert.equal(textOf(running), words, 'the running turn streamed to its end, nothing cut');
      const other = await meanwhile;
      assert.deepEqual(other.filter((e) => e.type === 'error'), [], 'the turn started during the drain saw no error');
      assert.deepEqual(other.at(-1), { type: 'done', reason: 'stop' });
      await stopping;
      const drainLog = replicas[drainedAt].stderr.slice(logFrom[drainedAt]);
      assert.match(drainLog, /"event":"turn\.end"[^\n]*"reason":"stop"/, 'the drained replica ended its turn normally');
      assert.doesNotMatch(drainLog, /"event":"turn\.start"/, 'the drained replica took no new turn');
      assert.doesNotMatch(drainLog, /The team server is restarting/, 'no turn was cut at the end of the grace');
      assert.match(replicas[1 - drainedAt].stderr.slice(logFrom[1 - drainedAt]), /"event":"turn\.start"/, 'the other replica served the new turn');
    } finally {
      await stopping;
      if (drainedAt >= 0) await restart(drainedAt);
    }
  });

  it('a drain that outlasts the grace: the turn still running ends with "the team server is restarting" through the balancer, and Retry works on the other replica', async () => {
    const agent = connect(balancer!.port);
    const before = turnStarts();
    fixture.enqueue({ kind: 'text', text: 'long '.repeat(400), tokenDelayMs: 10 });
    const events: AgentEvent[] = [];
    let drainedAt = -1;
    let stopping: Promise<void> | undefined;
    try {
      for await (const e of agent.startTurn([], { text: 'Write for a long time.', context: [] }, { model: MODEL }, new AbortController().signal)) {
        events.push(e);
        if (drainedAt < 0 && events.filter((x) => x.type === 'text').length === 3) {
          drainedAt = servingSince(before);
          stopping = replicas[drainedAt].stop();
        }
      }
      // Its last messages reach the client before the connections are cut, balancer or not.
      const error = events.find((x): x is Extract<AgentEvent, { type: 'error' }> => x.type === 'error');
      assert.ok(error, `an error event in ${JSON.stringify(events.slice(-3))}`);
      assert.equal(error.error.code, 'connectionDropped');
      assert.match(error.error.message, /The team server is restarting\. Your conversation is kept/);
      assert.equal(error.error.retryable, true);
      assert.deepEqual(events.at(-1), { type: 'done', reason: 'error' });
      const retry = await collect(agent.startTurn([], { text: 'Write for a long time.', context: [] }, { model: MODEL }, new AbortController().signal));
      assert.deepEqual(retry.at(-1), { type: 'done', reason: 'stop' }, JSON.stringify(retry.filter((e) => e.type === 'error')));
    } finally {
      await stopping;
      if (drainedAt >= 0) await restart(drainedAt);
    }
  });

  it('a replica killed mid-turn: the turn ends with connectionDropped, and the next turn works through the balancer with the same history', async () => {
    const testStartedAt = Date.now();
    const agent = connect(balancer!.port);
    const history: ChatMessage[] = [];
    const first = await collect(agent.startTurn(history, { text: 'Remember the word pelican.', context: [] }, { model: MODEL }, new AbortController().signal));
    assert.deepEqual(first.at(-1), { type: 'done', reason: 'stop' });
    history.push({ role: 'user', content: 'Remember the word pelican.' }, { role: 'assistant', content: textOf(first) });

    const before = turnStarts();
    fixture.enqueue({ kind: 'text', text: 'partial '.repeat(400), tokenDelayMs: 10 });
    const events: AgentEvent[] = [];
    let killed: AgentHostProcess | undefined;
    for await (const e of agent.startTurn(history, { text: 'Now write a lot.', context: [] }, { model: MODEL }, new AbortController().signal)) {
      events.push(e);
      if (!killed && events.filter((x) => x.type === 'text').length === 3) {
        // The replica serving this turn is the one whose audit log recorded its start.
        killed = replicas[servingSince(before)];
        await killed.kill();
      }
    }
    assert.ok(killed?.exited);
    const error = events.find((x): x is Extract<AgentEvent, { type: 'error' }> => x.type === 'error');
    assert.ok(error, `an error event in ${JSON.stringify(events.slice(-3))}`);
    assert.equal(error.error.code, 'connectionDropped', error.error.message);
    assert.equal(error.error.retryable, true);
    assert.deepEqual(events.at(-1), { type: 'done', reason: 'error' });

    // Retry: the balancer sends it to the replica that is left, which waits for the dead one's slot lease to expire.
    const retryAt = fixture.requests.length;
    const retry = await collect(agent.startTurn(history, { text: 'Now write a lot.', context: [] }, { model: MODEL }, new AbortController().signal));
    assert.deepEqual(retry.at(-1), { type: 'done', reason: 'stop' }, JSON.stringify(retry.filter((e) => e.type === 'error')));
    const chat = fixture.requests.slice(retryAt).find((r) => r.path === '/api/chat' && Array.isArray(r.body?.messages) && r.body.messages.length > 0);
    assert.ok(chat, 'the retried turn reached the model');
    const sent = JSON.stringify(chat.body.messages);
    assert.match(sent, /Remember the word pelican\./, 'the earlier turn is in the history the model sees');
    assert.match(sent, /Now write a lot\./);
    await until(() => replicas.some((r) => !r.exited && r.stderr.includes('"event":"turn.end"')), 'the surviving replica ended the turn', 10_000);

    // The killed replica never withdrew its admin view; Redis expires it, and the team view shrinks to the survivor.
    const survivor = replicas.findIndex((r) => !r.exited);
    const stats = await untilValue(
      async () => {
        const res = await fetch(`http://127.0.0.1:${metricsPorts[survivor]}/admin/api/stats`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        const body = (await res.json()) as AdminStats;
        return body.replicas.length === 1 ? body : undefined;
      },
      'the admin page stops counting the killed replica',
      25_000,
      500,
    );
    // The usage it served stays: bob's six turns, served by both replicas, some of them by replicas
    // stopped since (drained, then this kill), are all still counted, as they were counted before.
    assert.equal(stats.users.find((u) => u.user === 'bob')?.turns, 6, JSON.stringify(stats.users));
    assert.equal(stats.usageShared, true);
    assert.ok(stats.usageSince < testStartedAt, `usage counted since ${stats.usageSince}, before this test began at ${testStartedAt}`);
    assert.ok(stats.series.points.some((p) => p.ttftChatMs !== null), 'the plot keeps the team history');
  });

  it('names its shared store in the start-up log, and never its password', () => {
    for (const [i, replica] of replicas.entries()) {
      // Replica a reaches Redis through the relay.
      assert.match(replica.stderr, new RegExp(`"state":"redis at redis://127\\.0\\.0\\.1:${i === 0 ? redisRelay!.port : redis.port}/0"`));
      assert.ok(!replica.stderr.includes(redis.password), 'the Redis password is not in the logs');
    }
  });
});
