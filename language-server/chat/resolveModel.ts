import type { Agent } from '../../agent-host';
import { HearthException } from '../../agent-host';

/**
 * Picks the model for a turn: the requested one, or when none is configured
 * the first installed model, so a fresh install works without a settings trip.
 */
export async function resolveModel(agent: Agent, requested: string | undefined, signal: AbortSignal): Promise<string> {
  if (requested && requested.trim()) return requested.trim();
  const models = await agent.listModels(signal);
  if (models.length === 0) {
    throw new HearthException({
      code: 'modelNotFound',
      message: `Ollama at ${agent.host} has no models installed. Install one with \`ollama pull qwen2.5-coder:7b\`, then press Retry.`,
      host: agent.host,
      installedModels: [],
      retryable: true,
    });
  }
  return models[0].name;
}
