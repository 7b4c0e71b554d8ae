import { Ollama } from 'ollama';
import type { ModelStreamer } from './modelStream';
import { ollamaWithStreamer } from './streamingOllama';
import { boundedLineFetch } from './streamLines';

/** How the agent reaches Ollama. */
export interface OllamaConnection {
  host: string;
  headers?: Record<string, string>;
  /** Replaces the global `fetch` (the team server's model router). */
  fetch?: typeof fetch;
  /** Answers streaming chat and generate requests instead of `fetch` (the team server's model router). */
  stream?: ModelStreamer;
}

/**
 * The URL shown to users: the configured host with a scheme and without a
 * trailing slash, which is what the `ollama` client will contact.
 */
export function displayHost(host: string): string {
  const trimmed = host.trim().replace(/\/+$/, '');
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}

/**
 * An `ollama` client whose every HTTP request also listens to `signal`, and
 * whose every response has its lines bounded (`boundedLineFetch`).
 * The client only exposes an abort handle once the response headers arrived,
 * but Ollama sends no headers until the model has loaded and produced a
 * token; routing the turn's signal into fetch makes cancelling reach the
 * request in that phase too, and gives the non-streaming calls (show, list)
 * a way to be cancelled at all.
 */
export function createOllamaClient(connection: OllamaConnection, signal?: AbortSignal): Ollama {
  const base = connection.fetch ?? fetch;
  return ollamaWithStreamer({ host: displayHost(connection.host), headers: connection.headers, fetch: boundedLineFetch(withSignal(base, signal)) }, connection.stream, signal);
}

/** `base` with `signal` merged into every request's own. */
export function withSignal(base: typeof fetch, signal: AbortSignal | undefined): typeof fetch {
  return (input, init) => {
    if (!signal) return base(input, init);
    const merged = init?.signal ? AbortSignal.any([init.signal, signal]) : signal;
    return base(input, { ...init, signal: merged });
  };
}
