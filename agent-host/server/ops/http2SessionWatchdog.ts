/**
 * Closes HTTP/2 connections that nghttp2 (inside Node's http2, under
 * grpc-js) has already given up on.
 *
 * nghttp2 cannot decode a header field whose HPACK-encoded name or value is
 * over 64 KiB (NGHTTP2_HD_MAX_NV, fixed at compile time; no Node or grpc-js
 * option changes it). A request with such a field (a huge token) is a
 * connection error of type COMPRESSION_ERROR (RFC 9113 §4.3), so nghttp2 sends
 * GOAWAY and stops reading, but Node neither closes the socket nor tells
 * JavaScript. A client that waits for its stream until the connection closes
 * (gRPC C-core: Python, C++, ...) then hangs until its deadline or a keepalive
 * gives up, 30 s later. RFC 9113 §5.4.1 says the sender of such a GOAWAY must
 * close the connection; this does it for Node.
 *
 * Detection without a hook: nghttp2 counts the streams it began to process
 * (`session.state.lastProcStreamID`); a stream whose headers never reached
 * the server's 'stream' event after two sweeps is suspicious, and a ping then
 * tells a live connection (it answers) from a dead one (nghttp2 no longer
 * sends anything, so the ping is never even written). A dead session is
 * destroyed, which closes the socket: the client fails that call at once and
 * reconnects for the next one. Fields the server can decode never get here;
 * the call guard answers oversized metadata with RESOURCE_EXHAUSTED.
 *
 * grpc-js keeps its http2 servers private; this reads its `http2Servers` map
 * (grpc-js 1.10 to 1.14) and reports `supported: false` when that changes,
 * so an upgrade degrades to the old 30 s instead of failing.
 */
import type { Server } from '@grpc/grpc-js';
import type { Http2Server, Http2SecureServer, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';

export interface WatchdogTiming {
  /** How often sessions are looked at. */
  sweepMs: number;
  /** How long a probed session has to answer its ping. */
  probeTimeoutMs: number;
}

export const DEFAULT_WATCHDOG_TIMING: WatchdogTiming = { sweepMs: 250, probeTimeoutMs: 1500 };

export interface SessionWatchdog {
  /** False when this grpc-js does not expose its http2 servers the way the watchdog expects. */
  readonly supported: boolean;
  /** Sessions closed because nghttp2 had ended them. */
  readonly closed: number;
  stop(): void;
}

interface Watched {
  /** The highest stream id the server has seen as a 'stream' event (or that a ping proved harmless). */
  seen: number;
  suspect: boolean;
  probing: boolean;
}

export function watchHttp2Sessions(server: Server, onClosed: (peer: string) => void = () => undefined, timing: WatchdogTiming = DEFAULT_WATCHDOG_TIMING): SessionWatchdog {
  const http2Servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(http2Servers instanceof Map)) return { supported: false, closed: 0, stop() {} };

  const sessions = new Map<ServerHttp2Session, Watched>();
  let closed = 0;
  const track = (session: ServerHttp2Session) => {
    const watched: Watched = { seen: 0, suspect: false, probing: false };
    sessions.set(session, watched);
    session.on('stream', (stream: ServerHttp2Stream) => {
      if (typeof stream.id === 'number' && stream.id > watched.seen) watched.seen = stream.id;
    });
    session.once('close', () => sessions.delete(session));
  };
  const listening = [...http2Servers.keys()] as (Http2Server | Http2SecureServer)[];
  for (const h of listening) h.on('session', track);

  const probe = (session: ServerHttp2Session, watched: Watched, processed: number) => {
    watched.probing = true;
    const peer = session.socket?.remoteAddress ?? 'unknown';
    const timer = setTimeout(() => {
      if (session.destroyed) return;
      closed++;
      onClosed(peer);
      session.destroy();
    }, timing.probeTimeoutMs);
    timer.unref();
    try {
      const sent = session.ping((err) => {
        clearTimeout(timer);
        watched.probing = false;
        watched.suspect = false;
        if (!err) watched.seen = Math.max(watched.seen, processed);
      });
      if (!sent) throw new Error('ping not sent');
    } catch {
      // Too many pings in flight (keepalive) or a closing session: look again at the next sweep.
      clearTimeout(timer);
      watched.probing = false;
    }
  };

  const sweep = () => {
    for (const [session, watched] of sessions) {
      if (session.destroyed || watched.probing) continue;
      let processed: number | undefined;
      try {
        processed = session.state.lastProcStreamID;
      } catch {
        continue;
      }
      if (processed === undefined || processed <= watched.seen) {
        watched.suspect = false;
        continue;
      }
      // A stream's headers may still be arriving; a stream that is still missing one sweep later is probed.
      if (!watched.suspect) watched.suspect = true;
      else probe(session, watched, processed);
    }
  };
  const interval = setInterval(sweep, timing.sweepMs);
  interval.unref();

  return {
    supported: true,
    get closed() {
      return closed;
    },
    stop() {
      clearInterval(interval);
      for (const h of listening) h.off('session', track);
      sessions.clear();
    },
  };
}
