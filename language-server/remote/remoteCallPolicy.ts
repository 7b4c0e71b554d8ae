/**
 * What the client does when a call to the team server fails, in one place
 * for every call it makes (chat turns, model lists, inline completions,
 * sign-in and refresh):
 *
 * - UNAVAILABLE (the server cannot be reached): try again with exponential
 *   backoff and full jitter, so clients reconnecting after a restart do not
 *   all arrive at once.
 * - UNAUTHENTICATED / PERMISSION_DENIED (the token was refused): sign in again
 *   once and retry; not for the sign-in calls themselves.
 * - RESOURCE_EXHAUSTED with the server's `retry-after-ms` trailer (rate limit,
 *   full queue): wait that long and retry once, when the caller accepts a wait
 *   that long; otherwise fail, and the error tells the user when to retry
 *   (HearthError.retryAfterMs and its message).
 * - Anything else fails at once.
 *
 * Callers retry only while nothing of the call has reached the user (a chat
 * turn that already streamed text is not sent again).
 */
import { status } from '@grpc/grpc-js';
import { isServiceError, retryAfterMs } from './remoteErrors';

export interface BackoffPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { attempts: 4, baseMs: 250, maxMs: 4000 };

export interface RemoteCallPolicy {
  /** Attempts in all (the first included) and the backoff between them while the server is unreachable. */
  backoff: BackoffPolicy;
  /** Sign in again (once) when the server refuses the token. */
  reauthenticate: boolean;
  /** The longest server-requested wait (`retry-after-ms`) the caller sits out before retrying; 0 never waits. */
  maxRetryAfterMs: number;
}

/** Chat turns and model lists: a short wait the server asks for is waited out (the turn says so). */
export const INTERACTIVE_POLICY: RemoteCallPolicy = { backoff: DEFAULT_BACKOFF, reauthenticate: true, maxRetryAfterMs: 3000 };
/** Inline completions: one attempt, no waiting; a suggestion that comes seconds late is worthless. */
export const COMPLETION_POLICY: RemoteCallPolicy = { backoff: { ...DEFAULT_BACKOFF, attempts: 1 }, reauthenticate: true, maxRetryAfterMs: 0 };
/** Sign-in and refresh: retried while the server is unreachable; a throttled sign-in tells when to try again. */
export const SIGN_IN_POLICY: RemoteCallPolicy = { backoff: DEFAULT_BACKOFF, reauthenticate: false, maxRetryAfterMs: 0 };

export interface AttemptState {
  /** Attempts already made, minus one (0 after the first failure). */
  attempt: number;
  reauthenticated: boolean;
  /** Whether a server-requested wait was already sat out. */
  waitedForServer: boolean;
}

export type RetryDecision =
  | { action: 'retry'; delayMs: number; reason: 'unavailable' | 'reauthenticate' | 'retryAfter' }
  | { action: 'fail'; retryAfterMs?: number };

export function newAttemptState(): AttemptState {
  return { attempt: 0, reauthenticated: false, waitedForServer: false };
}

/** Exponential backoff with full jitter: attempt n waits a random time between half and all of min(maxMs, baseMs * 2^n). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** What to do after `err`; updates `state` for a retry. */
export function decideRetry(err: unknown, state: AttemptState, policy: RemoteCallPolicy, random: () => number = Math.random): RetryDecision {
  if (!isServiceError(err)) return { action: 'fail' };
  const moreAttempts = state.attempt + 1 < policy.backoff.attempts;
  switch (err.code) {
    case status.UNAUTHENTICATED:
    case status.PERMISSION_DENIED:
      if (!policy.reauthenticate || state.reauthenticated) return { action: 'fail' };
      // A refused token is not the server being unreachable: it does not use up an attempt.
      state.reauthenticated = true;
      return { action: 'retry', delayMs: 0, reason: 'reauthenticate' };
    case status.UNAVAILABLE:
      if (!moreAttempts) return { action: 'fail' };
      return { action: 'retry', delayMs: backoffDelay(state.attempt++, policy.backoff, random), reason: 'unavailable' };
    case status.RESOURCE_EXHAUSTED: {
      const wait = retryAfterMs(err);
      if (wait === undefined) return { action: 'fail' };
      if (state.waitedForServer || wait > policy.maxRetryAfterMs) return { action: 'fail', retryAfterMs: wait };
      state.waitedForServer = true;
      return { action: 'retry', delayMs: wait, reason: 'retryAfter' };
    }
    default:
      return { action: 'fail' };
  }
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface CallHooks {
  signal?: AbortSignal;
  /** Forgets the refused token, so the next attempt signs in again. */
  reauthenticate?(): void;
  /** Told before each wait, e.g. to show "retrying in 2 s". */
  onRetry?(decision: Extract<RetryDecision, { action: 'retry' }>): void;
  random?: () => number;
}

/**
 * Runs `attempt` under `policy`. Rejects with the last error (callers turn it
 * into a HearthError), or with the signal's reason when cancelled while waiting.
 */
export async function callWithPolicy<T>(attempt: () => Promise<T>, policy: RemoteCallPolicy, hooks: CallHooks = {}): Promise<T> {
  const state = newAttemptState();
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (hooks.signal?.aborted) throw err;
      const decision = decideRetry(err, state, policy, hooks.random);
      if (decision.action === 'fail') throw err;
      if (decision.reason === 'reauthenticate') hooks.reauthenticate?.();
      hooks.onRetry?.(decision);
      if (decision.delayMs > 0) await sleep(decision.delayMs, hooks.signal);
    }
  }
}
