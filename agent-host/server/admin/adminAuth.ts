/**
 * Who may see the admin page: whoever holds the admin key. The key is stored
 * as a hash (like API keys) and compared in constant time through the same
 * ApiKeyStore. A browser signs in once with a form and gets a random session
 * id in an HttpOnly, SameSite=Strict cookie, so the key never sits in a URL,
 * in the page or in script reach; scripts may send the key itself in an
 * `Authorization: Bearer` header instead. Failed sign-ins are limited per
 * address, and while an address is blocked its guesses are not even checked.
 *
 * Sessions and the failure counts live in the shared state store, so with
 * replicas a browser signed in through one is signed in at all of them,
 * signing out ends the session everywhere, and an address has one budget of
 * guesses for the whole team, not one per replica. When the store cannot be
 * reached nothing can be checked, so everything is refused
 * (AdminStoreUnavailable); nobody is let in on this process's word alone.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ApiKeyStore } from '../auth/apiKeys';
import type { Throttle } from '../scheduler/rateLimiter';
import type { AdminSessionStore, SharedState } from '../state/sharedState';

export const ADMIN_COOKIE = 'hearth_admin';
/** A signed-in browser stays signed in this long (a working day). */
const SESSION_TTL_MS = 12 * 3_600_000;
const MAX_SESSIONS = 64;
/** Failed sign-ins allowed per address (a token bucket: this many at once, then they come back over the window). */
const FAILURES_ALLOWED = 5;
const FAILURE_WINDOW_MS = 5 * 60_000;

export type LoginOutcome = { ok: true; sessionId: string; maxAgeSeconds: number } | { ok: false; retryAfterMs?: number };

/** The shared state store could not be reached, so the admin page cannot check anyone: it refuses (503). */
export class AdminStoreUnavailable extends Error {
  constructor() {
    super('The admin page cannot check sign-ins right now: this team server cannot reach its shared state store (Redis), and it lets nobody in without it. Try again in a minute; if it persists, check Redis and the server log.');
  }
}

/**
 * A session is known to the store only by the SHA-256 of its id. Looking a
 * hash up by key (a Map or a Redis key) is not a constant-time comparison,
 * and need not be: what the timing could reveal is how much of SHA-256 of
 * the presented value matches a stored hash, which says nothing about the id
 * that hashes to it. Whoever reads the store cannot present a hash either:
 * the cookie must carry the id.
 */
function sessionHash(sessionId: string): string {
  return createHash('sha256').update(sessionId, 'utf8').digest('hex');
}

export class AdminAuth {
  private readonly key: ApiKeyStore;
  private readonly sessions: AdminSessionStore;
  private readonly failures: Throttle;

  constructor(keyHash: string, state: Pick<SharedState, 'adminSessions' | 'throttle'>) {
    this.key = new ApiKeyStore([{ user: 'admin', hash: keyHash }]);
    this.sessions = state.adminSessions;
    this.failures = state.throttle('admin-signin-failures', FAILURES_ALLOWED, FAILURE_WINDOW_MS);
  }

  /**
   * Checks a presented key for `address`. While the address is blocked the
   * key is not checked and `retryAfterMs` says for how long.
   */
  async checkKey(presented: string, address: string): Promise<{ ok: boolean; retryAfterMs?: number }> {
    // Counted as a failure before the check, which may take a while (scrypt runs off the main thread):
    // otherwise a burst of parallel guesses would all be checked before the first failure was counted.
    const wait = await this.store(() => this.failures.take(address));
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    if ((await this.key.verify(presented)) !== undefined) {
      // The right key was no failure: its count is given back, so a script that polls with the key is never blocked.
      await this.store(() => this.failures.giveBack(address));
      return { ok: true };
    }
    const after = await this.store(() => this.failures.waitFor(address));
    return after > 0 ? { ok: false, retryAfterMs: after } : { ok: false };
  }

  async login(presented: string, address: string): Promise<LoginOutcome> {
    const checked = await this.checkKey(presented, address);
    if (!checked.ok) return checked.retryAfterMs ? { ok: false, retryAfterMs: checked.retryAfterMs } : { ok: false };
    const sessionId = randomBytes(32).toString('base64url');
    await this.store(() => this.sessions.start(sessionHash(sessionId), SESSION_TTL_MS, MAX_SESSIONS));
    return { ok: true, sessionId, maxAgeSeconds: SESSION_TTL_MS / 1000 };
  }

  /** Whether a cookie's session id names a live session. */
  async hasSession(sessionId: string | undefined): Promise<boolean> {
    if (!sessionId) return false;
    return this.store(() => this.sessions.isAlive(sessionHash(sessionId)));
  }

  async logout(sessionId: string | undefined): Promise<void> {
    if (sessionId) await this.store(() => this.sessions.end(sessionHash(sessionId)));
  }

  /** Runs a store operation; any failure of the store becomes AdminStoreUnavailable (the store logs its own outages). */
  private async store<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch {
      throw new AdminStoreUnavailable();
    }
  }
}
