/**
 * The number of HTTP/2 connections the gRPC server holds open right now.
 * grpc-js has no public API for it (channelz, which would tell, is turned off
 * because it costs CPU on every message), so this reads the per-listener
 * session sets grpc-js keeps for its own shutdown. If a grpc-js upgrade
 * changes that shape the answer is null and the page says "unknown";
 * test/integration/teamServerAdminPage.test.ts notices.
 */
import type { Server } from '@grpc/grpc-js';

interface ListenerState {
  sessions?: Set<unknown>;
}

export function openConnections(server: Server): number | null {
  const listeners = (server as unknown as { http2Servers?: Map<unknown, ListenerState> }).http2Servers;
  if (!(listeners instanceof Map)) return null;
  let total = 0;
  for (const state of listeners.values()) {
    if (!(state?.sessions instanceof Set)) return null;
    total += state.sessions.size;
  }
  return total;
}
