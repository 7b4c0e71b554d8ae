/**
 * CompletionService.Complete: fill-in-the-middle through the shared GPU. The
 * model requests are scheduled as `completion` work, ahead of chat turns.
 */
import { status } from '@grpc/grpc-js';
import type { CompleteRequest__Output } from '../../../protocol/generated/hearth/v1/CompleteRequest';
import type { CompleteResponse } from '../../../protocol/generated/hearth/v1/CompleteResponse';
import { text } from '../../../protocol/grpc/protocolViolation';
import { chooseNumCtx, HearthException, type FimCompleter } from '../../index';
import type { ActivityRecorder } from '../admin/activityRecorder';
import type { RateLimit } from '../scheduler/rateLimiter';
import { retryHint } from '../scheduler/schedulerErrors';
import type { ServerMetrics } from '../ops/serverMetrics';
import { exhausted, ServiceFailure } from './serviceFailure';

export interface CompletionDeps {
  completerFor(user: string): FimCompleter;
  limiter: RateLimit;
  metrics: ServerMetrics;
  /** The admin page's usage and time-to-first-token figures. */
  activity?: ActivityRecorder;
}

const MAX_CONTEXT_CHARS = 1_000_000;

export async function complete(req: CompleteRequest__Output, user: string, signal: AbortSignal, deps: CompletionDeps): Promise<CompleteResponse> {
  const model = text(req.model, 'model', 200);
  const prefix = text(req.prompt, 'prompt', MAX_CONTEXT_CHARS);
  const suffix = text(req.suffix, 'suffix', MAX_CONTEXT_CHARS);
  const maxTokens = Math.min(Math.max(req.max_tokens ?? 128, 1), 2048);
  const stop = req.stop.slice(0, 16).map((s, i) => text(s, `stop[${i}]`, 100));

  const wait = await deps.limiter.take(user);
  if (wait > 0) {
    deps.metrics.rejected.inc({ kind: 'completion', reason: 'rate_limit' });
    throw exhausted(`You have reached this team server's limit of inline completions per minute; ${retryHint(wait)}.`, wait);
  }
  const completer = deps.completerFor(user);
  const observed = deps.activity?.observeCompletion(user);
  try {
    const info = await completer.describeModel(model);
    if (info.status !== 'ready') throw new ServiceFailure(info.status === 'missing' ? status.NOT_FOUND : status.FAILED_PRECONDITION, info.message);
    let out = '';
    let doneReason = 'stop';
    const usage = { prompt_tokens: 0, completion_tokens: 0 };
    // The same num_ctx the chat path sends for this model (the core's default): Ollama reloads a model whose
    // runner options change (server/sched.go needsReload), and on a shared GPU that reload stalls everyone.
    const request = { prefix, suffix, maxTokens, stop, numCtx: chooseNumCtx(info.contextLength), ...(req.temperature !== undefined ? { temperature: req.temperature } : {}) };
    for await (const chunk of completer.complete(info, request, signal)) {
      if (chunk.type === 'text') {
        out += chunk.delta;
        observed?.token();
      } else {
        if (chunk.reason === 'cancelled') throw new ServiceFailure(status.CANCELLED, 'The completion was cancelled.');
        doneReason = chunk.reason;
        usage.prompt_tokens = chunk.timings.promptTokens ?? 0;
        usage.completion_tokens = chunk.timings.completionTokens ?? 0;
        observed?.usage({ promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, evalDurationMs: chunk.timings.evalMs });
      }
    }
    return { text: out, done_reason: doneReason, usage };
  } catch (err) {
    if (err instanceof HearthException) {
      // The model router answers 429 when the queue is full; the completer reports it as a model error.
      if (/429|capacity|waiting/i.test(err.error.message)) throw exhausted(err.error.message, 1000);
      throw new ServiceFailure(err.error.code === 'modelNotFound' ? status.NOT_FOUND : status.UNAVAILABLE, err.error.message);
    }
    throw err;
  } finally {
    observed?.end();
  }
}
