/**
 * The admin page's JSON, built on each poll: what is happening now (open
 * connections, running turns, the queue, each backend's running requests)
 * next to what the ActivityRecorder kept about the past. With replicas
 * (shared state in Redis), each one publishes what it has now and adds its
 * usage to the team's totals, and the page of any replica adds up the views
 * of all of them next to those totals, so an admin sees the team, not one
 * replica's share of it.
 */
import type { Server } from '@grpc/grpc-js';
import type { BackendConfig } from '../config/serverConfig';
import type { Scheduler } from '../scheduler/scheduler';
import { count as num, snapshotOf, type ActivityRaw, type ActivityRecorder, type ActivitySnapshot } from './activityRecorder';
import { openConnections } from './openConnections';
import type { TeamIndex } from '../teamIndex/teamIndex';

export interface AdminStats extends ActivitySnapshot {
  generatedAt: number;
  /** When the longest-running replica started. */
  startedAt: number;
  /** Since when the per-user usage, acceptance and plots count (the team's first count, with replicas; else when this server started). */
  usageSince: number;
  /** Whether usage comes from the team's totals in the shared state (kept across restarts) or from this server's memory. */
  usageShared: boolean;
  /** Open HTTP/2 connections to the gRPC port; null when grpc-js does not tell. */
  connections: number | null;
  /** Requests waiting for a GPU slot, by kind of work (the queue is shared by all backends). */
  queue: { completion: number; chat: number };
  backends: { name: string; inFlight: number; capacity: number }[];
  /** The team index's sources (config.yaml `index:`): state, size and the last error. */
  index: { name: string; kind: string; state: string; files: number; chunks: number; refreshedAt: number | null; error: string | null }[];
  /** The replicas counted above (one without shared state), with what each has now. */
  replicas: { id: string; startedAt: number; publishedAt: number; connections: number | null; runningTurns: number }[];
  /** Set when other replicas could not be counted, saying why. */
  partial?: string;
}

export interface AdminStatsSources {
  server: Server;
  activity: ActivityRecorder;
  scheduler: Scheduler;
  backends: BackendConfig[];
  startedAt: number;
  teamIndex?: TeamIndex;
}

/** What one replica has now: the unit the admin page adds up for the present (the past is in the usage history). */
export interface ReplicaView {
  id: string;
  startedAt: number;
  publishedAt: number;
  connections: number | null;
  runningTurns: number;
  queue: { completion: number; chat: number };
  backends: { name: string; inFlight: number }[];
}

/** The usage to show: recorders' figures to add up, and since when they count. */
export interface UsageParts {
  parts: ActivityRaw[];
  since: number;
  /** The parts include the team's totals in the shared state. */
  shared: boolean;
}

export function replicaView(sources: AdminStatsSources, id: string): ReplicaView {
  const { scheduler } = sources;
  return {
    id,
    startedAt: sources.startedAt,
    publishedAt: Date.now(),
    connections: openConnections(sources.server),
    runningTurns: sources.activity.runningTurns,
    queue: { completion: scheduler.queuedFor('completion'), chat: scheduler.queuedFor('chat') },
    backends: sources.backends.map((b) => ({ name: b.name, inFlight: scheduler.inFlight(b.name) })),
  };
}

/** This replica's figures alone. */
export function adminStats(sources: AdminStatsSources): AdminStats {
  return teamStats([replicaView(sources, 'this server')], { parts: [sources.activity.raw()], since: sources.startedAt, shared: false }, sources);
}

/**
 * The figures of `views` added up, next to `usage` added up. Configuration
 * (each backend's capacity, the team index) is this replica's: replicas
 * share one configuration.
 */
export function teamStats(views: ReplicaView[], usage: UsageParts, sources: Pick<AdminStatsSources, 'backends' | 'teamIndex'>): AdminStats {
  const sum = (pick: (v: ReplicaView) => number) => views.reduce((total, v) => total + pick(v), 0);
  const activity = snapshotOf(usage.parts, Date.now());
  return {
    generatedAt: Date.now(),
    startedAt: Math.min(...views.map((v) => v.startedAt)),
    usageSince: usage.since,
    usageShared: usage.shared,
    connections: views.some((v) => v.connections !== null) ? sum((v) => v.connections ?? 0) : null,
    queue: { completion: sum((v) => v.queue.completion), chat: sum((v) => v.queue.chat) },
    backends: sources.backends.map((b) => ({ name: b.name, inFlight: sum((v) => v.backends.find((x) => x.name === b.name)?.inFlight ?? 0), capacity: b.maxConcurrency })),
    index: (sources.teamIndex?.statuses ?? []).map((s) => ({ name: s.name, kind: s.kind, state: s.state, files: s.files, chunks: s.chunks, refreshedAt: s.refreshedAt ?? null, error: s.error ?? s.embeddingProblem ?? null })),
    replicas: views.map((v) => ({ id: v.id, startedAt: v.startedAt, publishedAt: v.publishedAt, connections: v.connections, runningTurns: v.runningTurns })).sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id)),
    ...activity,
    runningTurns: sum((v) => v.runningTurns),
  };
}

/** Bounds on what one published view may hold (Redis is shared, so a view is checked as input). */
const MAX_VIEW_BACKENDS = 200;
const MAX_NAME = 200;

const name = (value: unknown): string => (typeof value === 'string' ? value.slice(0, MAX_NAME) : '');
const list = (value: unknown, max: number): unknown[] => (Array.isArray(value) ? value.slice(0, max) : []);
const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});

/**
 * A view another replica published, or undefined when it is not one. Every
 * field is re-read with its type and bounded, so a malformed entry costs the
 * page that entry, never the page.
 */
export function parseReplicaView(text: string): ReplicaView | undefined {
  let value: Record<string, unknown>;
  try {
    value = record(JSON.parse(text));
  } catch {
    return undefined;
  }
  const id = name(value.id);
  if (!id) return undefined;
  const queue = record(value.queue);
  return {
    id,
    startedAt: num(value.startedAt),
    publishedAt: num(value.publishedAt),
    connections: value.connections === null ? null : num(value.connections),
    runningTurns: num(value.runningTurns),
    queue: { completion: num(queue.completion), chat: num(queue.chat) },
    backends: list(value.backends, MAX_VIEW_BACKENDS).map(record).map((b) => ({ name: name(b.name), inFlight: num(b.inFlight) })),
  };
}
