import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';
import type { ConfinedPath } from '../workspaceConfinement';

/** Why a file with several hard links is asked about, in words for the user and the model. */
export function hardLinkReadReason(display: string, links: number): string {
  return (
    `${display} has ${links} hard links: the same file is also reachable under other names, which may be outside the workspace ` +
    '(a hard link can make any file the user can read appear inside it)'
  );
}

/** Why reading a secrets file is asked about, in words for the user and the model. */
export function secretsFileReadReason(display: string): string {
  return `${display} is a secrets file (hearth.completion.disabledFiles names it): its contents would go to the model`;
}

/**
 * Asks the user before a read the path checks alone cannot clear, for
 * `reason`: a regular file with more than one hard link (a hard link is not
 * a symlink, so the path check cannot tell where the file's other names are,
 * and one of them may be a secret outside the workspace), or one of the
 * user's secrets files. Returns null when the read may go ahead, or the
 * result to give the model when the user said no.
 */
export async function requestReadApproval(ctx: ToolContext, target: ConfinedPath, reason: string, signal: AbortSignal): Promise<ToolOutcome | null> {
  let decision: unknown;
  try {
    decision = await ctx.approvals.approveRead({ callId: ctx.callId, toolName: ctx.toolName, path: target.absolute, relativePath: target.display, reason }, signal);
  } catch (e) {
    if (signal.aborted) throw new ToolError('The turn was cancelled while the read was waiting for approval. Nothing was read.', 'cancelled');
    throw new ToolError(`Reading ${target.display} needs the user's approval, which could not be asked (${(e as Error).message}). Nothing was read.`, 'approval failed');
  }
  if (signal.aborted) throw new ToolError('The turn was cancelled while the read was waiting for approval. Nothing was read.', 'cancelled');
  if (decision === 'accept') return null;
  return {
    isError: true,
    summary: 'read rejected by user',
    content: `The user did not allow reading ${target.display}: ${reason}. Nothing was read. Do not try to read it another way; ask the user if you need its content.`,
  };
}
