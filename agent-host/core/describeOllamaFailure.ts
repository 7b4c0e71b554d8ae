import type { Ollama } from 'ollama';
import type { HearthError } from '../../protocol/chat';
import {
  classifyFailure,
  cloudModelError,
  invalidModelNameError,
  isInvalidModelName,
  connectionDroppedError,
  modelError,
  modelNotFoundError,
  notOllamaError,
  ollamaTooOldError,
  oversizedLineError,
  unfinishedReplyError,
  isMissingProviderRoute,
  isMissingRoute,
  providerMissingRouteError,
  unreachableError,
  webPageTitle,
  type ProviderServer,
} from './errorMapping';
import { HearthException } from './hearthException';

export interface FailureContext {
  client: Ollama;
  host: string;
  model: string;
  /** Where the model runs when it is not the default Ollama's (a `provider::model` reference), with its own list of models. */
  provider?: { server: ProviderServer; model: string; listModels(): Promise<string[] | undefined> };
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
  const provider = context.provider;
  if (provider) {
    switch (failure.kind) {
      case 'unreachable':
        return unreachableError(context.host, failure.detail, provider.server);
      case 'dropped':
        if (failure.oversized) return oversizedLineError(context.host, context.model, failure.detail, provider.server);
        return connectionDroppedError(context.host, context.model, failure.detail, provider.server);
      case 'http':
        // Checked first: FastAPI's "Not Found" for a route it lacks also says "not found", but no model is missing.
        if (isMissingProviderRoute(failure.status, failure.message)) return providerMissingRouteError(provider.server, context.model);
        // OpenAI-compatible servers answer an unknown model with 404 (vLLM, LM Studio) or 400 saying so (llama-server's router).
        if ((failure.status === 404 || failure.status === 400) && /not (be )?found|does not exist|no such model|unknown model/i.test(failure.message)) {
          return modelNotFoundError(context.host, provider.model, await provider.listModels(), provider.server);
        }
        return modelError(context.host, context.model, failure.message, failure.status, provider.server);
      case 'other':
        return modelError(context.host, context.model, failure.message, undefined, provider.server);
      case 'aborted':
        return { code: 'cancelled', message: 'The request was cancelled.', host: provider.server.host, model: context.model, retryable: true };
    }
  }
  // Before the model checks: a proxy's "404 Not Found" page is not Ollama saying the model is missing.
  const page = failure.kind === 'http' || failure.kind === 'other' ? webPageTitle(failure.message) : undefined;
  if (page !== undefined) return notOllamaError(context.host, page, failure.kind === 'http' ? failure.status : undefined);
  switch (failure.kind) {
    case 'unreachable':
      return unreachableError(context.host, failure.detail);
    case 'dropped':
      if (failure.unfinished) return unfinishedReplyError(context.host, context.model);
      if (failure.oversized) return oversizedLineError(context.host, context.model, failure.detail);
      return connectionDroppedError(context.host, context.model, failure.detail);
    case 'http':
      // Checked first: the router's own 404 also says "not found", but no model is missing.
      if (isMissingRoute(failure.status, failure.message)) return ollamaTooOldError(context.host, context.model);
      if (isInvalidModelName(failure.status, failure.message)) return invalidModelNameError(context.host, context.model, await installedModelNames(context.client));
      if (failure.status === 404 && /not found/i.test(failure.message)) {
        return modelNotFoundError(context.host, context.model, await installedModelNames(context.client));
      }
      return cloudModelError(context.host, context.model, failure.status, failure.message) ?? modelError(context.host, context.model, failure.message, failure.status);
    case 'other':
      // A plain Error from the client during a model call is Ollama's in-stream `{"error": ...}`.
      return modelError(context.host, context.model, failure.message);
    case 'aborted':
      return { code: 'cancelled', message: 'The request was cancelled.', host: context.host, model: context.model, retryable: true };
  }
}
