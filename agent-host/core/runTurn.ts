import type { AgentEvent, DoneReason } from '../../protocol/chat';
import { internalError } from './errorMapping';
import { TurnCancelled } from './executeToolCall';
import { HearthException } from './hearthException';
import { toolLoop, type TurnSetup } from './toolLoop';

/**
 * Wraps the tool loop so that a turn keeps its promise to the caller: it
 * never throws, a failure arrives as one `error` event, and the stream always
 * ends with exactly one `done`. A cancel ends with reason 'cancelled' and no
 * error; the text streamed so far has already been delivered, so the caller
 * keeps it.
 */
export async function* runTurn(setup: TurnSetup): AsyncGenerator<AgentEvent, void> {
  let reason: DoneReason;
  try {
    reason = yield* toolLoop(setup);
  } catch (err) {
    if (err instanceof TurnCancelled || setup.signal.aborted) {
      reason = 'cancelled';
    } else {
      yield { type: 'error', error: err instanceof HearthException ? err.error : internalError(err) };
      reason = 'error';
    }
  }
  yield { type: 'done', reason };
}
