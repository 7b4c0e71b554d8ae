import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';
import type { EditApprovalRequest } from '../toolTypes';

/**
 * Asks the user to review a file change (the extension opens VS Code's diff
 * editor) unless the policy auto-approves edits or the user already chose
 * "accept all edits for this turn". Returns null when the change may be
 * written, or the result to give the model when the user rejected it: a
 * rejection is an answer the model must hear, not an exception.
 *
 * An execution-sensitive change (`request.executionSensitive`: package.json,
 * .npmrc, a Makefile, .vscode/tasks.json…) always asks, whatever the policy
 * or an earlier "accept all": otherwise writing `package.json` scripts and
 * then running the allow-listed `npm test` would run code nobody approved.
 */
export async function requestEditApproval(ctx: ToolContext, request: EditApprovalRequest, signal: AbortSignal): Promise<ToolOutcome | null> {
  if (!request.executionSensitive && (ctx.policy.autoApproveEdits || ctx.turn.acceptAllEdits)) return null;
  let decision: unknown;
  try {
    decision = await ctx.approvals.approveEdit(request, signal);
  } catch (e) {
    if (signal.aborted) throw new ToolError('The turn was cancelled while the change was waiting for approval. Nothing was written.', 'cancelled');
    throw new ToolError(`The change could not be shown to the user for approval (${(e as Error).message}). Nothing was written.`, 'approval failed');
  }
  if (signal.aborted) throw new ToolError('The turn was cancelled while the change was waiting for approval. Nothing was written.', 'cancelled');
  if (decision === 'acceptAllForTurn') {
    ctx.turn.acceptAllEdits = true;
    return null;
  }
  if (decision === 'accept') return null;
  return {
    isError: true,
    summary: 'rejected by user',
    content:
      `The user rejected this change to ${request.relativePath}; nothing was written. ` +
      (request.executionSensitive ? `(It was asked because ${request.executionSensitive}.) ` : '') +
      'Do not retry the same change. Ask the user what they would like instead, or take a different approach.',
  };
}
