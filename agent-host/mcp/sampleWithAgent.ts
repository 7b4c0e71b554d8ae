import type { ThinkValue, Usage } from '../../protocol/chat';
import { HearthException } from '../core/hearthException';
import type { Agent } from '../index';
import type { McpSamplingRequest } from './mcpTypes';

/** What a sampling completion needs besides the request: the model that answers and how it runs. */
export interface SamplingRun {
  model: string;
  numCtx?: number;
  think?: ThinkValue;
}

export interface SamplingCompletion {
  text: string;
  stopReason: 'endTurn' | 'maxTokens';
  usage?: Usage;
}

/**
 * One completion for an MCP sampling request, as a one-step turn of `agent`
 * without tools: exactly the request's messages and system prompt (none when
 * it has none, never Hearth's coding-assistant prompt), `maxTokens` as
 * Ollama's `num_predict`. The language server runs it with the user's model
 * in local mode, and the team server with its own GPUs for a request the
 * developer approved in remote mode, so both answer the same way. Throws a
 * HearthException (the model's error) or an Error when it was cancelled.
 */
export async function sampleWithAgent(
  agent: Agent,
  request: Pick<McpSamplingRequest, 'messages' | 'systemPrompt' | 'maxTokens' | 'temperature' | 'stopSequences'>,
  run: SamplingRun,
  signal: AbortSignal,
): Promise<SamplingCompletion> {
  const history = request.messages.slice(0, -1).map((m) => ({ role: m.role, content: m.text }));
  const last = request.messages[request.messages.length - 1];
  let text = '';
  let reason: string | undefined;
  let usage: Usage | undefined;
  const events = agent.startTurn(
    history,
    { text: last.text, context: [] },
    {
      model: run.model,
      systemPrompt: request.systemPrompt ?? '',
      maxSteps: 1,
      maxTokens: request.maxTokens,
      temperature: request.temperature,
      stop: request.stopSequences,
      numCtx: run.numCtx,
      // A thinking model's reasoning arrives as `thinking` events and is not part of the answer.
      think: run.think,
    },
    signal,
  );
  for await (const event of events) {
    if (event.type === 'text') text += event.delta;
    else if (event.type === 'usage') usage = event.usage;
    else if (event.type === 'error') throw new HearthException(event.error);
    else if (event.type === 'done') {
      reason = event.reason;
      break;
    }
  }
  if (reason === 'cancelled' || signal.aborted) throw new Error('it was cancelled');
  return { text, stopReason: reason === 'length' ? 'maxTokens' : 'endTurn', ...(usage ? { usage } : {}) };
}
