import { HearthException, type Agent } from '../../agent-host';
import type { ChatMessage, ThinkValue } from '../../protocol/chat';
import type { HearthSettings } from '../../protocol/lspMethods';
import { resolveModel } from '../chat/resolveModel';
import type { McpSampler } from './mcpServerRequests';

export interface McpSamplerDeps {
  settings(): Promise<HearthSettings>;
  /** The chat's agent (the one `hearth/chat/send` uses). */
  agent(): Promise<Agent>;
  /** num_ctx and think for a chat request to this model (ModelRunPlanner), so sampling never makes Ollama reload the model. */
  plan(agent: Agent, model: string, settings: HearthSettings, signal: AbortSignal): Promise<{ numCtx?: number; think?: ThinkValue }>;
}

/**
 * Sampling with the user's own chat model, through the same agent and Ollama
 * client as a chat turn, as a one-step turn without tools. The model is the
 * chat's (`hearth.chat.model`, or the first installed one, as chat decides in
 * resolveModel): a server's model preferences are shown, never followed.
 *
 * Local mode only. In remote mode the chat path is the team server's Chat
 * stream, which has no field for a completion's token limit (maxTokens), so
 * a request there would not be the request the user approved; it is refused
 * with that reason instead.
 */
export function createMcpSampler(deps: McpSamplerDeps): McpSampler {
  return {
    async model(signal) {
      const settings = await deps.settings();
      if (settings.server?.mode === 'remote') {
        throw new Error('sampling runs in local mode only; Hearth is connected to a team server, which cannot honour a sampling request\'s token limit yet.');
      }
      const agent = await deps.agent();
      try {
        return await resolveModel(agent, settings.chat.model, signal);
      } catch (err) {
        throw new Error(err instanceof HearthException ? err.error.message : err instanceof Error ? err.message : String(err));
      }
    },
    async complete(request, model, signal) {
      const settings = await deps.settings();
      const agent = await deps.agent();
      const plan = await deps.plan(agent, model, settings, signal).catch(() => ({}) as { numCtx?: number; think?: ThinkValue });
      const history: ChatMessage[] = request.messages.slice(0, -1).map((m) => ({ role: m.role, content: m.text }));
      const last = request.messages[request.messages.length - 1];
      let text = '';
      let reason: string | undefined;
      const events = agent.startTurn(
        history,
        { text: last.text, context: [] },
        {
          model,
          // Exactly what the user saw: the server's system prompt, or none (never Hearth's coding-assistant prompt).
          systemPrompt: request.systemPrompt ?? '',
          maxSteps: 1,
          maxTokens: request.maxTokens,
          temperature: request.temperature,
          stop: request.stopSequences,
          numCtx: plan.numCtx,
          // As chat decides it; a thinking model's reasoning arrives as `thinking` events and is not part of the answer.
          think: plan.think,
        },
        signal,
      );
      for await (const event of events) {
        if (event.type === 'text') text += event.delta;
        else if (event.type === 'error') throw new Error(event.error.message);
        else if (event.type === 'done') {
          reason = event.reason;
          break;
        }
      }
      if (reason === 'cancelled' || signal.aborted) throw new Error('it was cancelled');
      return { text, model, stopReason: reason === 'length' ? 'maxTokens' : 'endTurn' };
    },
  };
}
