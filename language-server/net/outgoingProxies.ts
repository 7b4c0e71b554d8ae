/**
 * Everything the language server sends off this machine behind a company
 * proxy: model servers, web pages and the team server. One rule decides the
 * proxy for all of them (`httpProxyFor`: VS Code's `http.proxy`,
 * `http.noProxy`, `http.proxyAuthorization` and `http.proxyStrictSSL`, else
 * HTTPS_PROXY / HTTP_PROXY and NO_PROXY), over one cached reading of the
 * `http` settings, so a proxy configured once for the editor serves all of
 * Hearth. A server on this machine (the usual Ollama, LM Studio,
 * llama-server, a standalone agent host) never goes through a proxy, and
 * costs no settings read.
 *
 * The agent core and the suggestion completer take a `ProxyRoute` (`route`);
 * web pages and the team server ask `proxyFor` and connect their own way.
 *
 * Requests through a proxy use undici's own fetch with one ProxyAgent per
 * proxy, kept while the settings name it, so a conversation reuses its
 * tunnel. A failure that is the proxy's (407, a refused tunnel, a proxy
 * that cannot be reached) reaches the user as a sentence that names the
 * proxy and says what to change, as the cause of a "fetch failed", which
 * the core reports as the server being unreachable.
 */
import type { Dispatcher } from 'undici';
import type { ProxyRoute } from '../../agent-host';
import { httpProxyFor, isLoopback, proxyFailure, type HttpProxy, type HttpSettings } from './httpProxy';

/** How long a reading of the `http` settings is trusted when no change is reported (a client may not report them). */
const SETTINGS_TTL_MS = 30_000;

/** A failed connection as fetch reports one, with `detail` as its reason. */
function unreachable(detail: string, cause?: unknown): TypeError {
  return new TypeError('fetch failed', { cause: new Error(detail, cause === undefined ? undefined : { cause }) });
}

export class OutgoingProxies {
  private settings: { read: Promise<HttpSettings>; at: number } | undefined;
  private current: { key: string; dispatcher: Dispatcher; fetch: typeof fetch } | undefined;

  /** @param readSettings reads VS Code's `http` section from the editor */
  constructor(
    private readonly readSettings: () => Promise<HttpSettings>,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The editor reported a change of settings: the next request reads them again. */
  invalidate(): void {
    this.settings = undefined;
  }

  /** The proxy for `url`, or undefined for a direct connection. Throws when the configured proxy is not a usable address. */
  async proxyFor(url: URL): Promise<HttpProxy | undefined> {
    if (isLoopback(url.hostname)) return undefined;
    if (!this.settings || performance.now() - this.settings.at > SETTINGS_TTL_MS) {
      this.settings = { read: this.readSettings().catch(() => undefined), at: performance.now() };
    }
    return httpProxyFor(url, await this.settings.read, this.env);
  }

  readonly route: ProxyRoute = async (url) => {
    let proxy: HttpProxy | undefined;
    try {
      proxy = await this.proxyFor(url);
    } catch (err) {
      // A proxy Hearth cannot use (a SOCKS one, a malformed address) fails the request, saying so, rather than going around it.
      const detail = (err as Error).message;
      return () => Promise.reject(unreachable(detail));
    }
    return proxy ? this.through(proxy) : undefined;
  };

  /** Closes the proxy's connections once their requests are done. */
  dispose(): void {
    void this.current?.dispatcher.close().catch(() => undefined);
    this.current = undefined;
  }

  private async through(proxy: HttpProxy): Promise<typeof fetch> {
    const key = JSON.stringify([proxy.url.href, proxy.authorization, proxy.strictSSL]);
    if (this.current?.key === key) return this.current.fetch;
    // undici is loaded on first use only: most developers have no proxy.
    const undici = await import('undici');
    if (this.current?.key === key) return this.current.fetch;
    // No header or body deadline of undici's own (300 s each), as for direct model requests (modelServerFetch.ts): a
    // model load or a long prompt behind a company proxy sends nothing for minutes. Every request through here has its
    // own deadline: the user's Stop for a model request, a timeout signal for web pages and documentation.
    const dispatcher = new undici.ProxyAgent({
      uri: proxy.url.href,
      token: proxy.authorization,
      requestTls: { rejectUnauthorized: proxy.strictSSL },
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    const send = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      try {
        return (await undici.fetch(input as never, { ...(init as object), dispatcher })) as unknown as Response;
      } catch (err) {
        const problem = (err as Error).name === 'AbortError' ? undefined : proxyFailure(err, proxy);
        throw problem ? unreachable(problem, err) : err;
      }
    };
    // The settings name one proxy at a time; the one they named before finishes its requests, then closes.
    this.dispose();
    this.current = { key, dispatcher, fetch: send as typeof fetch };
    return this.current.fetch;
  }
}
