/**
 * Turns that arrive independently of each other, for bench:server's
 * `BENCH_ARRIVALS=independent`.
 *
 * The bench's default load is developers who each run turns back to back:
 * a closed loop, in which one delay holds up many developers at once and
 * releases them together, so their next turns start in a burst (see
 * turnStartBunching.ts). People at keyboards do not wait for each other.
 * Here turn starts are a Poisson process at a fixed rate, whatever the
 * server does: the time from one arrival to the next is drawn from an
 * exponential distribution, and a slow server makes more turns overlap
 * instead of making fewer start.
 *
 * Each arrival runs on a signed-in connection that has no turn running;
 * when every connection is busy it waits for the first one to free up, and
 * the caller measures from the scheduled arrival, so that wait (like any
 * lateness of this process's own timers) counts against the server.
 */
import { percentile } from './percentile';

export interface ArrivalOptions {
  /** Mean turn starts a second. */
  ratePerSecond: number;
  /** Turns to start in all. */
  arrivals: number;
  /** Connections to run them on; one turn at a time on each. */
  connections: number;
  /** Uniform numbers in [0, 1); Math.random unless a test fixes the sequence. */
  random?: () => number;
  /** Runs one turn on `connection`; `scheduledAt` is the arrival's time on performance.now()'s clock. */
  turn(connection: number, scheduledAt: number): Promise<void>;
}

export interface ArrivalOutcome {
  arrivals: number;
  ratePerSecond: number;
  /** Turns running at once, averaged over the run's wall time (Little's law: rate times a turn's length), and at most. */
  concurrency: { mean: number; max: number };
  /** Arrivals that found every connection busy and waited for one. */
  waitedForConnection: number;
  /** How late arrivals started against their schedule (this process's timers, and any wait for a connection). */
  startLateMs: { p99: number; max: number };
}

/** Offsets from the start, in milliseconds, of `count` arrivals at `ratePerSecond`: exponential gaps. */
export function arrivalSchedule(ratePerSecond: number, count: number, random: () => number = Math.random): number[] {
  const meanGapMs = 1000 / ratePerSecond;
  const offsets: number[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    // 1 - u is in (0, 1], so the logarithm is finite.
    t += -Math.log(1 - random()) * meanGapMs;
    offsets.push(t);
  }
  return offsets;
}

export async function runIndependentArrivals(options: ArrivalOptions): Promise<ArrivalOutcome> {
  const schedule = arrivalSchedule(options.ratePerSecond, options.arrivals, options.random);
  const free = Array.from({ length: options.connections }, (_, i) => i);
  const waiting: ((connection: number) => void)[] = [];
  const late: number[] = [];
  let waited = 0;
  let running = 0;
  let maxRunning = 0;
  // The integral of `running` over time, for the mean.
  let area = 0;
  let lastChange = performance.now();
  const change = (delta: number) => {
    const now = performance.now();
    area += running * (now - lastChange);
    lastChange = now;
    running += delta;
    maxRunning = Math.max(maxRunning, running);
  };
  const release = (connection: number) => {
    const next = waiting.shift();
    if (next) next(connection);
    else free.push(connection);
  };
  const start = performance.now();
  const turns: Promise<void>[] = [];
  for (const offset of schedule) {
    const scheduledAt = start + offset;
    const wait = scheduledAt - performance.now();
    if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    turns.push(
      (async () => {
        let connection = free.pop();
        if (connection === undefined) {
          waited++;
          connection = await new Promise<number>((resolve) => waiting.push(resolve));
        }
        late.push(performance.now() - scheduledAt);
        change(1);
        try {
          await options.turn(connection, scheduledAt);
        } finally {
          change(-1);
          release(connection);
        }
      })(),
    );
  }
  await Promise.all(turns);
  change(0);
  const wall = performance.now() - start;
  return {
    arrivals: options.arrivals,
    ratePerSecond: options.ratePerSecond,
    concurrency: { mean: Math.round((wall > 0 ? area / wall : 0) * 10) / 10, max: maxRunning },
    waitedForConnection: waited,
    startLateMs: { p99: percentile(late, 99), max: percentile(late, 100) },
  };
}
