import type { Ollama } from 'ollama';
import type { HearthError } from '../../protocol/chat';
import {
  classifyFailure,
  connectionDroppedError,
  modelError,
  modelNotFoundError,
  unreachableError,
} from './errorMapping';
import { HearthException } from './hearthException';

export interface FailureContext {
  client: Ollama;
  host: string;
  model: string;
}

/** Names of installed models, or undefined if even the list cannot be fetched. */
async function installedModelNames(client: Ollama): Promise<string[] | undefined> {
  try {
    return (await client.list()).models.map((m) => m.name);
  } catch {
    return undefined;
  }
}

/**
 * The `HearthError` for a failed model call. A missing model costs one more
 * request (/api/tags) so the message can list what is installed.
 */
export async function describeOllamaFailure(err: unknown, context: FailureContext): Promise<HearthError> {
  if (err instanceof HearthException) return err.error;
  const failure = classifyFailure(err);
  switch (failure.kind) {
    case 'unreachable':
      return unreachableError(context.host, failure.detail);
    case 'dropped':
      return connectionDroppedError(context.host, context.model, failure.detail);
    case 'http':
      if (failure.status === 404 && /not found/i.test(failure.message)) {
        return modelNotFoundError(context.host, context.model, await installedModelNames(context.client));
      }
      return modelError(context.host, context.model, failure.message, failure.status);
    case 'other':
      // A plain Error from the client during a model call is Ollama's in-stream `{"error": ...}`.
      return modelError(context.host, context.model, failure.message);
    case 'aborted':
      return { code: 'cancelled', message: 'The request was cancelled.', host: context.host, model: context.model, retryable: true };
  }
}
