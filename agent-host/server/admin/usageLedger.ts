/**
 * Keeps the team's usage in the shared state, so that it outlives every
 * replica: every few seconds this replica adds what its ActivityRecorder
 * counted since the last addition, and the admin page reads the team's
 * totals back. A replica scaled away (the autoscaler does it every night)
 * or killed takes at most the last few seconds of counts with it, instead
 * of its whole history.
 *
 * Each addition carries this process's writer id and a sequence number,
 * and a failed one is retried unchanged, so an addition whose reply was lost
 * is never counted twice.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../ops/logger';
import type { UsageTotals } from '../state/sharedState';
import { onlyThisReplica } from './replicaViewPublisher';
import { activityDelta, isEmptyActivity, type ActivityRaw, type ActivityRecorder } from './activityRecorder';

const FLUSH_MS = 3_000;

export interface UsageHistory {
  /** What to add up for the page: the team's totals and what this replica has not added yet (or only this replica's figures, see `unavailable`). */
  parts: ActivityRaw[];
  /** When the team's counting began; undefined when the totals cannot be read or hold nothing yet. */
  since?: number;
  /** Why only this replica's figures are there. */
  unavailable?: string;
}

export interface UsageLedger {
  read(): Promise<UsageHistory>;
  /** Adds what is left now (every few seconds it does so by itself). */
  flush(): Promise<void>;
  /** Stops the timer and adds what is left. */
  stop(): Promise<void>;
}

export function startUsageLedger(totals: UsageTotals, recorder: ActivityRecorder, logger: Logger, flushMs = FLUSH_MS): UsageLedger {
  const writer = randomUUID();
  let seq = 0;
  // The recorder's figures whose counts are in the totals, and an addition sent but not yet acknowledged.
  let acknowledged: ActivityRaw | undefined;
  let pending: { seq: number; delta: ActivityRaw; upTo: ActivityRaw } | undefined;
  let failing = false;
  let running: Promise<void> | undefined;

  const addOnce = async () => {
    if (!pending) {
      const upTo = recorder.raw();
      const delta = activityDelta(upTo, acknowledged);
      if (isEmptyActivity(delta)) return;
      pending = { seq: ++seq, delta, upTo };
    }
    const spanMs = recorder.bucketMs * recorder.bucketCount;
    await totals.add(writer, pending.seq, pending.delta, { oldestBucket: Math.floor((Date.now() - spanMs) / recorder.bucketMs) + 1, ttlMs: spanMs });
    acknowledged = pending.upTo;
    pending = undefined;
  };
  const flush = (): Promise<void> =>
    (running ??= addOnce()
      .then(
        () => {
          if (failing) logger.info("this replica's usage counts reach the team's totals again");
          failing = false;
        },
        (err: Error) => {
          // Kept and retried unchanged: counts are late, never lost or doubled, unless the replica stops first.
          if (!failing) logger.warn("could not add this replica's usage to the team's totals in the shared state store; retrying", { error: err.message });
          failing = true;
        },
      )
      .finally(() => (running = undefined)));

  const timer = setInterval(() => void flush(), flushMs);
  timer.unref();
  return {
    async read() {
      try {
        const { since, activity } = await totals.read(recorder.bucketMs);
        return { parts: [activity, activityDelta(recorder.raw(), acknowledged)], since };
      } catch (err) {
        return { parts: [recorder.raw()], unavailable: onlyThisReplica(err) };
      }
    },
    flush,
    async stop() {
      clearInterval(timer);
      await running;
      await flush();
    },
  };
}
