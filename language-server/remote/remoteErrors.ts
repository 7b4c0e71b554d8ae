/**
 * gRPC failures as the HearthErrors the chat shows. Every message says what
 * happened and what the user can do, and a server that cannot be reached
 * points at local mode.
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import type { HearthError } from '../../protocol/chat';
import { serverText } from '../../protocol/grpc/serverText';
import { HearthException } from '../../agent-host';

export function isServiceError(err: unknown): err is ServiceError {
  return typeof err === 'object' && err !== null && typeof (err as ServiceError).code === 'number' && 'details' in err;
}

/** Milliseconds from the server's `retry-after-ms` trailer, if it sent one. */
export function retryAfterMs(err: ServiceError): number | undefined {
  const v = err.metadata?.get('retry-after-ms')?.[0];
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) ? n : undefined;
}

export function unreachableTeamServer(host: string, detail: string): HearthError {
  return {
    code: 'connectionDropped',
    message: `Hearth could not reach the team server at ${host} (${detail}). Check that it is running and that this machine can reach it, or run "Hearth: Disconnect from Team Server" to use your local Ollama.`,
    host,
    retryable: true,
  };
}

export function droppedTurn(host: string, detail: string): HearthError {
  return {
    code: 'connectionDropped',
    message: `The connection to the team server at ${host} dropped during this reply (${detail}). Your conversation is kept: press Retry to send the message again.`,
    host,
    retryable: true,
  };
}

/** Megabytes, one decimal. */
function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A message over a gRPC size limit (`size` 0 when only the limit is known): what was too large, and what helps. */
function tooLarge(host: string, size: number, limit: number): HearthError {
  const sizes = size > 0 ? `${mb(size)}; it takes at most ${mb(limit)}` : `it takes at most ${mb(limit)}`;
  return {
    code: 'invalidRequest',
    message: `This conversation is too large to send to the team server at ${host} (${sizes}). Start a new chat, or remove large attachments or images, and send the message again.`,
    host,
    retryable: false,
  };
}

export function toHearthErrorFromGrpc(err: unknown, host: string, duringTurn: boolean): HearthError {
  // Already worded for the user on this side (the sign-in gave up, see teamAuth.ts): shown as it is.
  if (err instanceof HearthException) return { ...err.error, host: err.error.host ?? host };
  if (!isServiceError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return { code: 'internal', message: `The team server connection failed: ${message}`, host, retryable: true };
  }
  // The details are the server's own words (or grpc-js's, about the connection): never trusted to be plain text.
  const detail = serverText(err.details || status[err.code]);
  switch (err.code) {
    case status.UNAVAILABLE:
      return duringTurn ? droppedTurn(host, detail) : unreachableTeamServer(host, detail);
    case status.UNAUTHENTICATED:
      return { code: 'invalidRequest', message: `The team server did not accept the sign-in: ${detail} Run "Hearth: Connect to Team Server" to enter your API key again.`, host, retryable: false };
    case status.PERMISSION_DENIED:
      return { code: 'invalidRequest', message: `The team server refused access: ${detail}`, host, retryable: false };
    case status.RESOURCE_EXHAUSTED: {
      // gRPC's own message-size limit, on either side: the same conversation is refused every time, so it is not "busy".
      const size = /message (?:with a size )?larger than (?:max \((\d+) vs\.? (\d+)\)|(\d+))/.exec(detail);
      if (size) return tooLarge(host, Number(size[1] ?? 0), Number(size[2] ?? size[3]));
      // The server's retry-after-ms says when a retry can succeed; the message says it too, in whole seconds.
      const wait = retryAfterMs(err);
      const when = wait === undefined || /retry in \d+ s/i.test(detail) ? '' : ` Retry in ${Math.max(1, Math.ceil(wait / 1000))} s.`;
      return { code: 'limitReached', message: `The team server is busy: ${detail}${when}`, host, retryable: true, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
    }
    case status.INVALID_ARGUMENT:
      return { code: 'invalidRequest', message: `The team server rejected the request: ${detail}`, host, retryable: false };
    case status.NOT_FOUND:
      return { code: 'modelNotFound', message: detail, host, retryable: false };
    case status.DEADLINE_EXCEEDED:
      return { code: 'connectionDropped', message: `The team server at ${host} did not answer in time. Press Retry.`, host, retryable: true };
    case status.CANCELLED:
      return duringTurn ? droppedTurn(host, detail) : { code: 'cancelled', message: 'The request was cancelled.', host, retryable: true };
    default:
      return { code: 'internal', message: `The team server at ${host} reported an error: ${detail}`, host, retryable: true };
  }
}
