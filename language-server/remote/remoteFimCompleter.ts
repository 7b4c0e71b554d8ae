/**
 * Inline suggestions through the team server, behind the same FimCompleter
 * interface as the local one, so the inline completion service does not
 * care where the GPU is. The server resolves the model's FIM template; here
 * the model is taken as ready, with a conservative context budget.
 */
import { HearthException, type FimChunk, type FimCompleter, type FimModelInfo, type FimReadyModel, type FimRequest } from '../../agent-host';
import type { RemoteAgent } from './remoteAgent';

/** Prompt budget for remote suggestions, in tokens; the server trims to the model's real window. */
const REMOTE_CONTEXT_TOKENS = 8192;

export function remoteFimCompleter(agent: RemoteAgent): FimCompleter {
  return {
    host: agent.host,
    async describeModel(model: string): Promise<FimModelInfo> {
      return { status: 'ready', model, mode: 'native', contextLength: REMOTE_CONTEXT_TOKENS, stop: [] };
    },
    async *complete(model: FimReadyModel, request: FimRequest, signal: AbortSignal): AsyncGenerator<FimChunk> {
      const started = performance.now();
      try {
        const res = await agent.complete({ model: model.model, prompt: request.prefix, suffix: request.suffix, maxTokens: request.maxTokens, stop: request.stop, temperature: request.temperature }, signal);
        if (res.text) yield { type: 'text', delta: res.text };
        yield { type: 'done', reason: res.doneReason, timings: { totalMs: performance.now() - started } };
      } catch (err) {
        if (signal.aborted || (err instanceof HearthException && err.error.code === 'cancelled')) {
          yield { type: 'done', reason: 'cancelled', timings: {} };
          return;
        }
        throw err;
      }
    },
    invalidate() {},
  };
}
