import { stringArg } from '../toolArguments';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { looksBinary, splitLines } from '../textFiles';
import { applyFileChange, readFileToReplace } from './applyFileChange';
import { requestEditApproval } from './requestEditApproval';
import { recordFileChange } from './recordFileChange';
import { requireTrust } from './requireTrust';

/** write_file: creates or replaces a whole file, after the user reviewed the diff. */
export async function writeFileTool(ctx: ToolContext, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
  requireTrust(ctx);
  const content = stringArg(args, 'content');
  const target = await ctx.confinement.resolve(stringArg(args, 'path'), 'write');
  return ctx.serializeChange(async () => {
    const current = target.exists ? await readFileToReplace(target) : null;
    const old = current?.bytes ?? null;
    const mode = current?.mode;
    if (old?.equals(Buffer.from(content, 'utf8'))) return { content: `${target.display} already has exactly this content; nothing was changed.`, summary: 'unchanged' };
    const rejected = await requestEditApproval(
      ctx,
      {
        callId: ctx.callId,
        toolName: ctx.toolName,
        path: target.absolute,
        relativePath: target.display,
        oldContent: old === null ? null : old.toString('utf8'),
        newContent: content,
        ...(old !== null && looksBinary(old) ? { oldIsBinary: true } : {}),
        ...(target.executionSensitive ? { executionSensitive: target.executionSensitive } : {}),
      },
      signal,
    );
    if (rejected) return rejected;
    await applyFileChange(ctx, target, old, content, mode);
    const before = old === null ? null : old.toString('utf8');
    const display = await recordFileChange(ctx, target.display, before, content);
    const lines = content === '' ? 0 : splitLines(content).length;
    return old === null
      ? { content: `Created ${target.display} (${lines} lines).`, summary: `created, ${lines} lines`, display }
      : { content: `Wrote ${target.display} (${lines} lines, replacing the previous content).`, summary: `wrote ${lines} lines`, display };
  });
}
