/**
 * The state that replicas of the team server must share: refresh-token
 * families, sign-in throttling, per-user rate limits, each backend's
 * concurrency slots and the admin page's sign-in sessions. One server keeps it in memory (`memoryState.ts`, the
 * default); replicas keep it in Redis or Valkey (`redisState.ts`), so no
 * replica holds anything another one needs. Every method is asynchronous
 * because the shared implementation is a network round trip.
 */
import type { ActivityRaw } from '../admin/activityRecorder';
import type { RateLimit, Throttle } from '../scheduler/rateLimiter';

export type RotateOutcome =
  | { ok: true; user: string }
  /**
   * The token is the one rotated a moment ago (within the reuse window): a
   * client retrying a refresh whose reply was lost. It gets a sibling of the
   * current token (same jti) instead of a revoked sign-in.
   */
  | { ok: true; user: string; replayOf: string }
  | { ok: false; reason: 'unknown' | 'revoked' | 'reused' };

/**
 * What the store knows of a family: started and not revoked, revoked, or
 * nothing (never started, expired with its last refresh token, or lost with
 * the store's data, as by a Redis restart without persistence).
 */
export type FamilyStanding = 'current' | 'revoked' | 'unknown';

/** Refresh-token families: each token may be used once; reuse revokes the family. */
export interface RefreshFamilyStore {
  start(familyId: string, user: string, jti: string, expiresAt: number): Promise<void>;
  /**
   * Accepts `jti` once and moves the family on to `nextJti`. The token
   * rotated last is accepted again for `reuseWindowMs` after its rotation
   * (answered with `replayOf`, the current jti); any other stale token revokes
   * the family.
   */
  rotate(familyId: string, jti: string, nextJti: string, expiresAt: number, reuseWindowMs: number): Promise<RotateOutcome>;
  isRevoked(familyId: string): Promise<boolean>;
  standing(familyId: string): Promise<FamilyStanding>;
  revokeUser(user: string): Promise<void>;
}

/** A global slot on a backend, held while one model request runs. */
export interface SlotLease {
  /** Frees the slot; safe to call more than once. */
  release(): void;
}

/**
 * Concurrency slots per backend shared by every replica (a distributed
 * counting semaphore). Leases expire unless their holder renews them, so a
 * replica that dies frees its slots.
 */
export interface GlobalSlots {
  /**
   * Takes a slot when fewer than `limit` are held; `held` is the number held
   * afterwards (this one included), undefined when none was free.
   */
  tryAcquire(backendId: string, limit: number): Promise<{ lease: SlotLease; held: number } | undefined>;
}

/**
 * What each replica shows on its admin page, published for the others, so
 * that the page of any replica shows the whole team. A view is a JSON text;
 * readers check it as they would anything from outside.
 */
export interface ReplicaViews {
  /** Stores this replica's view; readers drop it once `ttlMs` passes without a newer one. */
  publish(replicaId: string, view: string, ttlMs: number): Promise<void>;
  /** The current view of every replica that published one. */
  read(): Promise<string[]>;
  /** Takes this replica's view away (it is stopping). */
  withdraw(replicaId: string): Promise<void>;
}

/**
 * The team's usage that outlives any replica (the admin page's per-user
 * usage, acceptance per language and plotted history): each replica adds
 * what it counted since its last call, every few seconds, so a replica that
 * is scaled away or dies takes at most those seconds with it.
 */
export interface UsageTotals {
  /**
   * Adds `delta`. `writer` is unique to this process; a call retried with
   * the same `seq` (its reply was lost) counts once. Series buckets before
   * `keep.oldestBucket` are dropped, and the series goes after `keep.ttlMs`
   * without an addition.
   */
  add(writer: string, seq: number, delta: ActivityRaw, keep: { oldestBucket: number; ttlMs: number }): Promise<void>;
  /** The totals (runningTurns is 0: what runs now is in each replica's view), and when counting began (undefined before anything was added). */
  read(bucketMs: number): Promise<{ since: number | undefined; activity: ActivityRaw }>;
}

/**
 * The admin page's browser sessions, so a browser signed in through one
 * replica is signed in at all of them and signing out ends it everywhere.
 * A session is named by a hash of its id (AdminAuth hashes it): the store,
 * and whoever can read Redis, never holds an id a browser could present.
 */
export interface AdminSessionStore {
  /** Starts a session that ends after `ttlMs`; when `max` are alive, the oldest ends to make room. */
  start(hash: string, ttlMs: number, max: number): Promise<void>;
  /** Whether the session is alive (started, not ended, not expired). */
  isAlive(hash: string): Promise<boolean>;
  /** Ends the session; ending one that is not alive does nothing. */
  end(hash: string): Promise<void>;
}

export interface SharedState {
  /** "memory" or "redis at host:port": for the start-up log. */
  readonly description: string;
  readonly families: RefreshFamilyStore;
  /** A per-key token bucket named `name` ("chat", "completion", "sign-in failures"). */
  rateLimit(name: string, perMinute: number): RateLimit;
  /**
   * A per-key token bucket named `name` of `allowance` tokens refilling over
   * `periodMs`, that can also be looked at and given back to: the admin
   * page's failed sign-ins per address.
   */
  throttle(name: string, allowance: number, periodMs: number): Throttle;
  readonly adminSessions: AdminSessionStore;
  /** Undefined in memory: one process's scheduler already knows every slot. */
  readonly slots?: GlobalSlots;
  /** Undefined in memory: one process is the whole team. */
  readonly views?: ReplicaViews;
  /** Undefined in memory: the recorder in this process is the whole history. */
  readonly usage?: UsageTotals;
  /** Called with false while the store cannot be reached, and true when it can again. */
  onAvailability(listener: (available: boolean) => void): void;
  close(): Promise<void>;
}
