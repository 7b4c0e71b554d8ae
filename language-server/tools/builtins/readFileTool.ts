import * as path from 'node:path';
import { optionalIntegerArg, stringArg } from '../toolArguments';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';
import { readLineWindow } from '../textFiles';
import { openConfinedForRead } from './openConfined';
import { secretsFileTest } from '../secretsFileTest';
import { hardLinkReadReason, requestReadApproval, secretsFileReadReason } from './requestReadApproval';

/** Lines longer than this are shortened: minified files would otherwise eat the whole budget in one line. */
const MAX_LINE_CHARS = 2000;
const MAX_LINE_NUMBER = 100_000_000;

/**
 * read_file: numbered lines of a text file, a line range at a time for large
 * files. The file is opened once, verified to be the checked one, and read
 * through that descriptor (pinnedFiles.ts), so a symlink swapped in after the
 * check is never followed.
 */
export async function readFileTool(ctx: ToolContext, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
  const target = await ctx.confinement.resolve(stringArg(args, 'path'), 'read');
  const startLine = optionalIntegerArg(args, 'startLine', 1, MAX_LINE_NUMBER) ?? 1;
  const endLine = optionalIntegerArg(args, 'endLine', 1, MAX_LINE_NUMBER) ?? Number.POSITIVE_INFINITY;
  if (endLine < startLine) throw new ToolError(`endLine (${endLine}) is before startLine (${startLine}).`, 'bad arguments');
  if (!target.exists) throw new ToolError(`${target.display} does not exist. Use list_dir or glob to find the right path.`, 'not found');
  const file = await openConfinedForRead(target, 'Use list_dir or glob to find the right path.');
  try {
    const stat = file.stat;
    if (stat.isDirectory()) throw new ToolError(`${target.display} is a directory. Use list_dir to see its entries.`, 'is a directory');
    if (!stat.isFile()) throw new ToolError(`${target.display} is not a regular file (a device, socket or pipe) and cannot be read.`, 'not a file');
    // A file with other hard links is asked about at every read: what it holds may have become another file since.
    // A secrets file (by its name or where it leads) is asked about once a turn, so reading it in parts asks once.
    const isSecret = secretsFileTest(ctx.policy, ctx.confinement.roots.map((r) => r.realPath));
    const askFor =
      stat.nlink > 1
        ? hardLinkReadReason(target.display, stat.nlink)
        : !ctx.turn.approvedReads.has(target.absolute) && (isSecret(path.join(target.root.realPath, target.typedRelative)) || isSecret(target.absolute))
          ? secretsFileReadReason(target.display)
          : null;
    if (askFor) {
      const rejected = await requestReadApproval(ctx, target, askFor, signal);
      if (rejected) return rejected;
      if (stat.nlink === 1) ctx.turn.approvedReads.add(target.absolute);
    }

    const window = await readLineWindow(file.handle, { startLine, endLine, maxBytes: ctx.policy.maxReadBytes, maxLineChars: MAX_LINE_CHARS, signal });
    if (window.binary) {
      throw new ToolError(
        `${target.display} is a binary file (${stat.size} bytes), not text, so read_file cannot show it. If it is text in another encoding (such as UTF-16), convert it with run_command first.`,
        'binary file',
      );
    }
    if (window.totalLines === 0) return { content: `${target.display} is empty (0 lines).`, summary: 'read 0 lines', display: { kind: 'read', path: target.display, lines: 0, totalLines: 0 } };
    if (window.lines.length === 0) {
      throw new ToolError(`${target.display} has ${window.totalLines} lines; startLine ${startLine} is past the end.`, 'past the end');
    }
    const last = startLine + window.lines.length - 1;
    const width = String(last).length;
    const body = window.lines.map((line, i) => `${String(startLine + i).padStart(width)}\t${line}`).join('\n');
    const notes: string[] = [];
    const wanted = Math.min(endLine, window.totalLines);
    if (last < wanted) notes.push(`[Stopped at the ${ctx.policy.maxReadBytes}-byte limit. Continue with startLine=${last + 1}.]`);
    if (window.longLinesShortened > 0) notes.push(`[${window.longLinesShortened} long line(s) were shortened.]`);
    const header = `${target.display}: lines ${startLine}-${last} of ${window.totalLines} (each line starts with its number and a tab, which are not part of the file)`;
    return {
      content: [header, body, ...notes].join('\n'),
      summary: `read ${window.lines.length} line${window.lines.length === 1 ? '' : 's'}`,
      display: { kind: 'read', path: target.display, lines: window.lines.length, startLine, endLine: last, totalLines: window.totalLines },
    };
  } finally {
    await file.close();
  }
}
