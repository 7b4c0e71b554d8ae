import { randomBytes } from 'node:crypto';
import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { LoopbackRedirect } from './loopbackRedirect';
import type { McpOAuthHost } from './mcpTypes';
import { isSecureOrLoopback, signInUrlProblem } from './oauthFetchGuard';

/** What Hearth keeps per server in secret storage: the dynamic registration and the tokens, as the SDK handed them over (with their `issuer`). */
interface StoredOAuthState {
  clientInformation?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
}

/** The user chose not to sign in. */
export class SignInDeclined extends Error {}

/** The URL, or undefined when `text` is not one (URL.canParse needs a newer Node than some editors ship). */
export function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** The key of a server's OAuth state: its URL without the fragment, so the tokens of one server are never presented to another. */
export function canonicalServerUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.hash = '';
  return copy.href;
}

function registeredPort(info: OAuthClientInformationMixed | undefined): number | undefined {
  const uri = (info as { redirect_uris?: unknown } | undefined)?.redirect_uris;
  if (!Array.isArray(uri) || typeof uri[0] !== 'string') return undefined;
  try {
    const port = Number(new URL(uri[0]).port);
    return port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Hearth's OAuth client for one Streamable HTTP MCP server, driven by the
 * SDK's `auth()` (discovery from the 401's resource_metadata, authorization
 * server metadata, dynamic registration, PKCE S256, the RFC 8707 `resource`
 * parameter, code exchange and refresh). Hearth supplies what the SDK leaves
 * to the application: storage (the editor's secret storage, through
 * `host`), the browser step (the user is asked first) and the redirect
 * target, a loopback listener on 127.0.0.1 that checks `state`.
 *
 * Why loopback rather than VS Code's URI handler: the language server owns
 * the flow and can receive the redirect itself without a round trip through
 * the extension host, it works the same under code-server and in tests (a
 * test follows the redirect with plain HTTP), and RFC 8252 makes it the
 * standard for native apps (any port is allowed for loopback redirects).
 */
export class McpOAuthProvider implements OAuthClientProvider {
  private stored: StoredOAuthState = {};
  private loading?: Promise<void>;
  private readonly redirect = new LoopbackRedirect();
  private verifier?: string;
  private pendingState?: string;
  private pendingUrl?: URL;
  private exchanging = false;
  /** The authorization server whose metadata the current flow uses (see saveDiscoveryState). */
  private authorizationServerUrl?: string;

  constructor(
    private readonly server: string,
    /** The canonical server URL (see canonicalServerUrl). */
    readonly serverUrl: string,
    private readonly target: string,
    private readonly host: McpOAuthHost,
    private readonly log: (message: string) => void,
  ) {}

  get redirectUrl(): string {
    // auth() always calls discoveryState() first, which starts the listener; the fallback is never sent.
    return this.redirect.redirectUrl ?? 'http://127.0.0.1/callback';
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Hearth (VS Code)',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // A public client: a native app cannot keep a secret, which is what PKCE is for.
      token_endpoint_auth_method: 'none',
    };
  }

  /** True while Hearth holds tokens for this server. */
  get signedIn(): boolean {
    return this.stored.tokens !== undefined;
  }

  /** True after the SDK started an authorization that waits for the user (see signIn). */
  get needsSignIn(): boolean {
    return this.pendingUrl !== undefined;
  }

  /** The authorization server's origin of the pending sign-in. */
  get authorizationServer(): string | undefined {
    return this.pendingUrl?.origin;
  }

  state(): string {
    this.pendingState = randomBytes(32).toString('base64url');
    return this.pendingState;
  }

  /**
   * Remembers which authorization server discovery settled on (the SDK tells
   * us before it builds the authorization URL). Only kept in memory and never
   * handed back, so every sign-in discovers afresh.
   */
  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.authorizationServerUrl = state.authorizationServerUrl;
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    await this.load();
    // The listener must exist before the SDK reads redirectUrl (for registration and the authorization URL).
    await this.redirect.listen(registeredPort(this.stored.clientInformation));
    return undefined;
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    await this.load();
    const info = this.stored.clientInformation;
    const uris = (info as { redirect_uris?: unknown } | undefined)?.redirect_uris;
    // A registration for another loopback port would be refused at /authorize: register again instead.
    if (Array.isArray(uris) && this.redirect.redirectUrl && !uris.includes(this.redirect.redirectUrl)) return undefined;
    return info;
  }

  async saveClientInformation(info: OAuthClientInformationMixed): Promise<void> {
    await this.load();
    this.stored.clientInformation = info;
    await this.persist();
  }

  async tokens(): Promise<OAuthTokens | undefined> {
    await this.load();
    return this.stored.tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    await this.load();
    this.stored.tokens = tokens;
    await this.persist();
    this.log(this.exchanging ? 'Signed in; its tokens are kept in VS Code\'s secret storage.' : 'Its access token was refreshed.');
    // A refresh needs no redirect: the listener discoveryState() opened is closed again.
    if (!this.exchanging) await this.redirect.close();
  }

  redirectToAuthorization(url: URL): void {
    // The SDK builds this URL from the authorization server's metadata; it is checked before the user is ever asked.
    if (!isSecureOrLoopback(url)) throw new Error(`the authorization endpoint ${url.origin} does not use https`);
    const problem = signInUrlProblem(url, new URL(this.serverUrl));
    // Permanent, as the fetch guard's refusals are: the same metadata comes back on every restart.
    if (problem) throw Object.assign(new Error(`Hearth refuses the authorization endpoint ${url.origin}: ${problem}`), { permanent: true });
    if (url.searchParams.get('code_challenge_method') !== 'S256' || !url.searchParams.get('code_challenge')) throw new Error('the authorization request lacks a PKCE S256 challenge');
    if (!this.pendingState || url.searchParams.get('state') !== this.pendingState) throw new Error('the authorization request lacks Hearth\'s state');
    // The user is told where they sign in (this page's origin), and the code goes to the token endpoint named by the
    // same metadata. Metadata that borrows another server's sign-in page would have the user sign in there and hand the
    // code and its PKCE verifier to a token endpoint of its own choosing (an OAuth mix-up), so the page must be on the
    // authorization server that published the metadata.
    const issuer = this.authorizationServerUrl ? parseUrl(this.authorizationServerUrl) : undefined;
    if (!issuer || issuer.origin !== url.origin) {
      throw Object.assign(new Error(`its sign-in page ${url.origin} is not on the authorization server ${issuer?.origin ?? '(unknown)'} whose metadata named it, so Hearth does not send you there`), { permanent: true });
    }
    this.pendingUrl = url;
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.verifier = codeVerifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('no sign-in is in progress');
    return this.verifier;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    await this.load();
    if (scope === 'verifier' || scope === 'discovery') {
      if (scope === 'verifier') this.verifier = undefined;
      return;
    }
    if (scope === 'all' || scope === 'client') this.stored.clientInformation = undefined;
    if (scope === 'all' || scope === 'tokens') this.stored.tokens = undefined;
    await this.persist();
  }

  /**
   * Completes a sign-in the SDK started: asks the user (naming the server and
   * the authorization server), and once the browser comes back to the
   * loopback listener with the right `state`, returns the authorization code.
   * Throws SignInDeclined when the user says no.
   */
  async signIn(signal: AbortSignal, timeoutMs: number): Promise<string> {
    const url = this.pendingUrl;
    const state = this.pendingState;
    this.pendingUrl = undefined;
    if (!url || !state) throw new Error('no sign-in is in progress');
    const waiting = new AbortController();
    const forward = () => waiting.abort();
    signal.addEventListener('abort', forward, { once: true });
    try {
      // Listening before the browser opens: the redirect can arrive before the editor even answers.
      const code = this.redirect.waitForCode(state, timeoutMs, waiting.signal);
      code.catch(() => undefined);
      const agreed = await this.host.askSignIn({ server: this.server, target: this.target, authorizationServer: url.origin, authorizationUrl: url.href }, signal);
      if (!agreed) {
        waiting.abort();
        throw new SignInDeclined(`You declined to sign in to ${url.origin}, so the server stays stopped. Run "Hearth: Restart MCP Server" to sign in.`);
      }
      return await code;
    } finally {
      signal.removeEventListener('abort', forward);
    }
  }

  /** Runs `exchange` (the SDK's code exchange) so that the tokens it saves count as a sign-in, then stops listening. */
  async finishSignIn(exchange: () => Promise<void>): Promise<void> {
    this.exchanging = true;
    try {
      await exchange();
    } finally {
      this.exchanging = false;
      this.verifier = undefined;
      await this.redirect.close();
    }
  }

  /** Forgets the tokens and the registration, here and in secret storage. */
  async signOut(): Promise<void> {
    await this.loading?.catch(() => undefined);
    this.stored = {};
    this.verifier = undefined;
    this.pendingUrl = undefined;
    await this.host.remove(this.serverUrl);
  }

  async close(): Promise<void> {
    this.pendingUrl = undefined;
    await this.redirect.close();
  }

  private load(): Promise<void> {
    this.loading ??= (async () => {
      const text = await this.host.load(this.serverUrl);
      if (!text) return;
      try {
        const parsed = JSON.parse(text) as StoredOAuthState;
        if (parsed && typeof parsed === 'object') this.stored = { clientInformation: parsed.clientInformation, tokens: parsed.tokens };
      } catch {
        this.log('Its stored sign-in could not be read; you will be asked to sign in again.');
      }
    })().catch((err: unknown) => {
      // A failed read is retried next time rather than taken for "signed out" forever.
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  private persist(): Promise<void> {
    if (!this.stored.clientInformation && !this.stored.tokens) return this.host.remove(this.serverUrl);
    return this.host.save(this.serverUrl, JSON.stringify(this.stored));
  }
}
