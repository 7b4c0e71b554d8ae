import type { ToolCall, ToolResult } from '../../protocol/chat';
import type { ToolExecutor } from '../index';

/**
 * Long enough for the user to review a diff or a command before approving it,
 * and for run_command's own longest timeout (600 s); a hung tool still ends.
 */
export const DEFAULT_TOOL_TIMEOUT_MS = 15 * 60 * 1000;

/** The abort reason a tool's signal carries when its deadline passed (a DOMException named TimeoutError, as AbortSignal.timeout uses). */
export function toolTimeoutReason(call: ToolCall, timeoutMs: number): DOMException {
  return new DOMException(`${call.name} did not finish within ${timeoutMs} ms.`, 'TimeoutError');
}

/** Whether a tool's signal was aborted because its deadline passed, rather than because the turn was cancelled. */
export function isToolTimeout(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError';
}

export function errorResult(call: ToolCall, content: string, summary?: string): ToolResult {
  return { callId: call.id, name: call.name, content, isError: true, summary };
}

/** Thrown when the turn is cancelled while a tool runs; the loop reports the turn as cancelled. */
export class TurnCancelled extends Error {
  constructor() {
    super('The turn was cancelled.');
    this.name = 'AbortError';
  }
}

/**
 * Runs one validated call with a timeout. The executor gets a signal that
 * fires on cancel or timeout (a timeout's reason is a TimeoutError:
 * `isToolTimeout`). A timeout or an executor that throws (which it should
 * not) becomes an error result, so the model can carry on; a cancelled turn
 * throws `TurnCancelled` at once, without waiting for the tool.
 */
export async function executeToolCall(call: ToolCall, executor: ToolExecutor, timeoutMs: number, signal: AbortSignal): Promise<ToolResult> {
  if (signal.aborted) throw new TurnCancelled();
  const controller = new AbortController();
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  type Outcome = { kind: 'result'; result: ToolResult } | { kind: 'threw'; error: unknown } | { kind: 'timeout' } | { kind: 'cancelled' };
  const outcomes: Promise<Outcome>[] = [
    executor.execute(call, controller.signal).then(
      (result): Outcome => ({ kind: 'result', result }),
      (error: unknown): Outcome => ({ kind: 'threw', error }),
    ),
    new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
    }),
    new Promise<Outcome>((resolve) => {
      onAbort = () => resolve({ kind: 'cancelled' });
      signal.addEventListener('abort', onAbort, { once: true });
    }),
  ];
  try {
    const outcome = await Promise.race(outcomes);
    switch (outcome.kind) {
      case 'result':
        return { ...outcome.result, callId: call.id, name: call.name, durationMs: outcome.result.durationMs ?? Date.now() - started };
      case 'threw': {
        const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
        return { ...errorResult(call, `${call.name} failed: ${message}`, 'failed'), durationMs: Date.now() - started };
      }
      case 'timeout':
        controller.abort(toolTimeoutReason(call, timeoutMs));
        return {
          ...errorResult(call, `${call.name} did not finish within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} seconds`} and was stopped.`, 'timed out'),
          durationMs: Date.now() - started,
        };
    }
    controller.abort();
    throw new TurnCancelled();
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
