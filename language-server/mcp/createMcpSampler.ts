import { HearthException, sampleWithAgent, type Agent } from '../../agent-host';
import type { ThinkValue } from '../../protocol/chat';
import type { HearthSettings } from '../../protocol/lspMethods';
import { resolveModel } from '../chat/resolveModel';
import type { RemoteAgent } from '../remote/remoteAgent';
import type { McpSampler } from './mcpServerRequests';

export interface McpSamplerDeps {
  settings(): Promise<HearthSettings>;
  /** The chat's agent (the one `hearth/chat/send` uses). */
  agent(): Promise<Agent>;
  /** The connected team server while remote mode is on; undefined in local mode. */
  team(): Promise<RemoteAgent | undefined>;
  /** num_ctx and think for a chat request to this model (ModelRunPlanner), so sampling never makes Ollama reload the model. */
  plan(agent: Agent, model: string, settings: HearthSettings, signal: AbortSignal): Promise<{ numCtx?: number; think?: ThinkValue }>;
}

/** More characters than a model writes in `maxTokens` tokens: a team server that sends more is not answering this request. */
function maxAnswerChars(maxTokens: number): number {
  return maxTokens * 32 + 1_000;
}

function messageOf(err: unknown): string {
  return err instanceof HearthException ? err.error.message : err instanceof Error ? err.message : String(err);
}

/**
 * Sampling with the user's own chat model, as a one-step turn without tools
 * (`sampleWithAgent`). The model is the chat's (`hearth.chat.model`, or the
 * first installed one, as chat decides in resolveModel): a server's model
 * preferences are shown, never followed.
 *
 * In remote mode the chat's model is on the team server: the request the
 * user approved here goes there as one AgentService.Sample call (the same
 * messages, system prompt, token limit and sequences), under the user's own
 * sign-in, and the checked answer comes back to the developer's MCP server.
 * The team server never starts a sampling request: it only answers this one.
 */
export function createMcpSampler(deps: McpSamplerDeps): McpSampler {
  return {
    async model(signal) {
      const settings = await deps.settings();
      const agent = await deps.agent();
      try {
        return await resolveModel(agent, settings.chat.model, signal);
      } catch (err) {
        throw new Error(messageOf(err));
      }
    },
    async complete(request, model, signal) {
      const settings = await deps.settings();
      const agent = await deps.agent();
      const plan = await deps.plan(agent, model, settings, signal).catch(() => ({}) as { numCtx?: number; think?: ThinkValue });
      const team = await deps.team();
      try {
        const answer = team
          ? await team.sample(
              {
                model,
                messages: request.messages,
                ...(request.systemPrompt !== undefined ? { systemPrompt: request.systemPrompt } : {}),
                maxTokens: request.maxTokens,
                ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
                ...(request.stopSequences ? { stopSequences: request.stopSequences } : {}),
                ...(plan.think !== undefined ? { think: plan.think } : {}),
                mcpServer: request.server,
              },
              maxAnswerChars(request.maxTokens),
              signal,
            )
          : await sampleWithAgent(agent, request, { model, numCtx: plan.numCtx, think: plan.think }, signal);
        return { text: answer.text, model, stopReason: answer.stopReason };
      } catch (err) {
        if (signal.aborted) throw new Error('it was cancelled');
        throw new Error(messageOf(err));
      }
    },
  };
}
