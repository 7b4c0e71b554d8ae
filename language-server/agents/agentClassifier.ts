import type { Agent } from '../../agent-host';
import { HearthException } from '../../agent-host';
import type { CatalogAgent } from './agentCatalog';
import { classifierPrompt, parseClassifierAnswer, type ClassifierAnswer } from './agentRouter';

/** How long the classifier may take before the message goes to the default agent (a cold load of a small model included). */
export const CLASSIFIER_TIMEOUT_MS = 20_000;
/** The most of the message the classifier reads: the start says what it is about. */
const MAX_CLASSIFIED_CHARS = 2000;

/**
 * Asks the small model which agent fits a message: one plain request (no
 * tools, no history, a short answer) through the same agent backend as the
 * chat, local or remote. Throws on a failure or a timeout; the router turns
 * that into the default agent.
 */
export async function classifyWithModel(agent: Agent, model: string, text: string, agents: CatalogAgent[], signal: AbortSignal, timeoutMs = CLASSIFIER_TIMEOUT_MS): Promise<ClassifierAnswer | undefined> {
  const limited = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  let answer = '';
  const options = { model, systemPrompt: classifierPrompt(agents), maxSteps: 1, temperature: 0, maxTokens: 48 };
  for await (const event of agent.startTurn([], { text: text.slice(0, MAX_CLASSIFIED_CHARS), context: [] }, options, limited)) {
    if (event.type === 'text') answer += event.delta;
    else if (event.type === 'error') throw new HearthException(event.error);
    else if (event.type === 'done' && event.reason === 'cancelled') throw new Error(signal.aborted ? 'cancelled' : `no answer within ${Math.round(timeoutMs / 1000)} s`);
  }
  return parseClassifierAnswer(answer, agents);
}
