import type { Ollama, ShowResponse } from 'ollama';
import { classifyFailure, isMissingRoute } from './errorMapping';

/** What the agent needs to know about a model before it talks to it. */
export interface ModelFacts {
  /** The trained context length, from /api/show's model_info. */
  contextLength?: number;
  /** /api/show's capabilities ("completion", "tools", "insert"); undefined on Ollama versions that do not report them. */
  capabilities?: string[];
  /** Set once Ollama refused tools for this model with a 400, whatever /api/show said. */
  toolsRefused?: boolean;
  /**
   * Where a cloud model runs (/api/show's `remote_host`, api/types.go `ShowResponse`): Ollama passes its requests
   * there and never loads it itself, so /api/ps never lists it and there is no load to announce.
   */
  remoteHost?: string;
}

/** The trained context length in /api/show's `model_info`; the chat and completion paths both read it here, so they agree. */
export function trainedContextLength(modelInfo: unknown): number | undefined {
  const info = (modelInfo ?? {}) as Record<string, unknown>;
  const arch = info['general.architecture'];
  const exact = typeof arch === 'string' ? info[`${arch}.context_length`] : undefined;
  if (typeof exact === 'number' && exact > 0) return exact;
  // Some conversions name the architecture differently from the key prefix; any *.context_length will do.
  for (const [key, value] of Object.entries(info)) {
    if (key.endsWith('.context_length') && typeof value === 'number' && value > 0) return value;
  }
  return undefined;
}

/**
 * /api/show answers, cached per model for the agent's lifetime: the context
 * length and capabilities do not change while a model stays installed, and
 * asking once saves a round trip on every turn.
 */
export class ModelFactsCache {
  private readonly facts = new Map<string, ModelFacts>();
  private readonly scales = new Map<string, number>();

  /**
   * Throws what the client threw when the model is missing (404) or Ollama is
   * unreachable; any other refusal of /api/show (an old Ollama, a proxy that
   * only forwards chat) yields empty facts and the turn goes on with defaults.
   */
  async get(client: Ollama, model: string): Promise<ModelFacts> {
    const cached = this.facts.get(model);
    if (cached) return cached;
    let show: ShowResponse;
    try {
      show = await client.show({ model });
    } catch (err) {
      const failure = classifyFailure(err);
      // A JSON 404 names a missing model; the router's plain "404 page not found" means a server without /api/show.
      if (failure.kind === 'http' && (failure.status !== 404 || isMissingRoute(failure.status, failure.message))) return {};
      throw err;
    }
    // The npm client's ShowResponse type predates `remote_host`.
    const remoteHost = (show as unknown as { remote_host?: unknown }).remote_host;
    const facts: ModelFacts = {
      contextLength: trainedContextLength(show.model_info),
      capabilities: Array.isArray(show.capabilities) ? show.capabilities : undefined,
      ...(typeof remoteHost === 'string' && remoteHost !== '' ? { remoteHost } : {}),
    };
    this.facts.set(model, facts);
    return facts;
  }

  /**
   * Real tokens per estimated token for this model, from Ollama's latest
   * count of a whole prompt (prompt_eval_count after a reply, or the size in
   * a refusal); 1 until Ollama has counted more than the estimate. Kept per
   * model, so the next turn starts fitted to the model's tokenizer instead
   * of learning it again from a refused request.
   */
  tokenScale(model: string): number {
    return this.scales.get(model) ?? 1;
  }

  learnTokenScale(model: string, scale: number): void {
    if (Number.isFinite(scale) && scale > 0) this.scales.set(model, Math.max(1, scale));
  }

  markToolsRefused(model: string): void {
    const facts = this.facts.get(model) ?? {};
    this.facts.set(model, { ...facts, toolsRefused: true });
  }
}
