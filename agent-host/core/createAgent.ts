import type { ModelResponse } from 'ollama';
import type { HearthError } from '../../protocol/chat';
import type { ModelInfo } from '../../protocol/lspMethods';
import type { Agent, AgentConfig } from '../index';
import { listProviderModels } from '../providers/listProviderModels';
import { providerRouting } from '../providers/providerRouting';
import { globalFetch, viaProxies } from '../providers/proxyRoute';
import { DEFAULT_CONTEXT_CAP } from './contextBudget';
import { classifyFailure, notOllamaError, unreachableError, webPageTitle } from './errorMapping';
import { HearthException } from './hearthException';
import { ModelFactsCache } from './modelFacts';
import { createOllamaClient, displayHost } from './ollamaClient';
import { runTurn } from './runTurn';
import { pullAdvice } from './pullAdvice';

/** Settings of the core beyond the public AgentConfig; all optional. */
export interface CoreAgentConfig extends AgentConfig {
  /** Upper bound on num_ctx sent to Ollama (default 32768): larger windows cost memory and speed. */
  maxContextTokens?: number;
}

function toModelInfo(model: ModelResponse): ModelInfo {
  const modified = model.modified_at as unknown;
  return {
    name: model.name,
    sizeBytes: model.size,
    family: model.details?.family,
    parameterSize: model.details?.parameter_size,
    quantization: model.details?.quantization_level,
    modifiedAt: typeof modified === 'string' ? modified : modified instanceof Date ? modified.toISOString() : undefined,
  };
}

/**
 * The agent core: talks to Ollama only through the `ollama` npm client. Each
 * turn gets its own client whose requests all listen to the turn's signal.
 */
export function createAgent(given: CoreAgentConfig): Agent {
  // Behind a proxy every request (Ollama's, each provider's) asks the route first; without one nothing changes.
  const config = given.proxyRoute ? { ...given, fetch: viaProxies(given.fetch ?? globalFetch, given.proxyRoute) } : given;
  const host = displayHost(config.host);
  const facts = new ModelFactsCache();
  const contextCap = config.maxContextTokens ?? DEFAULT_CONTEXT_CAP;
  const baseFetch = config.fetch ?? globalFetch;
  // With providers, a `provider::model` string is answered by that provider; plain names still go to Ollama untouched.
  // The providers' own requests use the embedder's fetch too (its deadlines), through the same proxies.
  const routing = providerRouting(config.providers, config.providerKey, baseFetch, viaProxies(given.fetch ?? globalFetch, config.proxyRoute));
  const connection = routing ? { ...config, fetch: routing.fetch } : config;
  const locate = routing?.locate;
  const registry = routing?.registry;

  async function listOllamaModels(signal: AbortSignal | undefined): Promise<ModelInfo[]> {
    try {
      const list = await createOllamaClient(config, signal).list();
      return list.models.map(toModelInfo);
    } catch (err) {
      const failure = classifyFailure(err);
      switch (failure.kind) {
        case 'aborted':
          throw new HearthException({ code: 'cancelled', message: 'Listing models was cancelled.', host, retryable: true }, { cause: err });
        case 'unreachable':
        case 'dropped':
          throw new HearthException(unreachableError(host, failure.kind === 'dropped' ? `connection closed: ${failure.detail}` : failure.detail), { cause: err });
        case 'http':
        case 'other': {
          const page = webPageTitle(failure.message);
          if (page !== undefined) throw new HearthException(notOllamaError(host, page, failure.kind === 'http' ? failure.status : undefined), { cause: err });
          throw new HearthException(
            { code: 'modelError', message: `Ollama at ${host} could not list its models: ${failure.message}`, host, retryable: true },
            { cause: err },
          );
        }
      }
    }
  }

  return {
    host,
    startTurn(history, input, options, signal) {
      return runTurn({ client: createOllamaClient(connection, signal), host, history, input, options, signal, facts, contextCap, locate });
    },
    async modelDetails(model, signal) {
      const found = await facts.get(createOllamaClient(connection, signal), model);
      // A provider's model, or an Ollama cloud model, is never in this Ollama's /api/ps: there is no load to announce.
      const untracked = registry?.resolve(model).kind === 'provider' || found.remoteHost !== undefined;
      return { contextLength: found.contextLength, capabilities: found.capabilities, ...(untracked ? { loadTracked: false } : {}) };
    },
    async loadedModels(signal) {
      // /api/ps; the npm client's types predate `context_length` (api.ProcessModelResponse.ContextLength).
      const ps = await createOllamaClient(config, signal).ps();
      return ps.models.map((m) => {
        const contextLength = (m as unknown as { context_length?: unknown }).context_length;
        return { name: m.name, contextLength: typeof contextLength === 'number' && contextLength > 0 ? contextLength : undefined };
      });
    },
    async pullModel(model, onProgress, signal) {
      try {
        const stream = await createOllamaClient(config, signal).pull({ model, stream: true });
        for await (const p of stream) onProgress({ status: p.status, ...(p.total ? { total: p.total, completed: p.completed ?? 0 } : {}) });
      } catch (err) {
        const failure = classifyFailure(err);
        switch (failure.kind) {
          case 'aborted':
            throw new HearthException({ code: 'cancelled', message: `The download of ${model} was cancelled.`, host, retryable: true }, { cause: err });
          case 'unreachable':
          case 'dropped':
            throw new HearthException(unreachableError(host, failure.kind === 'dropped' ? `connection closed: ${failure.detail}` : failure.detail), { cause: err });
          case 'http':
          case 'other':
            throw new HearthException({ code: 'modelError', message: `Ollama at ${host} could not download ${model}: ${failure.message}${pullAdvice(model, failure.message)}`, host, retryable: true }, { cause: err });
        }
      }
    },
    async listModels(signal) {
      const ollama = await listOllamaModels(signal);
      if (!registry) return ollama;
      // The providers' models follow Ollama's, so "the first installed model" stays an Ollama one; a dead provider only loses its own.
      return [...ollama, ...(await listProviderModels(registry, signal, baseFetch)).models];
    },
    async listAllModels(signal) {
      const [ollama, providers] = await Promise.all([
        listOllamaModels(signal).then(
          (models) => ({ models, failure: undefined as HearthError | undefined }),
          (err: unknown) => {
            if (signal?.aborted) throw err;
            return { models: [] as ModelInfo[], failure: err instanceof HearthException ? err.error : unreachableError(host, String(err)) };
          },
        ),
        registry ? listProviderModels(registry, signal, baseFetch) : Promise.resolve({ models: [], failures: [] }),
      ]);
      return { models: [...ollama.models, ...providers.models], error: ollama.failure, providerErrors: providers.failures };
    },
  };
}
