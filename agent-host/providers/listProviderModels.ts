/**
 * The models of every provider of `hearth.providers`, asked side by side.
 * A provider that does not answer becomes one error naming it and its URL;
 * it never hides the other providers' models, nor Ollama's.
 */
import { Ollama } from 'ollama';
import type { HearthError } from '../../protocol/chat';
import type { ModelInfo, ProviderConfig } from '../../protocol/lspMethods';
import { classifyFailure, unreachableError } from '../core/errorMapping';
import { listOpenAiModels } from '../openai/openAiModels';
import { formatModelRef } from './modelRef';
import type { ProviderRegistry } from './providerRegistry';
import { openAiEndpoint } from './providerFetch';

/** How long one provider may take to list its models before the picker goes on without it. */
const LIST_TIMEOUT_MS = 5000;

export interface ProviderModels {
  models: ModelInfo[];
  failures: HearthError[];
}

async function namesOf(registry: ProviderRegistry, provider: ProviderConfig, signal: AbortSignal, base: typeof fetch): Promise<ModelInfo[]> {
  if (provider.kind === 'openai') {
    const entries = await listOpenAiModels(openAiEndpoint(registry, provider), signal, base);
    return entries.map((e) => ({ name: formatModelRef(provider.name, e.name), provider: provider.name }));
  }
  const apiKey = registry.apiKey(provider);
  const client = new Ollama({ host: provider.baseUrl, headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : undefined, fetch: (input, init) => base(input, { ...init, signal }) });
  const list = await client.list();
  return list.models.map((m) => ({ name: formatModelRef(provider.name, m.name), provider: provider.name, sizeBytes: m.size, family: m.details?.family, parameterSize: m.details?.parameter_size, quantization: m.details?.quantization_level }));
}

function failureOf(registry: ProviderRegistry, provider: ProviderConfig, err: unknown): HearthError {
  const failure = classifyFailure(err);
  const server = registry.server(provider);
  if (failure.kind === 'unreachable' || failure.kind === 'dropped') return unreachableError(provider.baseUrl, failure.detail, server);
  if (failure.kind === 'aborted') return unreachableError(provider.baseUrl, `no answer within ${LIST_TIMEOUT_MS / 1000} s`, server);
  const detail = failure.kind === 'http' ? `HTTP ${failure.status}: ${failure.message}` : failure.message;
  const hint = /HTTP 401|HTTP 403/.test(detail) ? ' Set its key with the command "Hearth: Set Provider API Key".' : '';
  return { code: 'modelError', message: `The ${provider.kind === 'openai' ? 'OpenAI-compatible' : 'Ollama'} provider "${provider.name}" at ${provider.baseUrl} could not list its models (${detail}).${hint}`, host: provider.baseUrl, retryable: true };
}

export async function listProviderModels(registry: ProviderRegistry, signal: AbortSignal | undefined, base: typeof fetch = fetch): Promise<ProviderModels> {
  const results = await Promise.all(
    registry.providers.map(async (provider) => {
      const timeout = AbortSignal.timeout(LIST_TIMEOUT_MS);
      try {
        return { models: await namesOf(registry, provider, signal ? AbortSignal.any([signal, timeout]) : timeout, base) };
      } catch (err) {
        if (signal?.aborted) throw err;
        return { failure: failureOf(registry, provider, err) };
      }
    }),
  );
  return {
    models: results.flatMap((r) => r.models ?? []),
    failures: results.flatMap((r) => (r.failure ? [r.failure] : [])),
  };
}
