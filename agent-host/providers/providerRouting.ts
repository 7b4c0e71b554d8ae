/**
 * What a model client needs to reach `hearth.providers`: a `fetch` that
 * routes each `provider::model` request to its provider, and the provider a
 * model string names, for error messages that name that provider and its
 * own model list. The chat agent and the inline-suggestion completer both
 * take their routing from here, so a provider model works the same in both.
 */
import type { ProviderConfig } from '../../protocol/lspMethods';
import type { FailureContext } from '../core/describeOllamaFailure';
import { listProviderModels, type ProviderModels } from './listProviderModels';
import { createProviderFetch } from './providerFetch';
import { ProviderRegistry, type ProviderKeyLookup } from './providerRegistry';

export interface ProviderRouting {
  registry: ProviderRegistry;
  /** Routes `provider::model` requests to their provider and the rest to `base`. */
  fetch: typeof fetch;
  /** The provider `model` names, for error messages; undefined for the default Ollama's models. */
  locate(model: string): FailureContext['provider'];
  /** Every provider's models (`provider::model`), asked side by side; a dead provider only loses its own. */
  listModels(signal?: AbortSignal): Promise<ProviderModels>;
}

/**
 * Undefined without providers: then every request goes to the default Ollama
 * unchanged. `base` makes Ollama-format requests (the default Ollama's, an
 * Ollama provider's, model lists); `openAiFetch` the OpenAI-compatible
 * servers' streaming requests, which need a full `fetch` (the global one,
 * through the user's proxy when there is one).
 */
export function providerRouting(providers: readonly ProviderConfig[] | undefined, providerKey: ProviderKeyLookup | undefined, base: typeof fetch, openAiFetch?: typeof fetch): ProviderRouting | undefined {
  if (!providers?.length) return undefined;
  const registry = new ProviderRegistry(providers, providerKey, openAiFetch);
  return {
    registry,
    fetch: createProviderFetch(registry, base),
    listModels: (signal) => listProviderModels(registry, signal, base),
    locate: (model) => {
      const resolved = registry.resolve(model);
      if (resolved.kind !== 'provider') return undefined;
      const provider = resolved.provider;
      return {
        server: registry.server(provider),
        model: resolved.model,
        listModels: async () => {
          const listed = await listProviderModels(new ProviderRegistry([provider], providerKey, openAiFetch), undefined, base);
          return listed.failures.length ? undefined : listed.models.map((m) => m.name);
        },
      };
    },
  };
}
