import type { ServiceError } from '@grpc/grpc-js';
import { HearthException } from '../../agent-host';
import { callWithPolicy, type RemoteCallPolicy } from './remoteCallPolicy';
import { toHearthErrorFromGrpc } from './remoteErrors';
import type { TeamConnection } from './teamConnection';

/** Starts one unary call with this metadata; returns the call so it can be cancelled. */
export type UnaryStart<T> = (md: Awaited<ReturnType<TeamConnection['metadata']>>, cb: (err: ServiceError | null, res?: T) => void) => { cancel(): void };

/**
 * A unary call to the team server with auth, under the remote-call policy
 * (retries, one re-sign-in, the server's retry-after). Failures become a
 * HearthException the user can act on; aborting `signal` cancels the call.
 */
export async function callUnary<T>(connection: TeamConnection, start: UnaryStart<T>, policy: RemoteCallPolicy, signal?: AbortSignal): Promise<T> {
  const attempt = async (): Promise<T> => {
    const md = await connection.metadata(signal);
    return new Promise<T>((resolve, reject) => {
      const call = start(md, (err, res) => (err ? reject(err) : resolve(res as T)));
      signal?.addEventListener('abort', () => call.cancel(), { once: true });
    });
  };
  try {
    return await callWithPolicy(attempt, policy, { signal, reauthenticate: () => connection.auth.invalidate() });
  } catch (err) {
    if (signal?.aborted) throw new HearthException({ code: 'cancelled', message: 'The request was cancelled.', host: connection.host, retryable: true });
    throw new HearthException(toHearthErrorFromGrpc(err, connection.host, false), { cause: err });
  }
}
