/**
 * How bunched the developers' turn starts are in bench:server's measured
 * window.
 *
 * Each developer runs turns back to back against a scripted model whose
 * answers all take the same time, so nothing but the server's own delays
 * moves one developer's turns against another's. Developers held up by the
 * same delay are released together and start their next turns together, and
 * a burst of starts then queues behind itself: the tail of the time to first
 * token can come from that bunching rather than from any one slow step.
 * Independent developers would start turns like a Poisson process; this
 * says how far the bench's are from that.
 */
import { percentile } from './percentile';

export interface TurnStartBunching {
  /** The width of the time buckets the starts are counted in. */
  bucketMs: number;
  /** Turn starts per bucket, on average over the window. */
  meanPerBucket: number;
  /**
   * The count's variance over its mean (the index of dispersion): about 1
   * for independent (Poisson) starts, 0 for perfectly even ones, above 1
   * when starts come in bursts.
   */
  dispersion: number;
  /** Starts in the busiest 1 % of buckets, and in the busiest one. */
  p99PerBucket: number;
  maxPerBucket: number;
}

/** Counts `starts` (milliseconds, any origin) in buckets of `bucketMs` from the first to the last. */
export function turnStartBunching(starts: readonly number[], bucketMs: number): TurnStartBunching {
  if (starts.length === 0) return { bucketMs, meanPerBucket: 0, dispersion: 0, p99PerBucket: 0, maxPerBucket: 0 };
  let first = Infinity;
  let last = -Infinity;
  for (const s of starts) {
    first = Math.min(first, s);
    last = Math.max(last, s);
  }
  const counts = new Array<number>(Math.floor((last - first) / bucketMs) + 1).fill(0);
  for (const s of starts) counts[Math.floor((s - first) / bucketMs)]++;
  const mean = starts.length / counts.length;
  const variance = counts.reduce((sum, c) => sum + (c - mean) ** 2, 0) / counts.length;
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return {
    bucketMs,
    meanPerBucket: round2(mean),
    dispersion: round2(variance / mean),
    p99PerBucket: percentile(counts, 99),
    maxPerBucket: percentile(counts, 100),
  };
}
