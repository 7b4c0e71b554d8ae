import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { LeanBody, LeanReply } from './leanReply';
import { wholeLinePull } from '../core/streamLines';

/**
 * Keep-alive connections, most recently used first. Node keeps at most 256
 * idle sockets per host by default; a team server with hundreds of model
 * replies streaming at once would close the rest after each round and open
 * them again (a TCP handshake per request) on the next.
 */
const POOL: http.AgentOptions = { keepAlive: true, scheduling: 'lifo', maxFreeSockets: 2048 };

/**
 * A paused socket stops reading from the kernel once it holds this many
 * bytes. One byte: a reply whose reads are paced (server/backends/paceReads.ts)
 * then leaves what arrives meanwhile in the kernel, to be read in one go,
 * instead of reading and buffering it chunk by chunk. A flowing socket is
 * unaffected (its chunks never wait in its buffer).
 */
const SOCKET_READ_HIGH_WATER = 1;

/** A reserve connection older than this may have been closed by the server's idle timeout; it is not used. */
const SPARE_MAX_AGE_MS = 2_000;

/**
 * A keep-alive agent that can hold one connected socket in reserve. Aborting
 * a streaming request is the only way to stop Ollama generating, and it costs
 * the connection; the next suggestion would then pay for a new TCP handshake
 * on the critical path. Connecting the replacement right after the abort
 * (while the debounce runs) takes that cost off the path.
 */
class ReserveAgent extends http.Agent {
  private spare: { socket: net.Socket; key: string; at: number } | undefined;

  constructor() {
    super(POOL);
  }

  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const spare = this.spare;
    this.spare = undefined;
    if (spare && spare.key === `${options.host}:${options.port}` && !spare.socket.destroyed && Date.now() - spare.at < SPARE_MAX_AGE_MS) {
      spare.socket.removeAllListeners('error');
      spare.socket.ref();
      return spare.socket;
    }
    spare?.socket.destroy();
    return super.createConnection({ ...options, readableHighWaterMark: SOCKET_READ_HIGH_WATER } as ClientRequestArgs, callback);
  }

  /** Connects a reserve socket to `url`'s host unless one is ready. */
  reserve(url: URL): void {
    const port = Number(url.port || 80);
    const key = `${url.hostname}:${port}`;
    if (this.spare && this.spare.key === key && !this.spare.socket.destroyed) return;
    this.spare?.socket.destroy();
    // Node passes `readableHighWaterMark` on to the socket's stream; its types leave it out.
    const socket = net.connect({ host: url.hostname, port, readableHighWaterMark: SOCKET_READ_HIGH_WATER } as net.NetConnectOpts);
    socket.setNoDelay(true);
    // An idle reserve must neither keep the process alive nor crash it when the server closes it.
    socket.unref();
    socket.on('error', () => socket.destroy());
    socket.on('end', () => socket.destroy());
    this.spare = { socket, key, at: Date.now() };
  }
}

const httpAgent = new ReserveAgent();
const httpsAgent = new https.Agent(POOL);

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}

function flatHeaders(res: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/** What a response body's failure looks like to the `ollama` client under undici: an AbortError, or "terminated" with the cause. */
export function bodyFailure(err: unknown, signal: AbortSignal | undefined): Error {
  return signal?.aborted ? abortError(signal) : new TypeError('terminated', { cause: err });
}

/**
 * A response over Node's `http.IncomingMessage` directly. Errors while the
 * body streams look like undici's, so the agent core's error mapping applies
 * unchanged. With `maxLineBytes`, the body arrives in whole lines and a line
 * longer than that fails the read with StreamLineTooLong (which the core
 * names) and hangs up on the server.
 */
function leanResponse(res: http.IncomingMessage, signal: AbortSignal | undefined, maxLineBytes: number | undefined): LeanReply {
  let iterator: AsyncIterator<Buffer> | undefined;
  const pull = async (): Promise<Uint8Array | undefined> => {
    iterator ??= res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    try {
      const next = await iterator.next();
      return next.done ? undefined : next.value;
    } catch (err) {
      throw bodyFailure(err, signal);
    }
  };
  const lines = maxLineBytes === undefined ? undefined : wholeLinePull(pull, maxLineBytes);
  const bounded = lines
    ? async () => {
        try {
          return await lines();
        } catch (err) {
          res.destroy();
          throw err;
        }
      }
    : pull;
  return new LeanReply({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: flatHeaders(res) }, new LeanBody(bounded, () => void res.destroy()));
}

/** How leanHttpFetch reads bodies. */
export interface LeanFetchOptions {
  /**
   * Bodies arrive in whole lines, none longer than this (STREAM_LINE_MAX_CHARS
   * for model streams): the `ollama` client's own line reader has no bound.
   * Readers that bound their lines themselves (the team server's model
   * router) leave it out and keep the raw pieces.
   */
  maxLineBytes?: number;
}

/**
 * A `fetch` for the `ollama` client on Node's http module, with `signal`
 * (the completion's own) merged into every request. Inline suggestions run on
 * every pause in typing, so the milliseconds undici's fetch spends on WHATWG
 * streams and the reconnect after each abort matter here; failures keep
 * undici's shapes ("fetch failed" with a `cause`, "terminated", AbortError),
 * which is what the agent core's error mapping reads.
 */
export function leanHttpFetch(signal?: AbortSignal, options: LeanFetchOptions = {}): typeof fetch {
  const lean = (input: string | URL | Request, init: RequestInit = {}): Promise<LeanReply> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const signals = [init.signal, signal].filter((s): s is AbortSignal => !!s);
    const merged = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    if (merged?.aborted) return Promise.reject(abortError(merged));
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    const body = typeof init.body === 'string' ? init.body : undefined;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return send(url, init.method ?? 'GET', headers, body, merged, options.maxLineBytes);
  };
  return lean as unknown as typeof fetch;
}

/**
 * One HTTP request over the shared keep-alive pools, resolving with the
 * response (any status) once its headers arrive. Aborting `signal` destroys
 * the request or the response still streaming; the response then fails
 * with an AbortError. A keep-alive connection the server closed while it
 * sat idle fails the next request on it at once (ECONNRESET or EPIPE, before
 * any response): the server never saw that request, so it is sent once more
 * on a new connection, as browsers and undici do. Failures to connect reject
 * as undici's "fetch failed" with a `cause`.
 */
export function openRequest(url: URL, method: string, headers: Record<string, string>, body: string | undefined, merged: AbortSignal | undefined, mayRetry = true): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const request = (secure ? https : http).request(url, { method, headers, agent: secure ? httpsAgent : httpAgent });
    // Once the whole response has arrived, an abort has nothing left to stop (and the socket is back in the pool).
    let settled = false;
    const settle = () => {
      settled = true;
      merged?.removeEventListener('abort', onAbort);
    };
    let response: http.IncomingMessage | undefined;
    const onAbort = () => {
      if (settled) return;
      settle();
      // A response that arrived whole keeps its socket for reuse; anything still streaming costs the connection.
      const cutsConnection = !response?.complete;
      if (response) response.destroy(abortError(merged!));
      else request.destroy(abortError(merged!));
      if (cutsConnection && !secure) httpAgent.reserve(url);
    };
    merged?.addEventListener('abort', onAbort, { once: true });
    request.on('close', settle);
    request.on('socket', (socket) => (socket as net.Socket).setNoDelay?.(true));
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (merged?.aborted) return reject(abortError(merged));
      if (mayRetry && !response && request.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) {
        settle();
        return resolve(openRequest(url, method, headers, body, merged, false));
      }
      reject(new TypeError('fetch failed', { cause: err }));
    });
    request.on('response', (res) => {
      response = res;
      res.on('end', settle);
      resolve(res);
    });
    request.end(body);
  });
}

/** One request answered as a `LeanReply` (see openRequest). */
async function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, merged: AbortSignal | undefined, maxLineBytes: number | undefined): Promise<LeanReply> {
  return leanResponse(await openRequest(url, method, headers, body, merged), merged, maxLineBytes);
}
