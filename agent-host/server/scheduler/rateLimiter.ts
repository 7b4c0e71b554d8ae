/**
 * Per-user token buckets ("30 chat turns per minute"). A bucket holds a
 * minute's allowance and refills continuously, so short bursts are fine and
 * sustained overuse is told exactly when it may continue. This class keeps
 * the buckets in memory (one server); replicas share them through
 * `state/redisState.ts`, which runs the same arithmetic in Redis.
 */
export interface RateLimit {
  /** 0 when allowed (and counted), otherwise the milliseconds until one more is allowed. */
  take(key: string): Promise<number>;
}

export class RateLimiter implements RateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  async take(key: string): Promise<number> {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    const ratePerMs = this.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * ratePerMs);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / ratePerMs);
  }
}
