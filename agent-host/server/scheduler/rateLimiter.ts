/**
 * Per-key token buckets ("30 chat turns per minute", "5 failed admin
 * sign-ins per 5 minutes"). A bucket holds one period's allowance and
 * refills continuously, so short bursts are fine and sustained overuse is
 * told exactly when it may continue. This class keeps the buckets in memory
 * (one server); replicas share them through `state/redisState.ts`, which runs
 * the same arithmetic in Redis (TAKE_TOKEN in `state/redisScripts.ts`).
 */
export interface RateLimit {
  /** 0 when allowed (and counted), otherwise the milliseconds until one more is allowed. */
  take(key: string): Promise<number>;
}

/**
 * A bucket of failures that may be looked at and given back to: the admin
 * page's sign-in throttle counts a guess before the slow key check (so a
 * parallel burst is counted before any of it is checked) and gives the
 * count back when the key turned out right.
 */
export interface Throttle extends RateLimit {
  /** What `take` would answer, without taking anything. */
  waitFor(key: string): Promise<number>;
  /** Returns one token taken for `key` (never beyond the allowance). */
  giveBack(key: string): Promise<void>;
}

export interface RateLimiterOptions {
  /** The period over which `allowance` tokens refill; a minute unless given. */
  periodMs?: number;
  /**
   * At most this many keys are kept; a new key beyond it evicts the oldest,
   * so a flood from many addresses costs a record each, not the server's memory.
   */
  maxKeys?: number;
}

export class RateLimiter implements Throttle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly periodMs: number;
  private readonly maxKeys: number;

  constructor(private readonly allowance: number, private readonly now: () => number = Date.now, options: RateLimiterOptions = {}) {
    this.periodMs = options.periodMs ?? 60_000;
    this.maxKeys = options.maxKeys ?? Infinity;
  }

  async take(key: string): Promise<number> {
    if (this.allowance <= 0) return 0;
    const b = this.refill(key);
    if (!this.buckets.has(key) && this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return this.waitOf(b.tokens);
  }

  async waitFor(key: string): Promise<number> {
    if (this.allowance <= 0) return 0;
    const tokens = this.refill(key).tokens;
    return tokens >= 1 ? 0 : this.waitOf(tokens);
  }

  async giveBack(key: string): Promise<void> {
    const b = this.buckets.get(key);
    if (!b) return;
    b.tokens = Math.min(this.allowance, this.refill(key).tokens + 1);
    b.at = this.now();
    // A full bucket is the same as none: dropping it keeps the map to the keys that are limited.
    if (b.tokens >= this.allowance) this.buckets.delete(key);
  }

  /** The bucket of `key` as it stands now (a new one is full); not stored. */
  private refill(key: string): { tokens: number; at: number } {
    const now = this.now();
    const b = this.buckets.get(key);
    if (!b) return { tokens: this.allowance, at: now };
    b.tokens = Math.min(this.allowance, b.tokens + (now - b.at) * (this.allowance / this.periodMs));
    b.at = now;
    return b;
  }

  private waitOf(tokens: number): number {
    return Math.ceil((1 - tokens) / (this.allowance / this.periodMs));
  }
}
