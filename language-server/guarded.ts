import { ResponseError, type CancellationToken } from 'vscode-languageserver/node';
import type { HearthError } from '../protocol/chat';
import { toHearthError } from './chat/chatService';

/** LSP error code for Hearth's user-facing errors; `data` carries the HearthError. */
export const HEARTH_ERROR_CODE = -32001;

function toResponseError(err: unknown): ResponseError<HearthError> {
  const error = toHearthError(err);
  return new ResponseError(HEARTH_ERROR_CODE, error.message, error);
}

/** Wraps a handler so every failure reaches the client as a typed HearthError; the request's cancellation token is passed on. */
export function guarded<P, R>(handler: (params: P, token: CancellationToken) => Promise<R> | R): (params: P, token: CancellationToken) => Promise<R | ResponseError<HearthError>> {
  return async (params, token) => {
    try {
      return await handler(params, token);
    } catch (err) {
      return toResponseError(err);
    }
  };
}


/** An AbortSignal that follows an LSP request's cancellation, so cancelling reaches the work it started. */
export function signalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
