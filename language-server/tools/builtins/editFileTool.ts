import { equalIgnoringWhitespace, findNearestLines } from '../nearestLines';
import { stringArg } from '../toolArguments';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';
import { looksBinary, splitLines } from '../textFiles';
import { applyFileChange, readFileToReplace } from './applyFileChange';
import { requestEditApproval } from './requestEditApproval';
import { recordFileChange } from './recordFileChange';
import { requireTrust } from './requireTrust';

/** How many lines of the nearest match an error shows. */
const MAX_SHOWN_LINES = 30;

/** edit_file: replaces exactly one occurrence of `oldText`, after the user reviewed the diff. */
export async function editFileTool(ctx: ToolContext, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
  requireTrust(ctx);
  const oldText = stringArg(args, 'oldText');
  const newText = stringArg(args, 'newText');
  const target = await ctx.confinement.resolve(stringArg(args, 'path'), 'write');
  if (oldText === '') throw new ToolError('oldText is empty. To create a file or replace all of it, use write_file.', 'bad arguments');
  if (oldText === newText) throw new ToolError('oldText and newText are identical, so the edit would change nothing.', 'bad arguments');
  if (!target.exists) throw new ToolError(`${target.display} does not exist. Use write_file to create it.`, 'not found');

  return ctx.serializeChange(async () => {
    const current = await readFileToReplace(target);
    if (!current) throw new ToolError(`${target.display} does not exist (it was removed just now). Use write_file to create it.`, 'not found');
    const bytes = current.bytes;
    if (looksBinary(bytes)) throw new ToolError(`${target.display} is a binary file; edit_file only edits text.`, 'binary file');
    const text = bytes.toString('utf8');
    // Re-encoding must give back the same bytes, or the edit would silently corrupt the rest of the file.
    if (!Buffer.from(text, 'utf8').equals(bytes)) {
      throw new ToolError(`${target.display} is not valid UTF-8, so edit_file cannot change it without damaging other bytes.`, 'not UTF-8');
    }

    let needle = oldText;
    let replacement = newText;
    let positions = occurrences(text, needle);
    // Models write "\n"; a file with Windows line endings has "\r\n". Retry in the file's style.
    if (positions.length === 0 && text.includes('\r\n') && !oldText.includes('\r\n')) {
      needle = oldText.replace(/\n/g, '\r\n');
      replacement = newText.replace(/\r?\n/g, '\r\n');
      positions = occurrences(text, needle);
    }
    if (positions.length === 0) throw notFound(target.display, text, oldText);
    if (positions.length > 1) {
      const lines = positions.map((p) => lineAt(text, p));
      throw new ToolError(
        `oldText matches ${positions.length} times in ${target.display} (at lines ${lines.join(', ')}). ` +
          'Include more of the surrounding lines in oldText so that it matches exactly once.',
        `${positions.length} matches`,
      );
    }

    const at = positions[0];
    const updated = text.slice(0, at) + replacement + text.slice(at + needle.length);
    const rejected = await requestEditApproval(
      ctx,
      {
        callId: ctx.callId,
        toolName: ctx.toolName,
        path: target.absolute,
        relativePath: target.display,
        oldContent: text,
        newContent: updated,
        ...(target.executionSensitive ? { executionSensitive: target.executionSensitive } : {}),
      },
      signal,
    );
    if (rejected) return rejected;
    await applyFileChange(ctx, target, bytes, updated, current.mode);
    const display = await recordFileChange(ctx, target.display, text, updated);

    const firstLine = lineAt(text, at);
    const removed = splitLines(needle).length;
    const added = replacement === '' ? 0 : splitLines(replacement).length;
    const shown = splitLines(updated).slice(Math.max(0, firstLine - 3), firstLine - 1 + added + 2);
    const startShown = Math.max(1, firstLine - 2);
    const width = String(startShown + shown.length).length;
    const excerpt = shown.map((l, i) => `${String(startShown + i).padStart(width)}\t${l}`).join('\n');
    return {
      content: `Edited ${target.display}: replaced ${removed} line(s) at line ${firstLine} with ${added} line(s). The file now reads:\n${excerpt}`,
      summary: `edited line ${firstLine} (-${removed} +${added})`,
      display,
    };
  });
}

/** Start offsets of every occurrence, overlapping ones included (they make the match ambiguous too). */
function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(needle); i >= 0 && found.length < 100; i = text.indexOf(needle, i + 1)) found.push(i);
  return found;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The error for a missing oldText, showing the file's most similar lines so the model can copy them exactly. */
function notFound(display: string, text: string, oldText: string): ToolError {
  const fileLines = splitLines(text);
  let message = `oldText was not found in ${display}.`;
  // read_file prefixes lines with "12<tab>"; small models often paste that into oldText.
  const pasted = oldText.split('\n').filter((l) => l.trim() !== '');
  if (pasted.length > 0 && pasted.every((l) => /^\s*\d+\t/.test(l))) {
    message += ' It seems to include the line numbers that read_file shows; remove the number and the tab at the start of each line.';
    oldText = oldText.replace(/^\s*\d+\t/gm, '');
  }
  const nearest = findNearestLines(fileLines, oldText);
  if (nearest) {
    const end = Math.min(nearest.endLine, nearest.startLine + MAX_SHOWN_LINES - 1);
    const candidate = fileLines.slice(nearest.startLine - 1, nearest.endLine).join('\n');
    const width = String(end).length;
    const shown = fileLines
      .slice(nearest.startLine - 1, end)
      .map((l, i) => `${String(nearest.startLine + i).padStart(width)}\t${l}`)
      .join('\n');
    message += equalIgnoringWhitespace(candidate, oldText)
      ? ` Lines ${nearest.startLine}-${nearest.endLine} match it except for whitespace or indentation:\n${shown}\n`
      : ` The most similar lines are ${nearest.startLine}-${nearest.endLine}:\n${shown}\n`;
    message += 'Copy oldText exactly from these lines (without the line numbers and the tab after them), including indentation.';
  } else {
    message += ' Nothing in the file is similar. Read the file again with read_file and copy oldText exactly.';
  }
  return new ToolError(message, 'no match');
}
