import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { asPinnedDir, listPinned } from '../pinnedFiles';
import { optionalStringArg } from '../toolArguments';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';
import { showHiddenCharacters, toPosix } from '../workspaceConfinement';
import { openConfinedForRead } from './openConfined';

const MAX_ENTRIES = 1000;

/**
 * list_dir: one directory's entries, directories marked with a trailing
 * slash. The folder is opened and verified first and listed through that
 * descriptor (pinnedFiles.ts), so a folder swapped for a symlink after the
 * check lists nothing outside.
 */
export async function listDirTool(ctx: ToolContext, args: Record<string, unknown>): Promise<ToolOutcome> {
  const target = await ctx.confinement.resolve(optionalStringArg(args, 'path') ?? '.', 'read');
  if (!target.exists) throw new ToolError(`${target.display} does not exist. List "." to see the workspace root.`, 'not found');
  const opened = await openConfinedForRead(target, 'List "." to see the workspace root.');
  if (!opened.stat.isDirectory()) {
    await opened.close();
    throw new ToolError(`${target.display} is a file, not a directory. Use read_file to read it.`, 'not a directory');
  }
  const dir = await asPinnedDir(opened);
  try {
    const entries = await listPinned(dir, target.display);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const lines: string[] = [];
    for (const entry of entries.slice(0, MAX_ENTRIES)) {
      // One entry per line, whatever its name holds (see showHiddenCharacters).
      const name = showHiddenCharacters(entry.name);
      if (entry.isDirectory()) lines.push(`${name}/`);
      else if (entry.isSymbolicLink()) lines.push(await describeSymlink(ctx, dir.entryPath(entry.name), name));
      else lines.push(name);
    }
    if (entries.length > MAX_ENTRIES) lines.push(`[... ${entries.length - MAX_ENTRIES} more entries; use glob to narrow down]`);
    const header = `${target.display}/ (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'})`;
    return { content: entries.length === 0 ? `${target.display}/ is empty.` : `${header}\n${lines.join('\n')}`, summary: `${entries.length} entries` };
  } finally {
    await dir.close();
  }
}

/** Says where a symlink leads without revealing paths outside the workspace. */
async function describeSymlink(ctx: ToolContext, entryPath: string, name: string): Promise<string> {
  try {
    const real = await fs.realpath(entryPath);
    const root = ctx.confinement.rootContaining(real);
    if (!root) return `${name} -> (outside the workspace; not accessible)`;
    const isDir = (await fs.stat(real)).isDirectory();
    return `${name} -> ${ctx.confinement.display(root, toPosix(path.relative(root.realPath, real)))}${isDir ? '/' : ''}`;
  } catch {
    return `${name} -> (broken link)`;
  }
}
