import * as fs from 'node:fs/promises';
import { stringArg } from '../toolArguments';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';
import { looksBinary, splitLines } from '../textFiles';
import { applyFileChange } from './applyFileChange';
import { requestEditApproval } from './requestEditApproval';
import { requireTrust } from './requireTrust';

/** write_file: creates or replaces a whole file, after the user reviewed the diff. */
export async function writeFileTool(ctx: ToolContext, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
  requireTrust(ctx);
  const content = stringArg(args, 'content');
  const target = await ctx.confinement.resolve(stringArg(args, 'path'), 'write');
  return ctx.serializeChange(async () => {
    let old: Buffer | null = null;
    let mode: number | undefined;
    if (target.exists) {
      const stat = await fs.stat(target.absolute);
      if (stat.isDirectory()) throw new ToolError(`${target.display} is a directory; give a file path.`, 'is a directory');
      if (!stat.isFile()) throw new ToolError(`${target.display} is not a regular file and cannot be written.`, 'not a file');
      old = await fs.readFile(target.absolute);
      mode = stat.mode & 0o7777;
      if (old.equals(Buffer.from(content, 'utf8'))) return { content: `${target.display} already has exactly this content; nothing was changed.`, summary: 'unchanged' };
    }
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
      },
      signal,
    );
    if (rejected) return rejected;
    await applyFileChange(ctx, target, old, content, mode);
    const lines = content === '' ? 0 : splitLines(content).length;
    return old === null
      ? { content: `Created ${target.display} (${lines} lines).`, summary: `created, ${lines} lines` }
      : { content: `Wrote ${target.display} (${lines} lines, replacing the previous content).`, summary: `wrote ${lines} lines` };
  });
}
