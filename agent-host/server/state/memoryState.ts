/**
 * The default shared state: this process's memory. A single team server
 * needs nothing else; its scheduler counts backend slots itself, so there
 * are no global slots here.
 */
import { RefreshFamilies } from '../auth/refreshFamilies';
import { RateLimiter } from '../scheduler/rateLimiter';
import type { SharedState } from './sharedState';

export function createMemoryState(now: () => number = Date.now): SharedState {
  return {
    description: 'memory (this process only; use state.store: redis for replicas)',
    families: new RefreshFamilies(now),
    rateLimit: (_name, perMinute) => new RateLimiter(perMinute, now),
    onAvailability: () => undefined,
    close: async () => undefined,
  };
}
