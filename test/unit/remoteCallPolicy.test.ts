/** The client's one policy for failed team-server calls: what is retried, after how long, and what the user is told. */
import assert from 'node:assert/strict';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { backoffDelay, callWithPolicy, COMPLETION_POLICY, decideRetry, INTERACTIVE_POLICY, newAttemptState, SIGN_IN_POLICY, type RemoteCallPolicy } from '../../language-server/remote/remoteCallPolicy';
import { toHearthErrorFromGrpc } from '../../language-server/remote/remoteErrors';

function grpcError(code: status, details = status[code], trailers: Record<string, string> = {}): ServiceError {
  const metadata = new Metadata();
  for (const [k, v] of Object.entries(trailers)) metadata.set(k, v);
  return Object.assign(new Error(details), { code, details, metadata });
}

const FAST: RemoteCallPolicy = { backoff: { attempts: 3, baseMs: 1, maxMs: 2 }, reauthenticate: true, maxRetryAfterMs: 50 };

describe('remote-call policy', () => {
  it('backoff grows exponentially with jitter and a cap', () => {
    const policy = { attempts: 5, baseMs: 100, maxMs: 1000 };
    assert.equal(backoffDelay(0, policy, () => 0), 50);
    assert.equal(backoffDelay(0, policy, () => 1), 100);
    assert.equal(backoffDelay(3, policy, () => 1), 800);
    assert.equal(backoffDelay(10, policy, () => 1), 1000);
  });

  it('UNAVAILABLE is retried with backoff until the attempts run out', () => {
    const state = newAttemptState();
    const policy: RemoteCallPolicy = { ...INTERACTIVE_POLICY, backoff: { attempts: 3, baseMs: 100, maxMs: 1000 } };
    assert.deepEqual(decideRetry(grpcError(status.UNAVAILABLE), state, policy, () => 1), { action: 'retry', delayMs: 100, reason: 'unavailable' });
    assert.deepEqual(decideRetry(grpcError(status.UNAVAILABLE), state, policy, () => 1), { action: 'retry', delayMs: 200, reason: 'unavailable' });
    assert.deepEqual(decideRetry(grpcError(status.UNAVAILABLE), state, policy, () => 1), { action: 'fail' });
    assert.deepEqual(decideRetry(grpcError(status.UNAVAILABLE), newAttemptState(), COMPLETION_POLICY), { action: 'fail' }, 'completions try once');
  });

  it('a refused token means one new sign-in, not more, and never for the sign-in calls themselves', () => {
    const state = newAttemptState();
    assert.deepEqual(decideRetry(grpcError(status.UNAUTHENTICATED), state, INTERACTIVE_POLICY), { action: 'retry', delayMs: 0, reason: 'reauthenticate' });
    assert.deepEqual(decideRetry(grpcError(status.PERMISSION_DENIED), state, INTERACTIVE_POLICY), { action: 'fail' });
    assert.deepEqual(decideRetry(grpcError(status.UNAUTHENTICATED), newAttemptState(), SIGN_IN_POLICY), { action: 'fail' });
  });

  it('RESOURCE_EXHAUSTED: a short retry-after is waited out once; a long one is reported', () => {
    const short = grpcError(status.RESOURCE_EXHAUSTED, 'busy', { 'retry-after-ms': '1200' });
    const state = newAttemptState();
    assert.deepEqual(decideRetry(short, state, INTERACTIVE_POLICY), { action: 'retry', delayMs: 1200, reason: 'retryAfter' });
    assert.deepEqual(decideRetry(short, state, INTERACTIVE_POLICY), { action: 'fail', retryAfterMs: 1200 }, 'only once');
    const long = grpcError(status.RESOURCE_EXHAUSTED, 'busy', { 'retry-after-ms': '45000' });
    assert.deepEqual(decideRetry(long, newAttemptState(), INTERACTIVE_POLICY), { action: 'fail', retryAfterMs: 45000 });
    assert.deepEqual(decideRetry(short, newAttemptState(), COMPLETION_POLICY), { action: 'fail', retryAfterMs: 1200 }, 'completions never wait');
    assert.deepEqual(decideRetry(grpcError(status.RESOURCE_EXHAUSTED), newAttemptState(), INTERACTIVE_POLICY), { action: 'fail' }, 'no trailer: nothing to wait for');
  });

  it('other failures and non-gRPC errors fail at once', () => {
    for (const code of [status.INVALID_ARGUMENT, status.NOT_FOUND, status.INTERNAL, status.DEADLINE_EXCEEDED, status.CANCELLED]) {
      assert.deepEqual(decideRetry(grpcError(code), newAttemptState(), INTERACTIVE_POLICY), { action: 'fail' }, status[code]);
    }
    assert.deepEqual(decideRetry(new Error('boom'), newAttemptState(), INTERACTIVE_POLICY), { action: 'fail' });
  });

  it('callWithPolicy signs in again once, waits the server out, and gives up with the last error', async () => {
    const failures = [grpcError(status.UNAUTHENTICATED), grpcError(status.RESOURCE_EXHAUSTED, 'busy', { 'retry-after-ms': '30' }), grpcError(status.UNAVAILABLE)];
    let reauthenticated = 0;
    const retries: string[] = [];
    const started = performance.now();
    const value = await callWithPolicy(
      async () => {
        const next = failures.shift();
        if (next) throw next;
        return 'ok';
      },
      FAST,
      { reauthenticate: () => reauthenticated++, onRetry: (d) => retries.push(d.reason) },
    );
    assert.equal(value, 'ok');
    assert.equal(reauthenticated, 1);
    assert.deepEqual(retries, ['reauthenticate', 'retryAfter', 'unavailable']);
    assert.ok(performance.now() - started >= 25, 'the server-requested wait was sat out');

    const last = grpcError(status.RESOURCE_EXHAUSTED, 'busy', { 'retry-after-ms': '60000' });
    await assert.rejects(
      callWithPolicy(async () => {
        throw last;
      }, FAST),
      (err) => err === last,
    );
  });

  it('a cancelled caller stops waiting at once', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const pending = callWithPolicy(async () => {
      throw grpcError(status.UNAVAILABLE);
    }, { ...FAST, backoff: { attempts: 5, baseMs: 10_000, maxMs: 10_000 } }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await assert.rejects(pending, /stop/);
    assert.ok(performance.now() - started < 1000);
  });

  it('the user is told when to retry: retryAfterMs, and the time in the message when the server did not say it', () => {
    const hinted = toHearthErrorFromGrpc(grpcError(status.RESOURCE_EXHAUSTED, 'You have reached the limit; retry in 42 s.', { 'retry-after-ms': '41500' }), 'grpcs://gpu:50051', false);
    assert.equal(hinted.code, 'limitReached');
    assert.equal(hinted.retryAfterMs, 41500);
    assert.equal(hinted.message, 'The team server is busy: You have reached the limit; retry in 42 s.');
    const bare = toHearthErrorFromGrpc(grpcError(status.RESOURCE_EXHAUSTED, 'The model queue is full.', { 'retry-after-ms': '2500' }), 'grpcs://gpu:50051', false);
    assert.equal(bare.message, 'The team server is busy: The model queue is full. Retry in 3 s.');
    assert.equal(toHearthErrorFromGrpc(grpcError(status.RESOURCE_EXHAUSTED, 'Full.'), 'h', false).retryAfterMs, undefined);
  });
});
