import type { Dispatcher } from 'undici';
import { refusalIn, serverAddressKind, signInDispatcher, systemResolver, type Resolver } from './signInDispatcher';

/** 127.0.0.1, ::1 and localhost: a plain-http address there never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** https, or http to a loopback address (tests and local development): what OAuth endpoints may use. */
export function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/**
 * Why `url` may not take part in the sign-in of the MCP server at `server`,
 * or undefined when it may: it must be https, or http to loopback (see
 * isSecureOrLoopback), and a loopback address only serves the sign-in of a
 * server that is itself on this computer. Otherwise a server elsewhere could
 * name a loopback URL in its 401 or its metadata and make Hearth (or, through
 * the authorization URL, the user's browser) send requests with any path and
 * query to the services listening on the developer's machine, without a
 * question asked.
 */
export function signInUrlProblem(url: URL, server: URL): string | undefined {
  if (!isSecureOrLoopback(url)) return 'authorization metadata and endpoints must use https';
  if (isLoopbackHost(url.hostname) && !isLoopbackHost(server.hostname)) return 'the MCP server is on another machine, and only a server on this computer may send its sign-in to this computer';
  return undefined;
}

/**
 * The most Hearth reads of one sign-in response (a metadata document, a
 * registration, tokens): real ones are a few KB, and the SDK reads each whole
 * into memory before it parses it.
 */
const MAX_SIGN_IN_BYTES = 1024 * 1024;

/**
 * The longest one sign-in request may take, its answer read to the end. The
 * SDK sets no deadline of its own, so a metadata or token endpoint that never
 * answers (or answers a byte at a time) would leave the server "starting"
 * until the user restarted it.
 */
export const SIGN_IN_TIMEOUT_MS = 30_000;

/** `init` with a signal that also fires after `timeoutMs`, keeping the caller's own. */
function withDeadline(init: RequestInit | undefined, timeoutMs: number): RequestInit {
  const deadline = AbortSignal.timeout(timeoutMs);
  return { ...init, signal: init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline };
}

/** What a sign-in request that ran out of time failed with, said plainly. */
function explainTimeout(err: unknown, origin: string, timeoutMs: number): unknown {
  const name = (err as { name?: unknown } | undefined)?.name;
  return name === 'TimeoutError' ? new Error(`${origin} did not finish answering a sign-in request within ${timeoutMs / 1000} s`) : err;
}

/**
 * `res` with a body that fails, permanently, once it passes
 * MAX_SIGN_IN_BYTES (the rest is never read), and that says so plainly when
 * the deadline ends it.
 */
function capSignInResponse(res: Response, origin: string, timeoutMs: number): Response {
  // A 204, 205 or 304 has no body, and a Response cannot be built with one for them.
  if (!res.body || res.status === 204 || res.status === 205 || res.status === 304) return res;
  const reader = res.body.getReader();
  let seen = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (err) {
        return controller.error(explainTimeout(err, origin, timeoutMs));
      }
      if (next.done) return controller.close();
      seen += next.value.byteLength;
      if (seen <= MAX_SIGN_IN_BYTES) return controller.enqueue(next.value);
      void reader.cancel();
      // Permanent: the same server sends the same document again, so restarting would only read another megabyte.
      controller.error(Object.assign(new Error(`Hearth stopped reading a sign-in document larger than 1 MB from ${origin}`), { permanent: true }));
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/**
 * A JSON-RPC message POSTed within the server's origin: the HTTP+SSE
 * transport sends its messages to the URL the server's `endpoint` event names
 * (the SDK keeps it to the server's origin). That is MCP traffic, which goes
 * wherever the server URL goes; sign-in requests (form-encoded token requests,
 * client registrations, metadata GETs) are never JSON-RPC.
 */
function isMcpMessage(url: URL, server: URL, init: RequestInit | undefined): boolean {
  if (url.origin !== server.origin || (init?.method ?? 'GET').toUpperCase() !== 'POST' || typeof init?.body !== 'string') return false;
  try {
    return (JSON.parse(init.body) as { jsonrpc?: unknown } | null)?.jsonrpc === '2.0';
  } catch {
    return false;
  }
}

/**
 * A `fetch` for an MCP server's HTTP transports that guards what
 * the OAuth flow requests besides the server itself: protected resource
 * metadata, authorization server metadata, registration and token endpoints
 * must be https (or loopback), as the MCP authorization spec requires, so
 * neither a code, a refresh token nor a registration crosses the network in
 * clear text, and a server on another machine cannot point them at this
 * computer's loopback services. Their answers are read up to 1 MB each,
 * well under cappedFetch's per-message cap. Requests to another origin than the server's also lose the
 * headers the user configured for the server (an API key meant for it must
 * not reach its authorization server, or a metadata URL it names).
 *
 * The rule on where sign-in may go is also kept by address, when each
 * connection is made (signInDispatcher.ts): a name that resolves to this
 * computer, a private network or a cloud's metadata service is refused for a
 * server that is not itself there, however the name is spelled. `resolve`
 * is the system's resolver; tests give names of their own addresses.
 */
export function oauthFetchGuard(serverUrl: URL, configuredHeaders: readonly string[], base: typeof fetch, timeoutMs = SIGN_IN_TIMEOUT_MS, resolve: Resolver = systemResolver): typeof fetch {
  const server = new URL(serverUrl.href);
  server.hash = '';
  const stripped = new Set(configuredHeaders.map((h) => h.toLowerCase()));
  // Made at the first sign-in request, so a server that never asks for one never resolves its name twice.
  let dispatching: Promise<Dispatcher> | undefined;
  const dispatcher = (): Promise<Dispatcher> => (dispatching ??= serverAddressKind(server, resolve).then((kind) => signInDispatcher(kind, resolve)));
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    url.hash = '';
    if (url.href === server.href || isMcpMessage(url, server, init)) return base(input, init);
    const problem = signInUrlProblem(url, server);
    if (problem) {
      // Permanent: retrying cannot make the server's configuration secure, so the server fails instead of restarting.
      throw Object.assign(new Error(`Hearth refuses to use ${url.origin} for sign-in: ${problem}`), { permanent: true });
    }
    let request = withDeadline(init, timeoutMs);
    if (url.origin !== server.origin && stripped.size > 0 && init?.headers) {
      const headers = new Headers(init.headers);
      for (const name of stripped) headers.delete(name);
      request = { ...request, headers };
    }
    try {
      // Node's fetch takes an undici dispatcher, though RequestInit's type does not say so.
      request = { ...request, dispatcher: await dispatcher() } as RequestInit;
      return capSignInResponse(await base(input, request), url.origin, timeoutMs);
    } catch (err) {
      const refused = refusalIn(err);
      if (refused) throw Object.assign(new Error(`Hearth refuses to use ${url.origin} for sign-in: ${refused.message}`), { permanent: true });
      throw explainTimeout(err, url.origin, timeoutMs);
    }
  };
}
