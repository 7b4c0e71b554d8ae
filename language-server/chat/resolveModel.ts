import type { Agent } from '../../agent-host';
import { HearthException } from '../../agent-host';
import { STARTER_CHAT_MODEL } from '../../protocol/modelName';

/**
 * Where a turn's model may come from, most specific first. Each is optional;
 * the first one set wins.
 */
export interface ModelChoice {
  /** Chosen for this one request: a retry on another model, a continuation on the cut answer's model. */
  override?: string;
  /** Picked in this chat for its mode (stored with the session). */
  chat?: string;
  /** Last picked in this mode in this workspace (the editor's memory), for a chat that has no pick of its own yet. */
  remembered?: string;
  /** `hearth.chat.model`, the user's default. */
  setting?: string;
}

/** Whether a name is set; a blank is treated as unset. */
function chosen(name: string | undefined): string | undefined {
  return name && name.trim() ? name.trim() : undefined;
}

/** The first model the choice names, without asking the backend; undefined when none is set. */
export function chosenModel(choice: ModelChoice): string | undefined {
  return chosen(choice.override) ?? chosen(choice.chat) ?? chosen(choice.remembered) ?? chosen(choice.setting);
}

/**
 * Picks the model for a turn, the one place that decides it: the request's
 * override, else the chat's pick for its mode, else the mode's remembered
 * pick, else the setting; when none is configured the first installed model,
 * so a fresh install works without a settings trip.
 */
export async function resolveModel(agent: Agent, choice: ModelChoice | string | undefined, signal: AbortSignal): Promise<string> {
  const named = chosenModel(typeof choice === 'object' ? choice : { override: choice });
  if (named) return named;
  const models = await agent.listModels(signal);
  if (models.length === 0) {
    // A local Ollama can download the starter model from the chat (its Download button retries with it); a team server's admin installs models.
    const pullable = agent.pullModel !== undefined;
    throw new HearthException({
      code: 'modelNotFound',
      message: pullable
        ? `Ollama at ${agent.host} has no models installed yet. Download ${STARTER_CHAT_MODEL} (about 4.7 GB) here, or install another with \`ollama pull <model>\`, then press Retry.`
        : `Ollama at ${agent.host} has no models installed. Install one with \`ollama pull ${STARTER_CHAT_MODEL}\`, then press Retry.`,
      host: agent.host,
      installedModels: [],
      ...(pullable ? { model: STARTER_CHAT_MODEL, pullable } : {}),
      retryable: true,
    });
  }
  return models[0].name;
}
