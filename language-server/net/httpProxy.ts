/**
 * The proxy an outgoing request goes through (a web page mention
 * `@https://…`, `fetch_web_page`, a model server of `hearth.ollama.host` or
 * `hearth.providers`, the team server), decided the way VS Code decides for
 * its own requests, so a developer behind a company
 * proxy configures it once: VS Code's `http.proxy` setting first, then the
 * HTTPS_PROXY / HTTP_PROXY environment variables (either case) that VS Code
 * passed down; `http.noProxy` and NO_PROXY name the hosts that go direct,
 * and `http.proxySupport: off` sends everything direct.
 * Loopback addresses always go direct, as in Chromium: a proxy cannot reach
 * the developer's own machine, and sending it a local page would only show
 * the page to the proxy.
 */
export interface HttpProxy {
  /** The proxy's address, credentials included when the user put them there. */
  url: URL;
  /** Where the proxy came from, for the messages: `http.proxy` or the variable's name. */
  source: string;
  /** `http.proxyAuthorization`: the Proxy-Authorization header's value, when set. */
  authorization?: string;
  /** `http.proxyStrictSSL` (default true): whether the certificate of the server behind the proxy is checked. */
  strictSSL: boolean;
}

/** The `http` section of VS Code's settings, as the client reports it (anything else is treated as unset). */
export type HttpSettings = unknown;

function field(settings: HttpSettings, key: string): unknown {
  return settings && typeof settings === 'object' ? (settings as Record<string, unknown>)[key] : undefined;
}

/** The proxy for `target`, or undefined for a direct connection. Throws when the configured proxy is not a usable address. */
export function httpProxyFor(target: URL, settings: HttpSettings, env: NodeJS.ProcessEnv = process.env): HttpProxy | undefined {
  // `http.proxySupport: off` is VS Code's switch for "extensions connect directly": neither the setting nor the environment applies.
  if (field(settings, 'proxySupport') === 'off') return undefined;
  const configured = typeof field(settings, 'proxy') === 'string' ? (field(settings, 'proxy') as string).trim() : '';
  const variable = configured ? undefined : proxyVariable(target, env);
  const raw = configured || (variable ? env[variable]?.trim() : '');
  if (!raw) return undefined;
  const source = configured ? 'http.proxy' : (variable as string);
  const noProxyList = field(settings, 'noProxy');
  const bypass = [...(Array.isArray(noProxyList) ? noProxyList.filter((e): e is string => typeof e === 'string') : []), ...(env.NO_PROXY ?? env.no_proxy ?? '').split(',')];
  if (isLoopback(target.hostname) || bypass.some((entry) => matchesNoProxy(target, entry))) return undefined;
  let url: URL;
  try {
    // A bare host:port is how many people write it; it means plain http, as in curl.
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new Error(`the proxy in ${source} is not a valid address`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the proxy in ${source} is a ${url.protocol.slice(0, -1)} proxy; only http and https proxies are supported`);
  const authorization = field(settings, 'proxyAuthorization');
  return {
    url,
    source,
    authorization: typeof authorization === 'string' && authorization.trim() ? authorization.trim() : undefined,
    strictSSL: field(settings, 'proxyStrictSSL') !== false,
  };
}

/** The proxy's address without its credentials, for messages and logs. */
export function proxyLabel(proxy: HttpProxy): string {
  return `${proxy.url.protocol}//${proxy.url.host}`;
}

/** The proxy and where its setting came from, for the user: `http://proxy.corp:3128 (from http.proxy)`. */
export function describeProxy(proxy: HttpProxy): string {
  return `${proxyLabel(proxy)} (from ${proxy.source})`;
}

function proxyVariable(target: URL, env: NodeJS.ProcessEnv): string | undefined {
  const names = target.protocol === 'https:' ? ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] : ['HTTP_PROXY', 'http_proxy'];
  return names.find((name) => env[name]?.trim());
}

/**
 * `localhost` and its subdomains, 127.0.0.0/8 and ::1: the developer's own
 * machine, which a proxy cannot reach. So is 0.0.0.0 (and `::`), the listen
 * address llama-server, vLLM and `OLLAMA_HOST` print, which people copy into
 * a model server's address: connecting to it reaches this machine, while a
 * proxy would be sent the prompt and reach its own. A final root dot
 * (`localhost.`) names the same host.
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host === '0.0.0.0' || host === '::' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * One NO_PROXY entry, with the common reading (curl, Go, proxy-from-env): `*`
 * is every host; `example.com`, `.example.com` and `*.example.com` are the
 * domain and everything under it; a `:port` suffix limits the entry to that
 * port. Addresses match literally (no CIDR ranges).
 */
function matchesNoProxy(target: URL, rawEntry: string): boolean {
  const entry = rawEntry.trim().toLowerCase();
  if (!entry) return false;
  if (entry === '*') return true;
  // A port follows the last ':' of a host name or of a bracketed IPv6 address; a bare IPv6 address has none.
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  const colons = entry.split(':').length - 1;
  const [hostPart, port] = bracketed ? [bracketed[1], bracketed[2]] : colons === 1 ? entry.split(':') : [entry, undefined];
  const host = hostPart.replace(/^\*?\./, '').replace(/\.$/, '');
  if (port !== undefined && port !== (target.port || (target.protocol === 'https:' ? '443' : '80'))) return false;
  // `docs.corp.example.` (with the DNS root's dot) is the same host as `docs.corp.example`.
  const targetHost = target.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  return targetHost === host || targetHost.endsWith(`.${host}`);
}

/**
 * What went wrong when a request through `proxy` failed, as a sentence that
 * says what to change, or undefined when the failure is not the proxy's
 * (then the caller words it as its own server's).
 */
export function proxyFailure(err: unknown, proxy: HttpProxy): string | undefined {
  const chain = causeChain(err);
  const via = `the proxy ${describeProxy(proxy)}`;
  const tunnel = /Proxy response \((\d+)\)/.exec(chain.map((e) => String(e.message)).join('\n'));
  if (tunnel?.[1] === '407') return `${via} asks for credentials (407): put them in the proxy address or in http.proxyAuthorization`;
  if (tunnel) return `${via} refused the connection (${tunnel[1]})`;
  // Through a proxy the only connection this process makes is to the proxy, so a socket error is the proxy's.
  const cause = innermostCause(err);
  if (/^E[A-Z]+$/.test(cause)) return `${via} could not be reached (${cause})`;
  return undefined;
}

/** `err` and the errors it wraps, outermost first, at most eight (fetch wraps the network's reason in "fetch failed", undici in a DOMException). */
export function causeChain(err: unknown): { code?: unknown; message?: unknown }[] {
  const chain: { code?: unknown; message?: unknown }[] = [];
  for (let current = err; current && typeof current === 'object' && chain.length < 8; current = (current as { cause?: unknown }).cause) {
    chain.push(current as { code?: unknown; message?: unknown });
  }
  return chain;
}

/** The network error's own reason: the innermost error's code, or its message. */
export function innermostCause(err: unknown): string {
  const innermost = causeChain(err).at(-1);
  if (typeof innermost?.code === 'string') return innermost.code;
  return typeof innermost?.message === 'string' ? innermost.message : String(err);
}
