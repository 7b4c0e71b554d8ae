import type { ModelResponse } from 'ollama';
import type { ModelInfo } from '../../protocol/lspMethods';
import type { Agent, AgentConfig } from '../index';
import { DEFAULT_CONTEXT_CAP } from './contextBudget';
import { classifyFailure, unreachableError } from './errorMapping';
import { HearthException } from './hearthException';
import { ModelFactsCache } from './modelFacts';
import { createOllamaClient, displayHost } from './ollamaClient';
import { runTurn } from './runTurn';

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
export function createAgent(config: CoreAgentConfig): Agent {
  const host = displayHost(config.host);
  const facts = new ModelFactsCache();
  const contextCap = config.maxContextTokens ?? DEFAULT_CONTEXT_CAP;

  return {
    host,
    startTurn(history, input, options, signal) {
      return runTurn({ client: createOllamaClient(config, signal), host, history, input, options, signal, facts, contextCap });
    },
    async modelDetails(model, signal) {
      const found = await facts.get(createOllamaClient(config, signal), model);
      return { contextLength: found.contextLength, capabilities: found.capabilities };
    },
    async loadedModels(signal) {
      // /api/ps; the npm client's types predate `context_length` (api.ProcessModelResponse.ContextLength).
      const ps = await createOllamaClient(config, signal).ps();
      return ps.models.map((m) => {
        const contextLength = (m as unknown as { context_length?: unknown }).context_length;
        return { name: m.name, contextLength: typeof contextLength === 'number' && contextLength > 0 ? contextLength : undefined };
      });
    },
    async listModels(signal) {
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
          case 'other':
            throw new HearthException(
              { code: 'modelError', message: `Ollama at ${host} could not list its models: ${failure.message}`, host, retryable: true },
              { cause: err },
            );
        }
      }
    },
  };
}
