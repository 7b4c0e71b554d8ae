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

/**
 * Thrown when the turn is cancelled while a tool runs; the loop reports the
 * turn as cancelled. `result` is what the tool said once it stopped (a
 * cancelled command's output so far), when it said so in time.
 */
export class TurnCancelled extends Error {
  constructor(readonly result?: ToolResult) {
    super('The turn was cancelled.');
    this.name = 'AbortError';
  }
}

/**
 * How long a cancelled turn waits for the tool to stop and say what it did:
 * run_command needs its kill grace period and then its pipes to close (1.5 s
 * at most), and its partial output is what the user and the next turn need
 * to know what happened. A tool that takes longer is not waited for.
 */
export const CANCELLED_RESULT_WAIT_MS = 2_500;

/**
 * Runs one validated call with a timeout. The executor gets a signal that
 * fires on cancel or timeout (a timeout's reason is a TimeoutError:
 * `isToolTimeout`). A timeout or an executor that throws (which it should
 * not) becomes an error result, so the model can carry on; a cancelled turn
 * throws `TurnCancelled` with the tool's own result if the tool stops within
 * CANCELLED_RESULT_WAIT_MS, and without one after that.
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
    clearTimeout(timer);
    const stopped = await Promise.race([
      outcomes[0],
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), CANCELLED_RESULT_WAIT_MS);
      }),
    ]);
    throw new TurnCancelled(stopped?.kind === 'result' ? { ...stopped.result, callId: call.id, name: call.name, durationMs: stopped.result.durationMs ?? Date.now() - started } : undefined);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
