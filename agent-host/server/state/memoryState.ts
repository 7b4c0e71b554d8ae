/**
 * The default shared state: this process's memory. A single team server
 * needs nothing else; its scheduler counts backend slots itself, so there
 * are no global slots here.
 */
import { RefreshFamilies } from '../auth/refreshFamilies';
import { RateLimiter } from '../scheduler/rateLimiter';
import { MemoryAdminSessions } from './memoryAdminSessions';
import type { SharedState } from './sharedState';

/** A throttle keeps at most this many keys (client addresses) in memory; Redis expires them instead. */
const MAX_THROTTLED_KEYS = 10_000;

export function createMemoryState(now: () => number = Date.now): SharedState {
  return {
    description: 'memory (this process only; use state.store: redis for replicas)',
    families: new RefreshFamilies(now),
    rateLimit: (_name, perMinute) => new RateLimiter(perMinute, now),
    throttle: (_name, allowance, periodMs) => new RateLimiter(allowance, now, { periodMs, maxKeys: MAX_THROTTLED_KEYS }),
    adminSessions: new MemoryAdminSessions(now),
    onAvailability: () => undefined,
    close: async () => undefined,
  };
}
