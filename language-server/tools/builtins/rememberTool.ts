import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { openPinnedDir, openPinnedDirCreating } from '../pinnedFiles';
import { stringArg } from '../toolArguments';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { refused, ToolError } from '../toolError';
import type { ConfinedPath } from '../workspaceConfinement';
import { writeFileAtomically } from '../writeFileAtomically';
import { readFileToReplace } from './applyFileChange';
import { requestEditApproval } from './requestEditApproval';
import { requireTrust } from './requireTrust';

/** Where project memory lives, in the first workspace folder. */
export const MEMORY_FILE = '.hearth/memory.md';
const MAX_NOTE_CHARS = 500;
/** A memory file this big is full: the user should tidy it before the agent adds more. */
const MAX_MEMORY_BYTES = 64 * 1024;
const HEADER = `# Project memory

Notes Hearth's agent saved about this project, each one approved by you. Edit or delete them freely (or the whole file):
Hearth adds this file to the start of every agent turn while \`hearth.memory.enabled\` is on for this workspace.

`;

/**
 * remember: appends one note to .hearth/memory.md, after the user reviewed
 * the change as a diff, like any other edit. This is the only way the agent
 * writes inside .hearth/ (the file tools and commands never may), and only
 * this one file: the path is fixed here, never taken from the model, and
 * `.hearth` must be a real folder of the workspace (a symlink is refused).
 */
export async function rememberTool(ctx: ToolContext, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
  requireTrust(ctx);
  if (!ctx.memoryEnabled) {
    throw new ToolError('Project memory is off for this workspace (the hearth.memory.enabled setting), so nothing was saved. Tell the user the note instead.', 'memory off');
  }
  // One line per note: control characters and line breaks are flattened, so a note cannot forge a heading or another note.
  const note = [...stringArg(args, 'note')]
    .map((ch) => (isControl(ch) ? ' ' : ch))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  if (note === '') throw new ToolError('"note" is empty; give the fact to remember in one or two sentences.', 'bad arguments');
  if (note.length > MAX_NOTE_CHARS) throw new ToolError(`"note" is ${note.length} characters; keep it under ${MAX_NOTE_CHARS} (one fact, one or two sentences).`, 'bad arguments');

  const root = ctx.confinement.primaryRoot;
  const dirPath = path.join(root.realPath, '.hearth');
  const filePath = path.join(dirPath, 'memory.md');
  const display = ctx.confinement.display(root, MEMORY_FILE);
  const target: ConfinedPath = {
    absolute: filePath,
    root,
    relativeToRoot: MEMORY_FILE,
    display,
    exists: true,
    missingDirs: [],
    typedRelative: MEMORY_FILE,
    executionSensitive: null,
  };

  return ctx.serializeChange(async () => {
    const dirExists = await realFolder(dirPath);
    const reviewed = dirExists ? await readCurrent(target, dirPath) : null;
    if (reviewed && reviewed.bytes.length > MAX_MEMORY_BYTES) {
      throw new ToolError(`${display} is full (${reviewed.bytes.length} bytes). Nothing was saved; ask the user to tidy the file first.`, 'memory full');
    }
    const old = reviewed?.bytes.toString('utf8') ?? null;
    const base = old === null || old.trim() === '' ? HEADER : old.endsWith('\n') ? old : `${old}\n`;
    const content = `${base}- ${note}\n`;
    const rejected = await requestEditApproval(ctx, { callId: ctx.callId, toolName: ctx.toolName, path: filePath, relativePath: display, oldContent: old, newContent: content }, signal);
    if (rejected) return rejected;

    const dir = await openPinnedDirCreating(dirPath, (await realFolder(dirPath)) ? [] : [dirPath], display, (created) => ctx.checkpoints.recordCreatedDir(ctx.turnId, created));
    try {
      const now = await readFileToReplace(target, dir);
      if ((now === null) !== (reviewed === null) || (now && reviewed && !now.bytes.equals(reviewed.bytes))) {
        throw new ToolError(`${display} changed while the note waited for approval, so it was not saved. Try again.`, 'file changed');
      }
      await ctx.checkpoints.recordFile(ctx.turnId, filePath, now);
      await writeFileAtomically(dir, 'memory.md', content, display, now?.mode);
    } finally {
      await dir.close();
    }
    return { content: `Saved to ${display}: "${note}"`, summary: 'note saved' };
  });
}

function isControl(ch: string): boolean {
  const code = ch.codePointAt(0)!;
  return code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029;
}

/** Whether `.hearth` is a real folder; throws when it is anything else (a symlink may lead out of the workspace). */
async function realFolder(dirPath: string): Promise<boolean> {
  const stat = await fs.lstat(dirPath).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (stat && !stat.isDirectory()) throw refused(`.hearth in the workspace is not a folder (it is a symlink or a file), so the note was not saved. Tell the user.`);
  return stat !== null;
}

async function readCurrent(target: ConfinedPath, dirPath: string) {
  const dir = await openPinnedDir(dirPath, target.display);
  try {
    return await readFileToReplace(target, dir);
  } finally {
    await dir.close();
  }
}
