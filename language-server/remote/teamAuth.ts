/**
 * The client's sign-in state: trades the API key for tokens, refreshes the
 * access token shortly before it expires (each refresh token is used exactly
 * once, as the server requires), and falls back to the API key when a
 * refresh is refused. Concurrent callers share one request. A server whose
 * tokens expire the moment they arrive (by this machine's clock) is asked a
 * few times only; then every call fails with an error that says so.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import type { AuthServiceClient } from '../../protocol/generated/hearth/v1/AuthService';
import type { AuthTokens__Output } from '../../protocol/generated/hearth/v1/AuthTokens';
import { callWithPolicy, SIGN_IN_POLICY } from './remoteCallPolicy';
import { isServiceError } from './remoteErrors';
import { serverText } from '../../protocol/grpc/serverText';
import { HearthException } from '../../agent-host';

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

/** An access token with this little left is renewed before use rather than sent. */
const EXPIRY_MARGIN_MS = 5_000;

/**
 * Grants in a row whose access token expires within the margin before the
 * client gives up. Such a server (or a client whose clock is hours off)
 * would otherwise be asked for a new token once a second for as long as the
 * editor is open; two tries more than one rule out a token that merely
 * arrived late.
 */
const MAX_EXPIRED_GRANTS = 3;

export class TeamAuth {
  private tokens: Tokens | undefined;
  private pending: Promise<Tokens> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Grants in a row that expired on arrival; reset by one that did not. */
  private expiredGrants = 0;
  /** Set once the server's tokens kept expiring on arrival: every call fails with it until the user connects again. */
  private failure: HearthException | undefined;
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
    if (this.failure) throw this.failure;
    const t = this.tokens;
    if (t && (t.access === '' || t.accessExpiresAt - this.now() > EXPIRY_MARGIN_MS)) return t.access;
    return (await this.renew(signal)).access;
  }

  /** Forgets the tokens after the server refused one; the next call signs in again. */
  invalidate(): void {
    this.tokens = undefined;
  }

  /** Signs in (or refreshes) now; rejects with the server's error. */
  renew(signal?: AbortSignal): Promise<Tokens> {
    if (this.failure) return Promise.reject(this.failure);
    this.pending ??= this.obtain(signal).finally(() => (this.pending = undefined));
    return this.pending;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async obtain(signal?: AbortSignal): Promise<Tokens> {
    const t = this.tokens;
    if (t && t.refresh && t.refreshExpiresAt - this.now() > EXPIRY_MARGIN_MS) {
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
    const left = tokens.accessExpiresAt - this.now();
    if (tokens.access !== '' && left <= EXPIRY_MARGIN_MS) {
      this.expiredGrants++;
      if (this.expiredGrants >= MAX_EXPIRED_GRANTS) {
        if (this.timer) clearTimeout(this.timer);
        this.failure = new HearthException(expiringTokensError(left, this.expiredGrants));
        this.onChange?.({ error: this.failure });
        throw this.failure;
      }
    } else this.expiredGrants = 0;
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
      this.renew().catch((error: unknown) => {
        // Giving up has already been reported, once.
        if (error !== this.failure) this.onChange?.({ error });
      });
    }, Math.min(MAX_TIMER_MS, Math.max(1_000, ttl - lead)));
    // A pending refresh must not keep the language server alive at exit.
    this.timer.unref();
  }
}

/** What the user reads once the server's access tokens kept expiring on arrival. */
function expiringTokensError(leftMs: number, grants: number): HearthException['error'] {
  const seconds = Math.round(Math.abs(leftMs) / 1000);
  const when = leftMs <= 0 ? `the last one had expired ${seconds} s before it arrived` : `the last one expired ${seconds} s after it arrived`;
  return {
    code: 'invalidRequest',
    message:
      `The team server hands out access tokens that expire immediately by this computer's clock (${when}; ${grants} in a row), so Hearth stopped asking it for new ones. ` +
      'The clock of the server or of this computer is probably wrong: check this computer\'s date and time, ask the server\'s admin to check the server\'s clock and its access token lifetime, ' +
      'then run "Hearth: Connect to Team Server" again. Your conversation is kept.',
    retryable: false,
  };
}
