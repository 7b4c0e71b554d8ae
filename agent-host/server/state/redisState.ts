/**
 * Shared state in Redis or Valkey, for replicas of the team server. Every
 * change is one Lua script (redisScripts.ts), atomic in Redis, so two
 * replicas never race a read against a write.
 *
 * What a replica trusts: Redis says whether a refresh token is current,
 * whether a family is revoked and whether an admin page session is alive,
 * nothing more. Who a caller is always comes from a token signed with the
 * server's keys (Redis holds no keys, no tokens and no session ids, only
 * their hashes), and a family whose user differs from the token's is
 * refused. Whoever can write to Redis could still un-revoke a sign-in or
 * start an admin session of their own, which is why Redis must be private.
 *
 * When Redis cannot be reached, nothing falls back to this process's memory
 * (a replica that did would accept a revoked token, or a reused one): auth
 * fails closed with UNAVAILABLE and a message, the admin page with 503, and
 * the outage is logged once when it starts and once when it ends.
 */
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import Redis from 'ioredis';
import type { Logger } from '../ops/logger';
import type { RateLimit, Throttle } from '../scheduler/rateLimiter';
import { ServiceFailure } from '../services/serviceFailure';
import { ACQUIRE_SLOT, ADD_USAGE, RENEW_SLOT, REVOKE_FAMILY, ROTATE_FAMILY, START_ADMIN_SESSION, START_FAMILY, TAKE_TOKEN } from './redisScripts';
import { MAX_LANGUAGE_FIELDS, MAX_USER_FIELDS, usageEntries, usageFromHashes } from './redisUsage';
import type { AdminSessionStore, GlobalSlots, RefreshFamilyStore, ReplicaViews, RotateOutcome, SharedState, SlotLease, UsageTotals } from './sharedState';

export interface RedisStateOptions {
  /** redis://host:port/db or rediss:// (TLS). May carry a password; never logged. */
  url: string;
  /** Overrides the URL's password (from a Secret, through HEARTH_REDIS_PASSWORD). */
  password?: string;
  /** Prepended to every key, so several Hearth servers can share one Redis. */
  keyPrefix: string;
  /** How long a backend slot stays held without renewal (a replica that died frees its slots after this). */
  slotLeaseTtlMs: number;
  logger: Logger;
  /** How long start-up waits for the first connection. */
  connectTimeoutMs?: number;
}

const SCRIPTS = { hearthRotate: ROTATE_FAMILY, hearthStart: START_FAMILY, hearthRevoke: REVOKE_FAMILY, hearthTake: TAKE_TOKEN, hearthAcquire: ACQUIRE_SLOT, hearthRenew: RENEW_SLOT, hearthAddUsage: ADD_USAGE, hearthStartAdminSession: START_ADMIN_SESSION };
type ScriptName = keyof typeof SCRIPTS;
const SCRIPT_KEYS: Record<ScriptName, number> = { hearthRotate: 1, hearthStart: 2, hearthRevoke: 1, hearthTake: 1, hearthAcquire: 1, hearthRenew: 1, hearthAddUsage: 5, hearthStartAdminSession: 2 };

const UNAVAILABLE_MESSAGE =
  "The team server cannot reach its shared state store (Redis), so it cannot check sign-ins or limits right now. Try again in a minute; if it persists, tell the team server's admin.";

/** host:port of a Redis URL, without credentials, for logs. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * Every key here but the usage totals has an expiry, so a Redis that evicts
 * keys when its memory is full (the `volatile-*` policies many managed Redis
 * services default to, or `allkeys-*`) would drop live ones silently: backend
 * slot leases (the backends then run more than max_concurrency), refresh
 * families (developers signed out, and revocations forgotten), rate limits
 * and admin sessions. `noeviction` refuses writes instead, which fails
 * closed like an outage; the start-up log says so when the policy is
 * another. A Redis that will not tell (INFO disabled) is not second-guessed.
 */
async function warnIfEvicting(client: Redis, where: string, logger: Logger): Promise<void> {
  const info = await client.info('memory').catch(() => '');
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  if (!policy || policy === 'noeviction') return;
  logger.warn(
    `the shared state store evicts keys when its memory is full (maxmemory-policy ${policy}): it could then drop backend slot leases, sign-ins, revocations and rate limits without a word. Set maxmemory-policy noeviction, so that a full Redis refuses writes and the team server fails closed instead.`,
    { store: where, policy },
  );
}

export async function createRedisState(options: RedisStateOptions): Promise<SharedState> {
  const { logger } = options;
  const where = describeRedisUrl(options.url);
  let lastReadOnlyWarnAt = 0;
  const client = new Redis(options.url, {
    lazyConnect: true,
    keyPrefix: options.keyPrefix,
    ...(options.password ? { password: options.password } : {}),
    // A command while disconnected fails at once (fail closed) instead of waiting in a queue.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    commandTimeout: 3000,
    retryStrategy: (attempt: number) => Math.min(200 * attempt, 2000),
    // After a failover (Sentinel, or a managed Redis whose address moves to the new primary) a connection
    // can stay open to the old primary, now a read-only replica, and every write would then fail for as
    // long as the connection lives. A READONLY reply therefore reopens the connection, which reaches
    // whatever the address names now; the command that met it still fails (closed), and the next works.
    reconnectOnError: (err: Error) => {
      if (!/^READONLY\b/.test(err.message)) return false;
      // Until the address moves, every write meets it again: one warning per 10 s is enough.
      if (Date.now() - lastReadOnlyWarnAt >= 10_000) {
        lastReadOnlyWarnAt = Date.now();
        logger.warn('the shared state store answered as a read-only replica (a failover?); reconnecting to reach the primary', { store: where });
      }
      return 1;
    },
  });
  for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: SCRIPT_KEYS[name as ScriptName], lua });

  const listeners: ((available: boolean) => void)[] = [];
  let available = false;
  let closing = false;
  const setAvailable = (value: boolean, error?: string) => {
    if (value === available || closing) return;
    available = value;
    if (value) logger.info('shared state store reachable', { store: where });
    else logger.error('shared state store unreachable: sign-ins, refreshes and model requests fail with UNAVAILABLE, and the admin page with 503, until it is back', { store: where, error });
    for (const l of listeners) l(value);
  };
  let lastError = '';
  client.on('error', (err: Error) => {
    lastError = err.message;
  });
  client.on('ready', () => setAvailable(true));
  client.on('close', () => setAvailable(false, lastError || 'connection closed'));

  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    const reason = (lastError || (err as Error).message).replace(/\.$/, '');
    throw new Error(`Cannot connect to the shared state store at ${where} (state.redis_url): ${reason}. Check the URL, the password and that Redis is running.`);
  }
  setAvailable(true);
  await warnIfEvicting(client, where, logger);

  // During an outage every RPC fails; one warning per 10 s (with the count) keeps the log readable.
  let lastWarnAt = 0;
  let unwarned = 0;
  const failed = (command: string, err: unknown): ServiceFailure => {
    unwarned++;
    const now = Date.now();
    if (now - lastWarnAt >= 10_000) {
      logger.warn('shared state store command failed; the call was refused with UNAVAILABLE', { store: where, command, error: (err as Error).message, failuresSinceLastWarning: unwarned });
      lastWarnAt = now;
      unwarned = 0;
    }
    return new ServiceFailure(status.UNAVAILABLE, UNAVAILABLE_MESSAGE);
  };
  const script = (name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> => {
    const fn = (client as unknown as Record<ScriptName, (...a: (string | number)[]) => Promise<unknown>>)[name];
    return fn.call(client, ...keys, ...args);
  };
  const run = async (name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> => {
    try {
      return await script(name, keys, args);
    } catch (err) {
      throw failed(name, err);
    }
  };
  const raw = async <T>(what: string, op: () => Promise<T>): Promise<T> => {
    try {
      return await op();
    } catch (err) {
      throw failed(what, err);
    }
  };

  const families: RefreshFamilyStore = {
    async start(familyId, user, jti, expiresAt) {
      await run('hearthStart', [`fam:${familyId}`, `user-fams:${user}`], [user, jti, Math.ceil(expiresAt), familyId]);
    },
    async rotate(familyId, jti, nextJti, expiresAt, reuseWindowMs): Promise<RotateOutcome> {
      const reply = (await run('hearthRotate', [`fam:${familyId}`], [jti, nextJti, Math.ceil(expiresAt), reuseWindowMs])) as string[];
      switch (reply[0]) {
        case 'ok':
          return { ok: true, user: reply[1] };
        case 'replay':
          return { ok: true, user: reply[1], replayOf: reply[2] };
        case 'revoked':
        case 'reused':
        case 'unknown':
          return { ok: false, reason: reply[0] };
        default:
          throw new ServiceFailure(status.UNAVAILABLE, UNAVAILABLE_MESSAGE);
      }
    },
    async isRevoked(familyId) {
      return (await raw('isRevoked', () => client.hget(`fam:${familyId}`, 'revoked'))) === '1';
    },
    async standing(familyId) {
      // Every family is started with its revoked field, so a missing field is a missing family.
      const revoked = await raw('standing', () => client.hget(`fam:${familyId}`, 'revoked'));
      return revoked === null ? 'unknown' : revoked === '1' ? 'revoked' : 'current';
    },
    async revokeUser(user) {
      const ids = await raw('revokeUser', () => client.zrange(`user-fams:${user}`, 0, -1));
      for (const id of ids) await run('hearthRevoke', [`fam:${id}`], []);
    },
  };

  const rateLimit = (name: string, perMinute: number): RateLimit => ({
    async take(key) {
      if (perMinute <= 0) return 0;
      return Number(await run('hearthTake', [`rate:${name}:${key}`], [perMinute, 60_000, 1]));
    },
  });

  // The same buckets as the rate limits, under their own name: one script counts both.
  const throttle = (name: string, allowance: number, periodMs: number): Throttle => ({
    async take(key) {
      return Number(await run('hearthTake', [`rate:${name}:${key}`], [allowance, periodMs, 1]));
    },
    async waitFor(key) {
      return Number(await run('hearthTake', [`rate:${name}:${key}`], [allowance, periodMs, 0]));
    },
    async giveBack(key) {
      await run('hearthTake', [`rate:${name}:${key}`], [allowance, periodMs, -1]);
    },
  });

  // A session is a key of its own whose expiry is the session's, named by the session's hash
  // (never its id), and an entry in an index that bounds how many are alive.
  const SESSIONS_INDEX = 'admin:sessions';
  const SESSION_KEY = 'admin:session:';
  const adminSessions: AdminSessionStore = {
    async start(hash, ttlMs, max) {
      await run('hearthStartAdminSession', [SESSIONS_INDEX, SESSION_KEY], [hash, Math.max(1, Math.ceil(ttlMs)), max]);
    },
    async isAlive(hash) {
      return (await raw('adminSession', () => client.exists(SESSION_KEY + hash))) === 1;
    },
    async end(hash) {
      await raw('endAdminSession', () => client.multi().del(SESSION_KEY + hash).zrem(SESSIONS_INDEX, hash).exec());
    },
  };

  // Leases this replica holds, renewed together well before they expire, and at once whenever the
  // connection comes back: a Redis that restarted without its data has forgotten them, and until they
  // are held again another replica could fill the backend beside the requests still running here.
  const replicaId = randomUUID();
  let leaseSeq = 0;
  const leases = new Map<string, string>();
  const renewEveryMs = Math.max(500, Math.floor(options.slotLeaseTtlMs / 3));
  const renewAll = () => {
    if (closing) return;
    for (const [holder, key] of leases) {
      run('hearthRenew', [key], [holder, options.slotLeaseTtlMs]).then(
        (kept) => {
          if (Number(kept) === 0 && leases.has(holder)) {
            logger.warn('a backend slot lease was gone before its request ended (Redis restarted without its data, or was out of reach longer than the lease); it is held again, and the backend may have run more than max_concurrency meanwhile', { key });
          }
        },
        () => undefined,
      );
    }
  };
  const renewTimer = setInterval(renewAll, renewEveryMs);
  renewTimer.unref();
  client.on('ready', renewAll);

  // A key per replica that Redis expires itself (so replicas' clocks never matter, as for every
  // other lease here), and a set naming them; readers drop the names whose key has expired, so a
  // replica that died leaves nothing behind.
  const VIEWS_SET = 'admin:replicas';
  const viewKey = (replicaId: string) => `admin:view:${replicaId}`;
  const views: ReplicaViews = {
    async publish(replicaId, view, ttlMs) {
      await client.multi().set(viewKey(replicaId), view, 'PX', ttlMs).sadd(VIEWS_SET, replicaId).exec();
    },
    async read() {
      const ids = await client.smembers(VIEWS_SET);
      if (ids.length === 0) return [];
      const texts = await client.mget(...ids.map(viewKey));
      const gone = ids.filter((_, i) => texts[i] === null);
      if (gone.length > 0) await client.srem(VIEWS_SET, ...gone).catch(() => 0);
      return texts.filter((t): t is string => t !== null);
    },
    async withdraw(replicaId) {
      await client.multi().del(viewKey(replicaId)).srem(VIEWS_SET, replicaId).exec();
    },
  };

  // The team's usage totals (redisUsage.ts has the layout). They never expire (a usage report
  // covers months), except the series, which spans the plot and goes when nobody adds to it.
  // Like the views, these are the admin page's, not a call's: a failure is the caller's to report.
  const USAGE = { users: 'admin:usage:users', languages: 'admin:usage:languages', series: 'admin:usage:series', since: 'admin:usage:since' };
  const usage: UsageTotals = {
    async add(writer, seq, delta, keep) {
      const keys = [USAGE.users, USAGE.languages, USAGE.series, USAGE.since, `admin:usage:writer:${writer}`];
      await script('hearthAddUsage', keys, [seq, JSON.stringify(usageEntries(delta)), keep.oldestBucket, Math.max(1, Math.ceil(keep.ttlMs)), MAX_USER_FIELDS, MAX_LANGUAGE_FIELDS]);
    },
    async read(bucketMs) {
      const [users, languages, series, since] = await Promise.all([client.hgetall(USAGE.users), client.hgetall(USAGE.languages), client.hgetall(USAGE.series), client.get(USAGE.since)]);
      const began = Number(since);
      return { since: since !== null && Number.isFinite(began) && began > 0 ? began : undefined, activity: usageFromHashes(users, languages, series, bucketMs) };
    },
  };

  const slots: GlobalSlots = {
    async tryAcquire(backendId, limit) {
      const holder = `${replicaId}:${++leaseSeq}`;
      const key = `slots:${backendId}`;
      const held = Number(await run('hearthAcquire', [key], [holder, limit, options.slotLeaseTtlMs]));
      if (held < 0) return undefined;
      leases.set(holder, key);
      const lease: SlotLease = {
        release() {
          if (!leases.delete(holder)) return;
          client.zrem(key, holder).catch((err: Error) => logger.warn('could not free a backend slot in the shared state store; it frees itself when its lease expires', { key, error: err.message }));
        },
      };
      return { lease, held };
    },
  };

  return {
    description: `redis at ${where}`,
    families,
    rateLimit,
    throttle,
    adminSessions,
    slots,
    views,
    usage,
    onAvailability: (listener) => void listeners.push(listener),
    async close() {
      closing = true;
      clearInterval(renewTimer);
      // Free what this replica holds so other replicas need not wait for the leases to expire.
      await Promise.allSettled([...leases].map(([holder, key]) => client.zrem(key, holder)));
      leases.clear();
      listeners.length = 0;
      await client.quit().catch(() => client.disconnect());
    },
  };
}
