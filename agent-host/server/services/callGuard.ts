/**
 * Wraps every RPC handler: checks the bearer token (all RPCs but
 * Authenticate and Health), turns thrown failures into gRPC statuses with
 * clear messages, and counts the outcome. Handlers receive the caller's user.
 */
import { status, type Metadata, type ServerDuplexStream, type ServerUnaryCall, type sendUnaryData, type ServiceError } from '@grpc/grpc-js';
import { AuthFailure, unauthenticated } from '../auth/authFailure';
import type { ApiKeyStore } from '../auth/apiKeys';
import type { Principal, TokenService } from '../auth/tokenService';
import type { Logger } from '../ops/logger';
import type { ServerMetrics } from '../ops/serverMetrics';
import { ProtocolViolation } from '../../../protocol/grpc/protocolViolation';
import { ServiceFailure } from './serviceFailure';

export interface CallContext {
  principal: Principal;
  peer: string;
}

export interface GuardDeps {
  /** Undefined when auth is disabled (standalone mode): every caller is the local user. */
  tokens?: TokenService;
  apiKeys?: ApiKeyStore;
  metrics: ServerMetrics;
  logger: Logger;
}

const LOCAL_PRINCIPAL: Principal = { user: 'local', family: '' };

/**
 * The most request metadata (all keys and values, counted as HTTP/2 does:
 * name + value + 32 per field) a call may carry. Hearth's own clients send a
 * token of under 1 KB; anything near this is not a token this server issued.
 * Fields over 64 KiB never get here: HTTP/2 itself refuses them with the
 * connection (see ops/http2SessionWatchdog.ts).
 */
export const MAX_METADATA_BYTES = 16 * 1024;

function metadataBytes(metadata: Metadata): number {
  let bytes = 0;
  for (const [key, values] of Object.entries(metadata.toJSON())) for (const value of values) bytes += key.length + value.length + 32;
  return bytes;
}

/** Refuses oversized metadata with a status that says so, before anything reads it. */
function checkMetadataSize(metadata: Metadata, deps: GuardDeps): void {
  const bytes = metadataBytes(metadata);
  if (bytes <= MAX_METADATA_BYTES) return;
  deps.metrics.rejected.inc({ kind: 'rpc', reason: 'metadata_too_large' });
  throw new ServiceFailure(
    status.RESOURCE_EXHAUSTED,
    `Request metadata too large: ${Math.ceil(bytes / 1024)} KB, and this team server accepts at most ${MAX_METADATA_BYTES / 1024} KB. A token that large was not issued by this server; sign in again with your API key.`,
  );
}

function bearer(metadata: Metadata): string {
  const values = metadata.get('authorization');
  if (values.length === 0) throw unauthenticated('missing', 'This team server requires sign-in: no access token was sent. Connect with Hearth: Connect to Team Server and your API key.');
  const match = /^Bearer\s+(\S+)$/i.exec(String(values[0]));
  if (!match) throw unauthenticated('malformed', 'The authorization header must be "Bearer <access token>".');
  return match[1];
}

/** The refusal for a user the API keys no longer list. */
export function userRemoved(user: string): AuthFailure {
  return new AuthFailure(status.PERMISSION_DENIED, `The user "${user}" no longer has access to this team server. Ask its admin for a new API key.`, 'user_removed');
}

export async function authenticateCall(metadata: Metadata, deps: GuardDeps): Promise<Principal> {
  if (!deps.tokens) return LOCAL_PRINCIPAL;
  const principal = await deps.tokens.verifyAccess(bearer(metadata));
  if (deps.apiKeys && !deps.apiKeys.hasUser(principal.user)) throw userRemoved(principal.user);
  return principal;
}

/**
 * Why a principal admitted at the start of a long call may no longer act
 * (its sign-in was revoked, or its user was removed from the API keys), or
 * undefined while it still may. A chat turn can run for hours of tool round
 * trips on one call, so the token check at its start is not enough: the turn
 * asks again before and after every tool call. A store that cannot answer
 * (Redis down) leaves the turn running: new calls already fail closed, and
 * ending every developer's running turn on a blip would be worse.
 */
export async function revocationOf(principal: Principal, deps: GuardDeps): Promise<AuthFailure | undefined> {
  if (!deps.tokens) return undefined;
  if (deps.apiKeys && !deps.apiKeys.hasUser(principal.user)) return userRemoved(principal.user);
  try {
    if (await deps.tokens.families.isRevoked(principal.family)) {
      return new AuthFailure(status.PERMISSION_DENIED, 'This sign-in was revoked (a refresh token was reused), so its running turn was stopped. Sign in again with your API key.', 'family_revoked');
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Maps anything a handler throws to a ServiceError the client can act on. */
export function toServiceError(err: unknown, deps: GuardDeps, method: string): Partial<ServiceError> {
  if (err instanceof AuthFailure) {
    deps.metrics.authFailures.inc({ reason: err.reason });
    return { code: err.code, details: err.message };
  }
  if (err instanceof ServiceFailure) return err.toServiceError();
  if (err instanceof ProtocolViolation) return { code: status.INVALID_ARGUMENT, details: `Invalid request: ${err.message}` };
  deps.logger.error('rpc failed', { method, error: (err as Error)?.message ?? String(err) });
  return { code: status.INTERNAL, details: 'The team server hit an unexpected error; its admin can find details in the server log.' };
}

/**
 * Runs `run` with a signal that aborts when the client cancels the call.
 * grpc-js also emits 'cancelled' after every call that ended normally;
 * aborting then would only build an AbortError nobody reads, once per call.
 */
export async function withCancellation<T>(call: { on(event: 'cancelled', listener: () => void): unknown }, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let running = true;
  call.on('cancelled', () => {
    if (running) controller.abort();
  });
  try {
    return await run(controller.signal);
  } finally {
    running = false;
  }
}

export function guardUnary<Req, Res>(
  method: string,
  deps: GuardDeps,
  requireAuth: boolean,
  handler: (request: Req, ctx: CallContext, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    const run = async (): Promise<Res> => {
      checkMetadataSize(call.metadata, deps);
      const principal = requireAuth ? await authenticateCall(call.metadata, deps) : LOCAL_PRINCIPAL;
      return handler(call.request, { principal, peer: call.getPeer() }, call);
    };
    run().then(
      (res) => {
        deps.metrics.rpcs.inc({ method, code: 'OK' });
        callback(null, res);
      },
      (err: unknown) => {
        const e = toServiceError(err, deps, method);
        deps.metrics.rpcs.inc({ method, code: status[e.code ?? status.UNKNOWN] });
        callback(e as ServiceError);
      },
    );
  };
}

export function guardBidi<Req, Res>(
  method: string,
  deps: GuardDeps,
  handler: (call: ServerDuplexStream<Req, Res>, ctx: CallContext) => Promise<void>,
): (call: ServerDuplexStream<Req, Res>) => void {
  return (call) => {
    const run = async () => {
      checkMetadataSize(call.metadata, deps);
      return handler(call, { principal: await authenticateCall(call.metadata, deps), peer: call.getPeer() });
    };
    run().then(
      () => deps.metrics.rpcs.inc({ method, code: 'OK' }),
      (err: unknown) => {
        const e = toServiceError(err, deps, method);
        deps.metrics.rpcs.inc({ method, code: status[e.code ?? status.UNKNOWN] });
        // Emitting 'error' on a server stream ends the call with this status.
        if (!call.cancelled) call.emit('error', e);
      },
    );
  };
}
