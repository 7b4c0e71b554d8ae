import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { canonicalJson } from './definitionHash';
import type { McpHttpServerConfig, McpHttpTransport, McpServerConfig } from './mcpTypes';
import { sseFallbackStatus } from './sseFallback';

/** Where the transport of one connection attempt came from: the settings, an earlier connection, or the fallback probe. */
export type TransportSource = 'configured' | 'remembered' | 'probe';

export interface TransportAttempt {
  kind: McpHttpTransport;
  source: TransportSource;
}

/**
 * The HTTP status with which a transport's first request was refused as the
 * wrong transport, or undefined: Streamable HTTP's POST of initialize, or
 * HTTP+SSE's GET of its event stream, answered 400, 404 or 405 (the statuses
 * the MCP specification's backwards-compatibility section names). A refused
 * connection, a 401 or a 500 says the server is down or unwilling, not that it
 * speaks the other transport.
 */
export function wrongTransportStatus(kind: McpHttpTransport, err: unknown): number | undefined {
  if (kind === 'streamable-http') return sseFallbackStatus(err);
  return err instanceof SseError && (err.code === 400 || err.code === 404 || err.code === 405) ? err.code : undefined;
}

/**
 * What to try after `attempt` failed with `err`, or undefined when the failure
 * is the server's answer. A configured transport is never second-guessed. A
 * remembered one refused as the wrong transport starts the probe over from
 * Streamable HTTP (the server may have switched either way); within the probe,
 * a refused Streamable HTTP is followed by HTTP+SSE, which is its last step.
 */
export function nextTransportAttempt(attempt: TransportAttempt, err: unknown): (TransportAttempt & { refusedWith: number }) | undefined {
  if (attempt.source === 'configured') return undefined;
  const refusedWith = wrongTransportStatus(attempt.kind, err);
  if (refusedWith === undefined) return undefined;
  if (attempt.source === 'remembered') return { kind: 'streamable-http', source: 'probe', refusedWith };
  return attempt.kind === 'streamable-http' ? { kind: 'sse', source: 'probe', refusedWith } : undefined;
}

/** What a remembered transport is tied to: the URL and the headers (which may route to another backend). */
function fingerprint(config: McpHttpServerConfig): string {
  return canonicalJson({ url: config.url, headers: config.headers ?? {} });
}

/**
 * Which transport worked for each http server without a configured one, for
 * the life of the process (one per McpManager): a reconnect after a restart,
 * a dropped session or a configuration reload goes straight to it instead of
 * probing Streamable HTTP first every time. It is kept per server name and
 * only while the server's URL and headers stay the same; a change of URL or of
 * `transport` forgets it (see `configChanged`).
 */
export class HttpTransportMemory {
  private readonly worked = new Map<string, { fingerprint: string; kind: McpHttpTransport }>();

  /** The first transport to try for `name`. */
  firstAttempt(name: string, config: McpHttpServerConfig): TransportAttempt {
    if (config.transport) return { kind: config.transport, source: 'configured' };
    const remembered = this.worked.get(name);
    if (remembered && remembered.fingerprint === fingerprint(config)) return { kind: remembered.kind, source: 'remembered' };
    return { kind: 'streamable-http', source: 'probe' };
  }

  /** A session of `name` started on `kind`; a configured transport is not remembered (nothing was found). */
  remember(name: string, config: McpHttpServerConfig, attempt: TransportAttempt): void {
    if (attempt.source !== 'configured') this.worked.set(name, { fingerprint: fingerprint(config), kind: attempt.kind });
  }

  forget(name: string): void {
    this.worked.delete(name);
  }

  /** The configuration of `name` changed (or it was removed): a new URL or a new `transport` setting forgets what worked. */
  configChanged(name: string, before: McpServerConfig, after: McpServerConfig | undefined): void {
    if (before.type !== 'http') return;
    if (!after || after.type !== 'http' || after.url !== before.url || after.transport !== before.transport) this.forget(name);
  }
}
