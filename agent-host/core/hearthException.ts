import type { HearthError } from '../../protocol/chat';

/**
 * An Error that carries the `HearthError` the user should see. The core throws
 * it from promise-returning calls (`listModels`); a turn never throws, it turns
 * the same error into an `error` event followed by `done`.
 */
export class HearthException extends Error {
  readonly error: HearthError;

  constructor(error: HearthError, options?: { cause?: unknown }) {
    super(error.message, options);
    this.name = 'HearthException';
    this.error = error;
  }
}
