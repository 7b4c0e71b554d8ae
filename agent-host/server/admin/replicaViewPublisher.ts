/**
 * Publishes this replica's admin view (what it has now: connections,
 * running turns, queue, backends) to the shared state every few seconds,
 * and gathers every replica's for the admin page (adminStats.ts,
 * `teamStats`). A view counts until PUBLISH_MS × 5 passes without a newer
 * one, so a replica that died or was scaled away leaves the team view
 * within seconds: the page shows the replicas running now. The usage they
 * served stays, in the team's totals (usageLedger.ts).
 */
import type { Logger } from '../ops/logger';
import type { ReplicaViews } from '../state/sharedState';
import { parseReplicaView, type ReplicaView } from './adminStats';

const PUBLISH_MS = 3_000;

/** What the admin page says when the other replicas cannot be counted. */
export function onlyThisReplica(err: unknown): string {
  return `Only this replica is counted: the shared state store cannot be read (${(err as Error).message}).`;
}
const TTL_MS = PUBLISH_MS * 5;

export interface ReplicaViewPublisher {
  /** This replica's view now, then every other replica's current one; `unavailable` says why the others are missing. */
  gather(): Promise<{ views: ReplicaView[]; unavailable?: string }>;
  /** Stops publishing and takes this replica's view away. */
  stop(): Promise<void>;
}

export function startReplicaViewPublisher(shared: ReplicaViews, id: string, local: () => ReplicaView, logger: Logger): ReplicaViewPublisher {
  let failing = false;
  const publish = async () => {
    try {
      await shared.publish(id, JSON.stringify(local()), TTL_MS);
      if (failing) logger.info('the admin page view is published again');
      failing = false;
    } catch (err) {
      // The shared state's own outage log says why; this only notes what it costs the admin page.
      if (!failing) logger.warn('could not publish this replica to the admin page of the others', { error: (err as Error).message });
      failing = true;
    }
  };
  void publish();
  const timer = setInterval(() => void publish(), PUBLISH_MS);
  timer.unref();
  return {
    async gather() {
      const own = local();
      try {
        const others = (await shared.read()).map(parseReplicaView).filter((v): v is ReplicaView => v !== undefined && v.id !== id);
        return { views: [own, ...others] };
      } catch (err) {
        return { views: [own], unavailable: onlyThisReplica(err) };
      }
    },
    async stop() {
      clearInterval(timer);
      await shared.withdraw(id).catch(() => undefined);
    },
  };
}
