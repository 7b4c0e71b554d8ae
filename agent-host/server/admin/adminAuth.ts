/**
 * Who may see the admin page: whoever holds the admin key. The key is stored
 * as a hash (like API keys) and compared in constant time through the same
 * ApiKeyStore. A browser signs in once with a form and gets a random session
 * id in an HttpOnly, SameSite=Strict cookie, so the key never sits in a URL,
 * in the page or in script reach; scripts may send the key itself in an
 * `Authorization: Bearer` header instead. Failed sign-ins are limited per
 * address, and while an address is blocked its guesses are not even checked.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiKeyStore } from '../auth/apiKeys';

export const ADMIN_COOKIE = 'hearth_admin';
/** A signed-in browser stays signed in this long (a working day). */
const SESSION_TTL_MS = 12 * 3_600_000;
const MAX_SESSIONS = 64;
/** Failed sign-ins allowed per address within the window, before it must wait. */
const FAILURES_ALLOWED = 5;
const FAILURE_WINDOW_MS = 5 * 60_000;
const MAX_TRACKED_ADDRESSES = 10_000;

export type LoginOutcome = { ok: true; sessionId: string; maxAgeSeconds: number } | { ok: false; retryAfterMs?: number };

export class AdminAuth {
  private readonly key: ApiKeyStore;
  private readonly sessions = new Map<string, number>();
  private readonly failures = new Map<string, number[]>();

  constructor(keyHash: string, private readonly now: () => number = Date.now) {
    this.key = new ApiKeyStore([{ user: 'admin', hash: keyHash }]);
  }

  /** Milliseconds until `address` may try again, or 0. */
  blockedFor(address: string): number {
    const recent = this.recentFailures(address);
    return recent.length >= FAILURES_ALLOWED ? recent[0] + FAILURE_WINDOW_MS - this.now() : 0;
  }

  /** Checks a presented key; counts a failure against `address`. */
  async checkKey(presented: string, address: string): Promise<boolean> {
    if (this.blockedFor(address) > 0) return false;
    // Counted as a failure before the check, which may take a while (scrypt runs off the main thread):
    // otherwise a burst of parallel guesses would all be checked before the first failure was counted.
    // Addresses are bounded too: a flood from many addresses evicts the oldest record, not the server's memory.
    if (!this.failures.has(address) && this.failures.size >= MAX_TRACKED_ADDRESSES) this.failures.delete(this.failures.keys().next().value as string);
    const stamp = this.now();
    this.failures.set(address, [...this.recentFailures(address), stamp]);
    const ok = (await this.key.verify(presented)) !== undefined;
    if (ok) {
      const recent = this.recentFailures(address);
      const at = recent.indexOf(stamp);
      if (at >= 0) recent.splice(at, 1);
      if (recent.length === 0) this.failures.delete(address);
    }
    return ok;
  }

  async login(presented: string, address: string): Promise<LoginOutcome> {
    const wait = this.blockedFor(address);
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    if (!(await this.checkKey(presented, address))) {
      const after = this.blockedFor(address);
      return after > 0 ? { ok: false, retryAfterMs: after } : { ok: false };
    }
    this.prune();
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
    const sessionId = randomBytes(32).toString('base64url');
    this.sessions.set(sessionId, this.now() + SESSION_TTL_MS);
    return { ok: true, sessionId, maxAgeSeconds: SESSION_TTL_MS / 1000 };
  }

  /** Whether a cookie's session id is a live session; compared in constant time against each. */
  hasSession(sessionId: string | undefined): boolean {
    if (!sessionId) return false;
    const presented = Buffer.from(sessionId);
    const now = this.now();
    let found = false;
    for (const [id, expires] of this.sessions) {
      const candidate = Buffer.from(id);
      if (candidate.length === presented.length && timingSafeEqual(candidate, presented) && expires > now) found = true;
    }
    return found;
  }

  logout(sessionId: string | undefined): void {
    if (sessionId) this.sessions.delete(sessionId);
  }

  private recentFailures(address: string): number[] {
    const since = this.now() - FAILURE_WINDOW_MS;
    const recent = (this.failures.get(address) ?? []).filter((t) => t > since);
    if (recent.length === 0) this.failures.delete(address);
    else this.failures.set(address, recent);
    return recent;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, expires] of this.sessions) if (expires <= now) this.sessions.delete(id);
  }
}
