import type { ChatResponse } from 'ollama';
import type { Usage } from '../../protocol/chat';

const NS_PER_MS = 1_000_000;

function ms(ns: number | undefined): number | undefined {
  return typeof ns === 'number' && Number.isFinite(ns) ? Math.round(ns / NS_PER_MS) : undefined;
}

/** Usage from Ollama's final chunk, whose durations are in nanoseconds. */
export function usageFromChunk(chunk: ChatResponse): Usage {
  return {
    promptTokens: chunk.prompt_eval_count ?? 0,
    completionTokens: chunk.eval_count ?? 0,
    totalDurationMs: ms(chunk.total_duration),
    loadDurationMs: ms(chunk.load_duration),
    evalDurationMs: ms(chunk.eval_duration),
  };
}

function sum(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
}

/** A turn with tools makes several model calls; its usage is their sum. */
export function addUsage(total: Usage | undefined, next: Usage): Usage {
  if (!total) return next;
  return {
    promptTokens: total.promptTokens + next.promptTokens,
    completionTokens: total.completionTokens + next.completionTokens,
    totalDurationMs: sum(total.totalDurationMs, next.totalDurationMs),
    loadDurationMs: sum(total.loadDurationMs, next.loadDurationMs),
    evalDurationMs: sum(total.evalDurationMs, next.evalDurationMs),
  };
}
