/**
 * The admin page's JSON, built on each poll: what is happening now (open
 * connections, running turns, the queue, each backend's running requests)
 * next to what the ActivityRecorder kept about the past.
 */
import type { Server } from '@grpc/grpc-js';
import type { BackendConfig } from '../config/serverConfig';
import type { Scheduler } from '../scheduler/scheduler';
import type { ActivityRecorder, ActivitySnapshot } from './activityRecorder';
import { openConnections } from './openConnections';
import type { TeamIndex } from '../teamIndex/teamIndex';

export interface AdminStats extends ActivitySnapshot {
  generatedAt: number;
  startedAt: number;
  /** Open HTTP/2 connections to the gRPC port; null when grpc-js does not tell. */
  connections: number | null;
  /** Requests waiting for a GPU slot, by kind of work (the queue is shared by all backends). */
  queue: { completion: number; chat: number };
  backends: { name: string; inFlight: number; capacity: number }[];
  /** The team index's sources (config.yaml `index:`): state, size and the last error. */
  index: { name: string; kind: string; state: string; files: number; chunks: number; refreshedAt: number | null; error: string | null }[];
}

export interface AdminStatsSources {
  server: Server;
  activity: ActivityRecorder;
  scheduler: Scheduler;
  backends: BackendConfig[];
  startedAt: number;
  teamIndex?: TeamIndex;
}

export function adminStats(sources: AdminStatsSources): AdminStats {
  const { scheduler } = sources;
  return {
    generatedAt: Date.now(),
    startedAt: sources.startedAt,
    connections: openConnections(sources.server),
    queue: { completion: scheduler.queuedFor('completion'), chat: scheduler.queuedFor('chat') },
    backends: sources.backends.map((b) => ({ name: b.name, inFlight: scheduler.inFlight(b.name), capacity: b.maxConcurrency })),
    index: (sources.teamIndex?.statuses ?? []).map((s) => ({ name: s.name, kind: s.kind, state: s.state, files: s.files, chunks: s.chunks, refreshedAt: s.refreshedAt ?? null, error: s.error ?? s.embeddingProblem ?? null })),
    ...sources.activity.snapshot(),
  };
}
