/**
 * Model servers behind a proxy. The agent core does not decide proxies: the
 * process that embeds it passes a `ProxyRoute` (the language server's
 * reading of VS Code's `http.proxy` settings and the environment), which
 * names, for a server's URL, the `fetch` that goes through that server's
 * proxy, or nothing for a direct connection. The team server passes none:
 * its backends are its own admin's to reach.
 */
export type ProxyRoute = (url: URL) => Promise<typeof fetch | undefined>;

/**
 * Node's global fetch, looked up at each call rather than captured once, so
 * that whatever `globalThis.fetch` is when a request is made (a test's
 * recorder, an instrumented fetch) is the one used.
 */
export const globalFetch: typeof fetch = (input, init) => fetch(input, init);

function urlOf(input: string | URL | Request): URL {
  return new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
}

/** `direct`, except that a request whose server has a proxy (by `route`) goes through the proxy's fetch. */
export function viaProxies(direct: typeof fetch, route: ProxyRoute | undefined): typeof fetch {
  if (!route) return direct;
  return (async (input: string | URL | Request, init?: RequestInit) => ((await route(urlOf(input))) ?? direct)(input, init)) as typeof fetch;
}
