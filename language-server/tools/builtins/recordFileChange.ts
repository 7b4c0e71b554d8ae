import type { ToolResultDisplay } from '../../../protocol/chat';
import { lineChangeCounts } from '../../../protocol/lineChangeCounts';
import type { ToolContext } from '../toolContext';

/**
 * After a write or an edit was applied: counts the change as a diff does
 * ("+12 −3", the number the chat shows, computed here once so no other
 * process re-parses arguments) and keeps its two sides so the chat can open
 * it in the diff editor. Keeping the record is best effort: the change is
 * already on disk, and failing to remember it must not fail the tool.
 */
export async function recordFileChange(ctx: ToolContext, relativePath: string, before: string | null, after: string): Promise<Extract<ToolResultDisplay, { kind: 'fileChange' }>> {
  const { added, removed } = lineChangeCounts(before, after);
  await ctx.checkpoints.recordChange(ctx.turnId, ctx.callId, { toolName: ctx.toolName, relativePath, before, after }).catch(() => undefined);
  return { kind: 'fileChange', path: relativePath, added, removed, created: before === null };
}
