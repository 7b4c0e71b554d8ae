/**
 * The admin page's aggregation: per-user usage, acceptance per language, the
 * ring of time buckets behind the plots, the admin key's sessions and its
 * sign-in limit, and the client's batching of suggestion counts.
 */
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { createHash } from 'node:crypto';
import { activityDelta, ActivityRecorder, isEmptyActivity, MAX_LANGUAGES_PER_USER, snapshotOf } from '../../agent-host/server/admin/activityRecorder';
import { AdminAuth, AdminStoreUnavailable } from '../../agent-host/server/admin/adminAuth';
import { parseReplicaView, teamStats, type ReplicaView } from '../../agent-host/server/admin/adminStats';
import { startUsageLedger, type UsageLedger } from '../../agent-host/server/admin/usageLedger';
import { scryptHash, sha256Hash } from '../../agent-host/server/auth/apiKeys';
import { silentLogger } from '../../agent-host/server/ops/logger';
import { RateLimiter } from '../../agent-host/server/scheduler/rateLimiter';
import { createMemoryState } from '../../agent-host/server/state/memoryState';
import type { AdminSessionStore, SharedState } from '../../agent-host/server/state/sharedState';
import { ConfigError, loadServerConfig, parseArgs } from '../../agent-host/server/config/loadServerConfig';
import { MAX_REPORTS_PER_MINUTE, reportSuggestions } from '../../agent-host/server/services/reportSuggestions';
import { SUGGESTION_REPORT_LIMITS } from '../../protocol/suggestionReportLimits';
import { ServiceFailure } from '../../agent-host/server/services/serviceFailure';
import { ServerMetrics } from '../../agent-host/server/ops/serverMetrics';
import { ProtocolViolation } from '../../protocol/grpc/protocolViolation';
import { SuggestionReporter, type LanguageCounts } from '../../language-server/completion/suggestionReporter';
import { LossyUsageTotals } from '../fixtures/lossyUsageTotals';
import { until } from '../fixtures/until';

const MAX_SUGGESTIONS_PER_REPORT = SUGGESTION_REPORT_LIMITS.suggestions;

/** A clock the test moves by hand. */
function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('admin page: activity recorder', () => {
  it('counts turns and completions per user, with their tokens and when they were last seen', () => {
    const c = clock();
    const r = new ActivityRecorder({ now: c.now });
    const turn = r.observeTurn('alice');
    assert.equal(r.runningTurns, 1);
    turn.token();
    // A chat turn reports a running total after each model call; the last one is the turn's usage.
    turn.usage({ promptTokens: 100, completionTokens: 10, evalDurationMs: 100 });
    turn.usage({ promptTokens: 250, completionTokens: 40, evalDurationMs: 400 });
    c.advance(1000);
    turn.end();
    turn.end();
    assert.equal(r.runningTurns, 0, 'ending twice counts once');
    const completion = r.observeCompletion('bob');
    completion.usage({ promptTokens: 30, completionTokens: 5 });
    completion.end();

    const { users } = r.snapshot();
    assert.deepEqual(
      users.map((u) => [u.user, u.turns, u.completions, u.promptTokens, u.completionTokens]),
      [
        ['alice', 1, 0, 250, 40],
        ['bob', 0, 1, 30, 5],
      ],
      'seen at the same moment, users are listed by name',
    );
    assert.equal(users.find((u) => u.user === 'alice')!.lastSeenMs, c.now());
  });

  it('averages time to first token per bucket and kind, and derives tokens/s from the backend timing', () => {
    const c = clock(10_000_000);
    const r = new ActivityRecorder({ now: c.now, bucketMs: 10_000, buckets: 6 });
    for (const wait of [100, 300]) {
      const t = r.observeTurn('alice');
      c.advance(wait);
      t.token();
      t.token();
      t.usage({ completionTokens: 50, evalDurationMs: 1000 });
      t.end();
    }
    const f = r.observeCompletion('alice');
    c.advance(40);
    f.token();
    f.usage({ completionTokens: 10, evalDurationMs: 1000 });
    f.end();

    const { series } = r.snapshot();
    assert.equal(series.bucketMs, 10_000);
    assert.equal(series.points.length, 1);
    const [p] = series.points;
    assert.equal(p.ttftChatMs, 200);
    assert.equal(p.ttftCompletionMs, 40);
    assert.equal(p.tokensPerSecond, (110 * 1000) / 3000);
  });

  it('falls back to the time since the first token when the backend reports no timing', () => {
    const c = clock(10_000_000);
    const r = new ActivityRecorder({ now: c.now });
    const t = r.observeTurn('alice');
    t.token();
    c.advance(2000);
    t.usage({ completionTokens: 100 });
    t.end();
    assert.equal(r.snapshot().series.points.at(-1)!.tokensPerSecond, 50);
  });

  it('keeps a fixed number of buckets, oldest first, with gaps as null and nothing before the first measurement', () => {
    const c = clock(0);
    const r = new ActivityRecorder({ now: c.now, bucketMs: 1000, buckets: 4 });
    assert.deepEqual(r.snapshot().series.points, [], 'a fresh server has no points');
    const measure = (ms: number) => {
      const t = r.observeCompletion('u');
      c.advance(ms);
      t.token();
      t.end();
    };
    measure(10); // bucket 0
    c.advance(2000);
    measure(30); // bucket 2
    let points = r.snapshot().series.points;
    assert.deepEqual(points.map((p) => [p.t, p.ttftCompletionMs]), [[0, 10], [1000, null], [2000, 30]]);
    c.advance(3000);
    measure(50); // bucket 5: buckets 0 and 1 have left the ring
    points = r.snapshot().series.points;
    assert.deepEqual(points.map((p) => [p.t, p.ttftCompletionMs]), [[2000, 30], [3000, null], [4000, null], [5000, 50]]);
  });

  it('adds up replicas: counts sum, each point is the team average weighted by what each replica measured', () => {
    const c = clock(10_000_000);
    const a = new ActivityRecorder({ now: c.now, bucketMs: 10_000, buckets: 6 });
    const b = new ActivityRecorder({ now: c.now, bucketMs: 10_000, buckets: 6 });
    // Replica a: one chat turn of alice with a 100 ms first token; replica b: three of alice and one of bob at 500 ms.
    const turn = (r: ActivityRecorder, user: string, waitMs: number, tokens: number, evalMs: number) => {
      const t = r.observeTurn(user);
      c.advance(waitMs);
      t.token();
      t.usage({ promptTokens: 7, completionTokens: tokens, evalDurationMs: evalMs });
      t.end();
    };
    turn(a, 'alice', 100, 10, 1000);
    for (let i = 0; i < 3; i++) turn(b, 'alice', 500, 30, 1000);
    turn(b, 'bob', 500, 30, 1000);
    const open = b.observeTurn('bob');
    a.suggestions('alice', 'python', 4, 1);
    b.suggestions('bob', 'python', 6, 2);
    b.suggestions('bob', 'go', 2, 2);

    const team = snapshotOf([a.raw(), b.raw()], c.now(), 6);
    assert.equal(team.runningTurns, 1, "b's open turn");
    const alice = team.users.find((u) => u.user === 'alice')!;
    assert.deepEqual([alice.turns, alice.promptTokens, alice.completionTokens, alice.suggestionsShown], [4, 28, 100, 4]);
    assert.equal(team.users.find((u) => u.user === 'bob')!.turns, 2);
    assert.deepEqual(team.languages.map((l) => [l.language, l.shown, l.accepted, l.rate]), [['python', 10, 3, 0.3], ['go', 2, 2, 1]]);
    const [p] = team.series.points;
    // Not the average of the two replicas' averages (300 ms): five turns, one at 100 ms and four at 500.
    assert.equal(p.ttftChatMs, (100 + 4 * 500) / 5);
    assert.equal(p.tokensPerSecond, ((10 + 4 * 30) * 1000) / 5000);
    // One replica alone is what its own snapshot says.
    assert.deepEqual(snapshotOf([a.raw()], c.now(), 6), a.snapshot());
    open.end();
  });

  it("reads other replicas' views as input: malformed ones are dropped, fields are typed and bounded, and the figures add up", () => {
    const c = clock(10_000_000);
    const r = new ActivityRecorder({ now: c.now });
    const t = r.observeTurn('alice');
    t.token();
    t.end();
    const view = (id: string, connections: number | null, inFlight: number, runningTurns: number): ReplicaView => ({ id, startedAt: 5, publishedAt: 6, connections, runningTurns, queue: { completion: 1, chat: 2 }, backends: [{ name: 'gpu', inFlight }] });
    const good = view('pod-a/1', 3, 1, 2);
    assert.deepEqual(parseReplicaView(JSON.stringify(good)), good, 'a real view reads back unchanged');
    for (const bad of ['not json', 'null', '[]', '{"id":""}', JSON.stringify({ ...good, id: 7 })]) {
      assert.equal(parseReplicaView(bad), undefined, bad.slice(0, 40));
    }
    const hostile = parseReplicaView(JSON.stringify({ ...good, id: 'x'.repeat(5000), connections: -5, runningTurns: 'many', queue: { chat: Infinity }, backends: Array.from({ length: 5000 }, () => ({ name: 1, inFlight: -1 })) }))!;
    assert.equal(hostile.id.length, 200);
    assert.equal(hostile.connections, 0);
    assert.equal(hostile.runningTurns, 0);
    assert.equal(hostile.queue.chat, 0);
    assert.equal(hostile.backends.length, 200);
    assert.deepEqual(hostile.backends[0], { name: '', inFlight: 0 });

    const team = teamStats([good, view('pod-b/7', null, 2, 1)], { parts: [r.raw(), r.raw()], since: 4, shared: true }, { backends: [{ name: 'gpu', maxConcurrency: 4 } as never] });
    assert.deepEqual(team.backends, [{ name: 'gpu', inFlight: 3, capacity: 4 }], 'requests running add up; the slots are the configuration');
    assert.equal(team.connections, 3, 'a replica that cannot tell its connections adds nothing');
    assert.deepEqual(team.queue, { completion: 2, chat: 4 });
    assert.equal(team.runningTurns, 3, 'turns running now come from the replicas running now');
    assert.equal(team.users.find((u) => u.user === 'alice')!.turns, 2, 'usage comes from the history parts');
    assert.equal(team.usageSince, 4);
    assert.deepEqual(team.replicas.map((x) => x.id), ['pod-a/1', 'pod-b/7']);
  });

  it('a delta is what a recorder counted since an earlier copy of its figures, and adds back up to the whole', () => {
    const c = clock(10_000_000);
    const r = new ActivityRecorder({ now: c.now, bucketMs: 10_000, buckets: 6 });
    const turn = (user: string, wait: number, tokens: number) => {
      const t = r.observeTurn(user);
      c.advance(wait);
      t.token();
      t.usage({ promptTokens: 10, completionTokens: tokens, evalDurationMs: 500 });
      t.end();
    };
    assert.ok(isEmptyActivity(activityDelta(r.raw(), undefined)), 'nothing counted, nothing to add');
    turn('alice', 100, 20);
    r.suggestions('alice', 'python', 3, 1);
    const first = r.raw();
    assert.deepEqual(activityDelta(first, undefined), first, 'the first delta is everything');
    assert.ok(isEmptyActivity(activityDelta(r.raw(), first)), 'nothing new since, nothing to add');
    c.advance(1000);
    turn('alice', 300, 30);
    turn('bob', 200, 5);
    r.suggestions('alice', 'python', 2, 2);
    const second = r.raw();
    const delta = activityDelta(second, first);
    assert.deepEqual(
      delta.users.map((u) => [u.user, u.turns, u.promptTokens, u.completionTokens, u.suggestionsShown, u.suggestionsAccepted]),
      [
        ['alice', 1, 10, 30, 2, 2],
        ['bob', 1, 10, 5, 0, 0],
      ],
    );
    assert.deepEqual(delta.languages, [{ language: 'python', shown: 2, accepted: 2 }]);
    assert.deepEqual(delta.buckets.map((b) => [b.ttft.chat.count, b.ttft.chat.sumMs, b.tokens]), [[2, 500, 35]], 'the same bucket, only what was added to it');
    // The first copy and the delta add up to the recorder's figures now.
    assert.deepEqual(snapshotOf([first, delta], c.now(), 6), snapshotOf([second], c.now(), 6));
  });

  it('computes acceptance per language across reports, bounded and clamped', () => {
    const r = new ActivityRecorder();
    r.suggestions('alice', 'typescript', 4, 1);
    // A suggestion shown just before one report may be accepted in the next.
    r.suggestions('alice', 'typescript', 0, 1);
    r.suggestions('bob', 'python', 2, 0);
    r.suggestions('bob', 'rust', 1, 5);
    const langs = r.snapshot().languages;
    assert.deepEqual(langs.map((l) => [l.language, l.shown, l.accepted, l.rate]), [
      ['typescript', 4, 2, 0.5],
      ['python', 2, 0, 0],
      ['rust', 1, 5, 1],
    ]);
    const alice = r.snapshot().users.find((u) => u.user === 'alice')!;
    assert.deepEqual([alice.suggestionsShown, alice.suggestionsAccepted], [4, 2]);
    for (let i = 0; i < 300; i++) r.suggestions(`member-${i % 20}`, `lang-${i}`, 1, 0);
    const after = r.snapshot().languages;
    assert.ok(after.length <= 201, `languages are bounded (got ${after.length})`);
    assert.ok(after.some((l) => l.language === 'other'), 'languages past the bound are counted as "other"');
  });

  it('one member\'s reports cannot fill the language table: past their share, their new languages count as "other"', () => {
    const r = new ActivityRecorder();
    // Any valid key can report made-up language ids.
    for (let i = 0; i < 300; i++) r.suggestions('mallory', `junk-${i}`, 1, 0);
    r.suggestions('alice', 'typescript', 3, 1);
    r.suggestions('bob', 'go', 2, 2);
    // Languages already in the table still count under their own name, whoever reports them.
    r.suggestions('mallory', 'junk-0', 1, 0);
    const langs = new Map(r.snapshot().languages.map((l) => [l.language, l]));
    assert.equal([...langs.keys()].filter((l) => l.startsWith('junk-')).length, MAX_LANGUAGES_PER_USER);
    assert.equal(langs.get('junk-0')?.shown, 2);
    assert.equal(langs.get('other')?.shown, 300 - MAX_LANGUAGES_PER_USER, 'the rest of Mallory\'s reports are counted, as "other"');
    assert.deepEqual([langs.get('typescript')?.shown, langs.get('go')?.accepted], [3, 2], 'the team\'s real languages keep their rows');
  });

  const reportDeps = (r: ActivityRecorder, limiter = new RateLimiter(MAX_REPORTS_PER_MINUTE)) => ({ activity: r, limiter, metrics: new ServerMetrics(false) });

  it('a report is checked whole and counts for the caller only', async () => {
    const r = new ActivityRecorder();
    const deps = reportDeps(r);
    await reportSuggestions({ languages: [{ language: 'go', shown: 3, accepted: 2 }] }, 'alice', deps);
    await assert.rejects(reportSuggestions({ languages: [{ language: 'go', shown: 1, accepted: 0 }, { language: '', shown: 1, accepted: 0 }] }, 'alice', deps), ProtocolViolation);
    await assert.rejects(reportSuggestions({ languages: [{ language: 'x'.repeat(65), shown: 1, accepted: 0 }] }, 'alice', deps), ProtocolViolation);
    await assert.rejects(reportSuggestions({ languages: [{ language: 'go', shown: 1e9, accepted: 0 }] }, 'alice', deps), ProtocolViolation);
    assert.deepEqual(r.snapshot().languages.map((l) => [l.language, l.shown, l.accepted]), [['go', 3, 2]]);
  });

  it('a report counts at most MAX_SUGGESTIONS_PER_REPORT suggestions over all its languages, and says so', async () => {
    const r = new ActivityRecorder();
    const deps = reportDeps(r);
    // 64 languages of 100,000 each were accepted before: 6.4 million suggestions in one call.
    const wide = Array.from({ length: 64 }, (_, i) => ({ language: `lang-${i}`, shown: 20, accepted: 0 }));
    await assert.rejects(reportSuggestions({ languages: wide }, 'mallory', deps), (err: Error) => err instanceof ProtocolViolation && /must add up to at most 1000 in one report \(got 1280\)/.test(err.message));
    const accepting = Array.from({ length: 2 }, (_, i) => ({ language: `lang-${i}`, shown: 0, accepted: 600 }));
    await assert.rejects(reportSuggestions({ languages: accepting }, 'mallory', deps), /accepted.*at most 1000/);
    await reportSuggestions({ languages: [{ language: 'go', shown: MAX_SUGGESTIONS_PER_REPORT, accepted: MAX_SUGGESTIONS_PER_REPORT }] }, 'alice', deps);
    assert.deepEqual(r.snapshot().languages.map((l) => [l.language, l.shown, l.accepted]), [['go', 1000, 1000]]);
  });

  it('a user reports at most MAX_REPORTS_PER_MINUTE times a minute: the rest are refused, counted nowhere, and say when to retry', async () => {
    const c = clock();
    const r = new ActivityRecorder({ now: c.now });
    const deps = reportDeps(r, new RateLimiter(MAX_REPORTS_PER_MINUTE, c.now));
    const report = (user: string) => reportSuggestions({ languages: [{ language: 'go', shown: 10, accepted: 10 }] }, user, deps);
    for (let i = 0; i < MAX_REPORTS_PER_MINUTE; i++) await report('mallory');
    for (let i = 0; i < 100; i++) {
      await assert.rejects(report('mallory'), (err: ServiceFailure) => err.code === status.RESOURCE_EXHAUSTED && /at most 60 times a minute per user, and this report was not counted; retry in 1 s/.test(err.message));
    }
    // Another user has a budget of their own.
    await report('alice');
    const users = r.snapshot().users;
    assert.deepEqual(users.map((u) => [u.user, u.suggestionsShown]).sort(), [['alice', 10], ['mallory', MAX_REPORTS_PER_MINUTE * 10]]);
    c.advance(60_000);
    await report('mallory');
  });
});

describe("admin page: the team's usage ledger", () => {
  const turnFor = (r: ActivityRecorder, user: string) => {
    const t = r.observeTurn(user);
    t.token();
    t.usage({ promptTokens: 10, completionTokens: 2 });
    t.end();
  };
  /** A ledger whose timer never fires during a test: the test flushes. */
  const ledgerOverLossyTotals = () => {
    const totals = new LossyUsageTotals();
    const r = new ActivityRecorder();
    return { totals, r, ledger: startUsageLedger(totals, r, silentLogger, 3_600_000) };
  };
  const teamTurns = async (ledger: UsageLedger, user: string) => snapshotOf((await ledger.read()).parts, Date.now()).users.find((u) => u.user === user)?.turns ?? 0;

  it("adds what the replica counted since its last addition, and the page shows the totals plus what is not added yet", async () => {
    const { totals, r, ledger } = ledgerOverLossyTotals();
    try {
      turnFor(r, 'alice');
      turnFor(r, 'alice');
      await ledger.flush();
      await ledger.flush();
      assert.deepEqual(totals.calls.map((c) => [c.seq, c.delta.users.map((u) => [u.user, u.turns])]), [[1, [['alice', 2]]]], 'one addition; nothing new, nothing sent');
      turnFor(r, 'alice');
      assert.equal(await teamTurns(ledger, 'alice'), 3, 'a turn not yet added shows at once on this replica');
      await ledger.flush();
      assert.deepEqual(totals.calls.map((c) => [c.seq, c.delta.users[0].turns]), [[1, 2], [2, 1]]);
      assert.equal(await teamTurns(ledger, 'alice'), 3, 'counted once after it was added');
    } finally {
      await ledger.stop();
    }
  });

  it('retries a failed addition unchanged, so counts are late but never lost or doubled, and stopping adds what is left', async () => {
    const { totals, r, ledger } = ledgerOverLossyTotals();
    turnFor(r, 'bob');
    totals.mode = 'lose reply';
    await ledger.flush();
    turnFor(r, 'bob');
    totals.mode = 'refuse';
    await ledger.flush();
    totals.mode = 'ok';
    await ledger.flush();
    assert.deepEqual(
      totals.calls.map((c) => [c.seq, c.delta.users[0].turns]),
      [[1, 1], [1, 1], [1, 1]],
      'the same addition each time, though a turn was counted since',
    );
    await ledger.flush();
    assert.deepEqual(totals.calls.at(-1)!.seq, 2);
    assert.equal(await teamTurns(ledger, 'bob'), 2, 'the addition whose reply was lost counted once');
    turnFor(r, 'bob');
    await ledger.stop();
    assert.equal(snapshotOf([(await totals.read(10_000)).activity], Date.now()).users[0].turns, 3, 'stopping added the last turn');
  });

  it("shows this replica's figures, and says why, when the totals cannot be read", async () => {
    const { totals, r, ledger } = ledgerOverLossyTotals();
    try {
      turnFor(r, 'carol');
      totals.mode = 'unreadable';
      const history = await ledger.read();
      assert.match(history.unavailable ?? '', /^Only this replica is counted: the shared state store cannot be read \(connection refused\)\.$/);
      assert.equal(history.since, undefined);
      assert.equal(snapshotOf(history.parts, Date.now()).users[0].turns, 1);
    } finally {
      totals.mode = 'ok';
      await ledger.stop();
    }
  });
});

describe('admin page: admin key and sessions', () => {
  const KEY = 'hearth_admin-key-0123456789abcdefghijklmnopqrstuv';

  it('signs in with the admin key only, and a session is a random id that can be ended', async () => {
    const auth = new AdminAuth(sha256Hash(KEY), createMemoryState());
    assert.deepEqual(await auth.login('hearth_developer-key', '10.0.0.1'), { ok: false });
    const ok = await auth.login(KEY, '10.0.0.1');
    assert.ok(ok.ok);
    assert.ok(await auth.hasSession(ok.sessionId));
    assert.ok(!(await auth.hasSession(KEY)), 'the key itself is not a session id');
    assert.ok(!(await auth.hasSession(undefined)));
    assert.ok(!(await auth.hasSession(`${ok.sessionId}x`)));
    await auth.logout(ok.sessionId);
    assert.ok(!(await auth.hasSession(ok.sessionId)));
  });

  it('sessions expire', async () => {
    const c = clock();
    const auth = new AdminAuth(sha256Hash(KEY), createMemoryState(c.now));
    const ok = await auth.login(KEY, '10.0.0.1');
    assert.ok(ok.ok);
    c.advance(11 * 3_600_000);
    assert.ok(await auth.hasSession(ok.sessionId), 'still signed in after 11 hours');
    c.advance(2 * 3_600_000);
    assert.ok(!(await auth.hasSession(ok.sessionId)));
  });

  it('a session started through one replica works through another sharing its state, and signing out through either ends it for both', async () => {
    const state = createMemoryState();
    const [a, b] = [new AdminAuth(sha256Hash(KEY), state), new AdminAuth(sha256Hash(KEY), state)];
    const signedIn = await a.login(KEY, '10.0.0.1');
    assert.ok(signedIn.ok);
    assert.ok(await b.hasSession(signedIn.sessionId));
    await b.logout(signedIn.sessionId);
    assert.ok(!(await a.hasSession(signedIn.sessionId)), 'signed out everywhere');
  });

  it('the store never sees a session id, only its SHA-256', async () => {
    const state = createMemoryState();
    const seen: string[] = [];
    const sessions = state.adminSessions;
    const recording: AdminSessionStore = {
      start(hash, ttl, max) {
        seen.push(hash);
        return sessions.start(hash, ttl, max);
      },
      isAlive(hash) {
        seen.push(hash);
        return sessions.isAlive(hash);
      },
      end(hash) {
        seen.push(hash);
        return sessions.end(hash);
      },
    };
    const auth = new AdminAuth(sha256Hash(KEY), { throttle: state.throttle, adminSessions: recording });
    const signedIn = await auth.login(KEY, '10.0.0.1');
    assert.ok(signedIn.ok);
    await auth.hasSession(signedIn.sessionId);
    await auth.logout(signedIn.sessionId);
    const hash = createHash('sha256').update(signedIn.sessionId).digest('hex');
    assert.deepEqual(seen, [hash, hash, hash]);
  });

  it('keeps at most 64 sessions: the 65th sign-in ends the oldest', async () => {
    const c = clock();
    const auth = new AdminAuth(sha256Hash(KEY), createMemoryState(c.now));
    const ids: string[] = [];
    for (let i = 0; i < 65; i++) {
      const o = await auth.login(KEY, '10.0.0.1');
      assert.ok(o.ok, `sign-in ${i}`);
      ids.push(o.sessionId);
      c.advance(1000);
    }
    assert.ok(!(await auth.hasSession(ids[0])), 'the oldest session ended');
    for (const id of ids.slice(1)) assert.ok(await auth.hasSession(id));
  });

  it('blocks an address after five failed sign-ins, without checking its guesses, until the window passes', async () => {
    const c = clock();
    const auth = new AdminAuth(sha256Hash(KEY), createMemoryState(c.now));
    for (let i = 0; i < 4; i++) assert.deepEqual(await auth.login(`wrong-${i}`, '10.0.0.9'), { ok: false });
    const fifth = await auth.login('wrong-4', '10.0.0.9');
    assert.ok(!fifth.ok && fifth.retryAfterMs! > 0);
    const right = await auth.login(KEY, '10.0.0.9');
    assert.ok(!right.ok && right.retryAfterMs! > 0, 'even the right key waits while the address is blocked');
    assert.ok((await auth.login(KEY, '10.0.0.10')).ok, 'other addresses are not blocked');
    c.advance(5 * 60_000 + 1);
    assert.ok((await auth.login(KEY, '10.0.0.9')).ok);
  });

  it('after a block, one more guess comes back each minute: five in five minutes, never more', async () => {
    const c = clock();
    const auth = new AdminAuth(sha256Hash(KEY), createMemoryState(c.now));
    for (let i = 0; i < 5; i++) await auth.login(`wrong-${i}`, '10.0.0.9');
    const blocked = await auth.login(KEY, '10.0.0.9');
    assert.ok(!blocked.ok && blocked.retryAfterMs! > 59_000 && blocked.retryAfterMs! <= 60_000, JSON.stringify(blocked));
    c.advance(60_000);
    const again = await auth.login('wrong-5', '10.0.0.9');
    assert.ok(!again.ok && again.retryAfterMs! > 59_000, 'one guess, checked and wrong, and the address waits another minute');
    c.advance(30_000);
    assert.ok(!(await auth.login(KEY, '10.0.0.9')).ok, 'half a minute later it still waits');
  });

  it("a right key gives its count back: a script that polls with the key is never blocked, and the admin's own mistakes still count", async () => {
    const auth = new AdminAuth(sha256Hash(KEY), createMemoryState());
    for (let i = 0; i < 4; i++) await auth.checkKey(`wrong-${i}`, '10.0.0.9');
    for (let i = 0; i < 20; i++) assert.deepEqual(await auth.checkKey(KEY, '10.0.0.9'), { ok: true }, `poll ${i}`);
    const fifth = await auth.checkKey('wrong-4', '10.0.0.9');
    assert.ok(!fifth.ok && fifth.retryAfterMs! > 0, 'the fifth failure blocks');
  });

  it('counts a burst of parallel guesses before checking them, so a slow (scrypt) key check lets no more than five through', async () => {
    const auth = new AdminAuth(await scryptHash(KEY, 1024), createMemoryState());
    const guesses = [...Array.from({ length: 39 }, (_, i) => `wrong-${i}`), KEY];
    const outcomes = await Promise.all(guesses.map((g) => auth.login(g, '10.0.0.9')));
    assert.equal(outcomes.at(-1)!.ok, false, 'the right key, guessed 40th in the burst, is not let in');
    assert.ok(outcomes.every((o) => !o.ok));
    assert.ok(outcomes.filter((o) => !o.ok && o.retryAfterMs !== undefined).length >= 35, 'all but the first few are told to wait');
  });

  it('in memory, tracks a bounded number of addresses: a flood from many evicts the oldest record, not the memory', async () => {
    const c = clock();
    const throttle = new RateLimiter(1, c.now, { periodMs: 60_000, maxKeys: 2 });
    assert.equal(await throttle.take('10.0.0.1'), 0);
    assert.ok((await throttle.take('10.0.0.1')) > 0);
    await throttle.take('10.0.0.2');
    await throttle.take('10.0.0.3');
    assert.equal(await throttle.waitFor('10.0.0.1'), 0, 'the oldest address was forgotten');
    assert.ok((await throttle.waitFor('10.0.0.3')) > 0);
  });

  it('refuses everything when the shared state store cannot be reached: no sign-in, no session, no key', async () => {
    const down = async (): Promise<never> => {
      throw new Error('connection refused');
    };
    const unreachable: Pick<SharedState, 'adminSessions' | 'throttle'> = {
      adminSessions: { start: down, isAlive: down, end: down },
      throttle: () => ({ take: down, waitFor: down, giveBack: down }),
    };
    const auth = new AdminAuth(sha256Hash(KEY), unreachable);
    for (const attempt of [() => auth.login(KEY, '10.0.0.1'), () => auth.checkKey(KEY, '10.0.0.1'), () => auth.hasSession('some-session-id'), () => auth.logout('some-session-id')]) {
      await assert.rejects(attempt(), (err: Error) => err instanceof AdminStoreUnavailable && /cannot reach its shared state store \(Redis\), and it lets nobody in/.test(err.message));
    }
  });
});

describe('language server: suggestion reporter', () => {
  it('batches counts per language into one report after the delay', async () => {
    const sent: LanguageCounts[][] = [];
    const reporter = new SuggestionReporter({ send: async (b) => void sent.push(b), delayMs: 30 });
    reporter.shown('typescript');
    reporter.shown('typescript');
    reporter.accepted('typescript');
    reporter.shown('python');
    assert.equal(sent.length, 0, 'nothing is sent at once');
    await until(() => sent.length === 1, 'one report', 5000);
    assert.deepEqual(sent[0], [
      { language: 'typescript', shown: 2, accepted: 1 },
      { language: 'python', shown: 1, accepted: 0 },
    ]);
    reporter.dispose();
  });

  it('keeps the counts of a failed report for the next one', async () => {
    const sent: LanguageCounts[][] = [];
    let fail = true;
    const reporter = new SuggestionReporter({
      send: async (b) => {
        if (fail) {
          fail = false;
          throw new Error('UNAVAILABLE');
        }
        sent.push(b);
      },
      delayMs: 20,
    });
    reporter.shown('go');
    await until(() => !fail, 'the failed attempt', 5000);
    reporter.accepted('go');
    await until(() => sent.length === 1, 'the retried report', 5000);
    assert.deepEqual(sent[0], [{ language: 'go', shown: 1, accepted: 1 }]);
    reporter.dispose();
  });

  it('sends counts kept through many failed reports over several reports the server takes, losing none', async () => {
    const sent: LanguageCounts[][] = [];
    let fail = true;
    const reporter = new SuggestionReporter({
      send: async (b) => {
        if (fail) throw new Error('UNAVAILABLE');
        // What the team server checks: at most 1,000 shown and 1,000 accepted per report.
        assert.ok(b.reduce((n, e) => n + e.shown, 0) <= 1000 && b.reduce((n, e) => n + e.accepted, 0) <= 1000, JSON.stringify(b));
        sent.push(b);
      },
      delayMs: 60_000,
    });
    for (let i = 0; i < 1500; i++) reporter.shown('go');
    for (let i = 0; i < 700; i++) reporter.shown('rust');
    for (let i = 0; i < 1200; i++) reporter.accepted('rust');
    await reporter.flush();
    fail = false;
    while (sent.length < 10) {
      const before = sent.length;
      await reporter.flush();
      if (sent.length === before) break;
    }
    const total = (language: string, field: 'shown' | 'accepted') => sent.flat().filter((e) => e.language === language).reduce((n, e) => n + e[field], 0);
    assert.deepEqual([total('go', 'shown'), total('rust', 'shown'), total('rust', 'accepted')], [1500, 700, 1200]);
    assert.equal(sent.length, 3);
    reporter.dispose();
  });
});

describe('admin page: configuration', () => {
  const load = (argv: string[], env: NodeJS.ProcessEnv = {}) => loadServerConfig({ args: parseArgs(argv), env, readFile: () => '' });

  it('is off by default, and on needs the admin key hash and the metrics port', () => {
    assert.deepEqual(load([]).config.admin, { enabled: false, keyHash: '', hosts: '', trustedProxies: '' });
    assert.throws(() => load(['--admin']), (err: ConfigError) => /admin\.key_hash/.test(err.message));
    assert.throws(() => load(['--admin', '--admin-key-hash', 'hearth_the-key-itself']), (err: ConfigError) => /admin\.key_hash/.test(err.message));
    assert.throws(() => load(['--admin', '--admin-key-hash', sha256Hash('k'), '--metrics-port', '-1']), (err: ConfigError) => /metrics port/.test(err.message));
    const { config, warnings } = load([], { HEARTH_ADMIN: 'true', HEARTH_ADMIN_KEY_HASH: sha256Hash('k') });
    assert.deepEqual(config.admin, { enabled: true, keyHash: sha256Hash('k'), hosts: '', trustedProxies: '' });
    assert.deepEqual(warnings, []);
  });

  it('takes trusted proxies as addresses and CIDR ranges, and refuses anything else by name', () => {
    assert.equal(load(['--admin-trusted-proxies', '10.0.0.0/8, 127.0.0.1,fd00::/8']).config.admin.trustedProxies, '10.0.0.0/8, 127.0.0.1,fd00::/8');
    for (const bad of ['proxy.internal', '10.0.0.0/33', '10.0.0.0/8/1', '10.0.0.0/x']) {
      assert.throws(() => load(['--admin-trusted-proxies', bad]), (err: ConfigError) => /admin\.trusted_proxies: ".*" is not an IP address or a CIDR range/.test(err.message), bad);
    }
  });

  it('warns when the page would be served over plain HTTP beyond this machine', () => {
    const { warnings } = load(['--admin', '--admin-key-hash', sha256Hash('k'), '--metrics-host', '0.0.0.0']);
    assert.ok(warnings.some((w) => /admin page is served over plain HTTP on 0\.0\.0\.0/.test(w)), JSON.stringify(warnings));
  });
});
