import type { AgentEvent } from '../../protocol/chat';
import { HearthException, type Agent } from '../../agent-host';

/**
 * What chat uses while the settings say "remote" but no API key has been
 * handed over yet (or the sign-in failed): every turn ends at once with an
 * error that says how to connect, or how to go back to local mode.
 */
export function notConnectedAgent(url: string): Agent {
  const error = {
    code: 'connectionDropped' as const,
    message: `Hearth is set to use the team server ${url || '(no address set)'} but is not signed in. Run "Hearth: Connect to Team Server", or "Hearth: Disconnect from Team Server" to use your local Ollama.`,
    host: url,
    retryable: true,
  };
  return {
    host: url,
    async *startTurn(): AsyncGenerator<AgentEvent> {
      yield { type: 'error', error };
      yield { type: 'done', reason: 'error' };
    },
    async listModels() {
      throw new HearthException(error);
    },
  };
}
