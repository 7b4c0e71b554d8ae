/**
 * The client's sign-in state: trades the API key for tokens, refreshes the
 * access token shortly before it expires (each refresh token is used exactly
 * once, as the server requires), and falls back to the API key when a
 * refresh is refused. Concurrent callers share one request.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import type { AuthServiceClient } from '../../protocol/generated/hearth/v1/AuthService';
import type { AuthTokens__Output } from '../../protocol/generated/hearth/v1/AuthTokens';
import { callWithPolicy, SIGN_IN_POLICY } from './remoteCallPolicy';
import { isServiceError } from './remoteErrors';
import { serverText } from '../../protocol/grpc/serverText';

interface Tokens {
  access: string;
  accessExpiresAt: number;
  refresh: string;
  refreshExpiresAt: number;
  user: string;
}

const UNARY_DEADLINE_MS = 15_000;

/**
 * The longest wait a Node timer keeps: a longer one fires after 1 ms instead.
 * A server that hands out tokens valid for more than about a month would
 * otherwise be asked for a refresh again and again, as fast as it answers.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class TeamAuth {
  private tokens: Tokens | undefined;
  private pending: Promise<Tokens> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Called after every successful sign-in or refresh, and when a background refresh fails. */
  onChange: ((state: { user?: string; error?: unknown }) => void) | undefined;

  constructor(
    private readonly client: AuthServiceClient,
    private readonly apiKey: string,
    private readonly clientName: string,
    private readonly refreshLeadMs?: number,
    private readonly now: () => number = Date.now,
  ) {}

  get user(): string | undefined {
    return this.tokens?.user;
  }

  /** A valid access token ('' when the server runs without auth); signs in or refreshes as needed. */
  async accessToken(signal?: AbortSignal): Promise<string> {
    const t = this.tokens;
    if (t && (t.access === '' || t.accessExpiresAt - this.now() > 5_000)) return t.access;
    return (await this.renew(signal)).access;
  }

  /** Forgets the tokens after the server refused one; the next call signs in again. */
  invalidate(): void {
    this.tokens = undefined;
  }

  /** Signs in (or refreshes) now; rejects with the server's error. */
  renew(signal?: AbortSignal): Promise<Tokens> {
    this.pending ??= this.obtain(signal).finally(() => (this.pending = undefined));
    return this.pending;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async obtain(signal?: AbortSignal): Promise<Tokens> {
    const t = this.tokens;
    if (t && t.refresh && t.refreshExpiresAt - this.now() > 5_000) {
      try {
        return this.accept(await this.call((cb) => this.client.Refresh({ refresh_token: t.refresh }, { deadline: Date.now() + UNARY_DEADLINE_MS }, cb), signal));
      } catch (err) {
        // A refused refresh (revoked, server restarted) is not the end: the API key signs in again.
        if (!isServiceError(err) || (err.code !== status.UNAUTHENTICATED && err.code !== status.PERMISSION_DENIED)) throw err;
      }
    }
    return this.accept(await this.call((cb) => this.client.Authenticate({ api_key: this.apiKey, client_name: this.clientName }, { deadline: Date.now() + UNARY_DEADLINE_MS }, cb), signal));
  }

  /** Runs a unary auth call under the sign-in policy: an unreachable server is retried with backoff and jitter. */
  private call(start: (cb: (err: ServiceError | null, res?: AuthTokens__Output) => void) => unknown, signal?: AbortSignal): Promise<AuthTokens__Output> {
    return callWithPolicy(() => new Promise<AuthTokens__Output>((resolve, reject) => start((err, res) => (err ? reject(err) : resolve(res!)))), SIGN_IN_POLICY, { signal });
  }

  private accept(res: AuthTokens__Output): Tokens {
    const tokens: Tokens = {
      access: res.access_token,
      accessExpiresAt: Number(res.access_expires_at_ms),
      refresh: res.refresh_token,
      refreshExpiresAt: Number(res.refresh_expires_at_ms),
      // Shown in "connected as …" and the status bar: the server's choice, so made inert there.
      user: serverText(res.user),
    };
    this.tokens = tokens;
    this.scheduleRefresh(tokens);
    this.onChange?.({ user: tokens.user });
    return tokens;
  }

  private scheduleRefresh(tokens: Tokens): void {
    if (this.timer) clearTimeout(this.timer);
    if (!tokens.access || this.disposed) return;
    const ttl = tokens.accessExpiresAt - this.now();
    const lead = this.refreshLeadMs ?? Math.max(5_000, ttl * 0.2);
    this.timer = setTimeout(() => {
      this.renew().catch((error: unknown) => this.onChange?.({ error }));
    }, Math.min(MAX_TIMER_MS, Math.max(1_000, ttl - lead)));
    // A pending refresh must not keep the language server alive at exit.
    this.timer.unref();
  }
}
