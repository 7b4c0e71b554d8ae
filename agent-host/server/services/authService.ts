/**
 * AuthService: API key -> tokens, and refresh-token rotation. Failed
 * attempts are counted per client address (an IPv6 client per /64, see
 * throttleKey) so a key cannot be guessed at speed. Behind a balancer named in
 * server.trusted_proxies the client is the address the balancer put in
 * X-Forwarded-For; anyone else's header is ignored, or a guesser could pick
 * a fresh budget with every attempt.
 */
import { status } from '@grpc/grpc-js';
import type { AuthenticateRequest__Output } from '../../../protocol/generated/hearth/v1/AuthenticateRequest';
import type { AuthTokens } from '../../../protocol/generated/hearth/v1/AuthTokens';
import type { RefreshRequest__Output } from '../../../protocol/generated/hearth/v1/RefreshRequest';
import { forwardedClient, type TrustedProxies } from '../admin/clientAddress';
import type { ApiKeyStore } from '../auth/apiKeys';
import { AuthFailure, unauthenticated } from '../auth/authFailure';
import { throttleKey } from '../auth/throttleKey';
import type { IssuedTokens, TokenService } from '../auth/tokenService';
import type { AuditLog } from '../ops/auditLog';
import type { ServerMetrics } from '../ops/serverMetrics';
import type { RateLimit } from '../scheduler/rateLimiter';
import { retryHint } from '../scheduler/schedulerErrors';
import type { CallContext } from './callGuard';
import { exhausted } from './serviceFailure';

export interface AuthServiceDeps {
  /** Undefined when auth is disabled: Authenticate then answers with empty tokens. */
  tokens?: TokenService;
  apiKeys?: ApiKeyStore;
  failedAttempts: RateLimit;
  /** Balancers whose X-Forwarded-For names the client (server.trusted_proxies). */
  trustedProxies: TrustedProxies;
  /** Successful sign-ins per user (limits.signInsPerMinute); undefined: not limited. */
  signIns?: { limit: RateLimit; perMinute: number };
  audit: AuditLog;
  metrics: ServerMetrics;
}

/** The peer's address without the port, so reconnecting does not reset the failure budget. */
function peerHost(peer: string): string {
  return peer.replace(/:\d+$/, '');
}

/** The client's address as the sign-in throttle sees it: the peer, or what a trusted balancer says the client is. */
function signInAddress(ctx: CallContext, forwardedFor: readonly string[], deps: AuthServiceDeps): string {
  return forwardedClient(peerHost(ctx.peer), forwardedFor, deps.trustedProxies);
}

function toProto(t: IssuedTokens): AuthTokens {
  return { access_token: t.accessToken, access_expires_at_ms: t.accessExpiresAtMs, refresh_token: t.refreshToken, refresh_expires_at_ms: t.refreshExpiresAtMs, user: t.user };
}

/** `forwardedFor`: the call's X-Forwarded-For metadata values, read only when the peer is a trusted proxy. */
export async function authenticate(req: AuthenticateRequest__Output, ctx: CallContext, deps: AuthServiceDeps, forwardedFor: readonly string[] = []): Promise<AuthTokens> {
  if (!deps.tokens || !deps.apiKeys) return { access_token: '', access_expires_at_ms: 0, refresh_token: '', refresh_expires_at_ms: 0, user: 'local' };
  const user = await deps.apiKeys.verify(req.api_key);
  if (!user) {
    const reason = req.api_key.trim() === '' ? 'empty_key' : 'bad_key';
    const address = signInAddress(ctx, forwardedFor, deps);
    deps.audit.record({ event: 'auth.failure', peer: ctx.peer, ...(address !== peerHost(ctx.peer) ? { address } : {}), reason });
    const wait = await deps.failedAttempts.take(throttleKey(address));
    if (wait > 0) {
      // The call guard counts AuthFailures in hearth_auth_failures_total; this refusal is not one, so it is counted here.
      deps.metrics.authFailures.inc({ reason });
      throw exhausted(`Too many failed sign-ins from this address; ${retryHint(wait)}.`, wait);
    }
    throw new AuthFailure(
      status.UNAUTHENTICATED,
      reason === 'empty_key' ? 'No API key was given. Run Hearth: Connect to Team Server and paste the key your admin gave you.' : 'The API key was not accepted. Check it in Hearth: Connect to Team Server, or ask the team server admin for a new one.',
      reason,
    );
  }
  const wait = (await deps.signIns?.limit.take(user)) ?? 0;
  if (wait > 0) {
    deps.metrics.rejected.inc({ kind: 'signin', reason: 'rate_limit' });
    throw exhausted(`The user "${user}" has signed in more than ${deps.signIns?.perMinute} times in the last minute; ${retryHint(wait)}. Hearth signs in once per window and then refreshes its sign-in, so check for a script signing in with this key.`, wait);
  }
  deps.audit.record({ event: 'auth.success', user, peer: ctx.peer, client: req.client_name.slice(0, 100) || undefined });
  return toProto(await deps.tokens.issueForSignIn(user));
}

export async function refresh(req: RefreshRequest__Output, ctx: CallContext, deps: AuthServiceDeps): Promise<AuthTokens> {
  if (!deps.tokens) throw unauthenticated('auth_disabled', 'This server does not use tokens.');
  try {
    const tokens = await deps.tokens.refresh(req.refresh_token);
    if (deps.apiKeys && !deps.apiKeys.hasUser(tokens.user)) {
      await deps.tokens.families.revokeUser(tokens.user);
      throw new AuthFailure(status.PERMISSION_DENIED, `The user "${tokens.user}" no longer has access to this team server.`, 'user_removed');
    }
    deps.audit.record({ event: 'token.refresh', user: tokens.user, peer: ctx.peer });
    return toProto(tokens);
  } catch (err) {
    if (err instanceof AuthFailure) deps.audit.record({ event: 'token.refresh_failure', peer: ctx.peer, reason: err.reason });
    throw err;
  }
}
