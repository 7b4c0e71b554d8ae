/**
 * What the user reads when the tool loop stops itself or has to cut the
 * conversation: each says what happened and what to do about it.
 */
import type { HearthError } from '../../protocol/chat';
import type { BudgetOutcome } from './contextBudget';

export function stepLimitError(maxSteps: number, model: string): HearthError {
  return {
    code: 'limitReached',
    message: `The agent stopped after ${maxSteps} model calls without finishing. Send "continue" to let it go on from here, or split the request into smaller steps.`,
    model,
    retryable: true,
  };
}

export function repeatedCallError(toolName: string, times: number, model: string): HearthError {
  return {
    code: 'limitReached',
    message: `${model} asked for the same ${toolName} call with the same arguments ${times} times, so Hearth stopped this turn to keep it from looping. Rephrase the request, or try a more capable model.`,
    model,
    retryable: false,
  };
}

export function contextTooSmallError(model: string, numCtx: number, fit: BudgetOutcome): HearthError {
  return {
    code: 'invalidRequest',
    message:
      `This message does not fit ${model}'s context window: it needs about ${fit.promptTokens} tokens, but the window is ${numCtx} tokens ` +
      `and ${numCtx - fit.budgetTokens} of them are kept for the answer. Attach less context (a selection instead of a whole file), or use a model with a larger context window.`,
    model,
    retryable: false,
  };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The warning for a trimmed prompt, or undefined when nothing was trimmed. */
export function trimWarning(fit: BudgetOutcome, model: string, numCtx: number): string | undefined {
  const parts: string[] = [];
  if (fit.shortenedToolOutputs > 0) parts.push(`shortened ${plural(fit.shortenedToolOutputs, 'old tool output', 'old tool outputs')}`);
  if (fit.droppedMessages > 0) parts.push(`left out the ${plural(fit.droppedMessages, 'oldest message', 'oldest messages')}`);
  if (parts.length === 0) return undefined;
  return `The conversation is too long for ${model}'s context window (${numCtx} tokens), so for this answer Hearth ${parts.join(' and ')}. Start a new chat to give the model the full picture again.`;
}
