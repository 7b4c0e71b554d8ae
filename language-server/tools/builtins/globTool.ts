import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { compileGlob, staticPrefix } from '../globPattern';
import { stringArg } from '../toolArguments';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';
import { GLOB_TOO_SLOW, TimedGlob } from '../timedGlob';
import type { WorkspaceRoot } from '../workspaceConfinement';
import { walkFiles } from '../workspaceWalker';

const MAX_RESULTS = 500;

/**
 * glob: files whose workspace-relative path matches the pattern, honouring
 * .gitignore. A pattern without "/" matches names at any depth ("*.ts"), one
 * with "/" is anchored at the root ("src/**\/*.ts"), as in ripgrep's --glob.
 */
export async function globTool(ctx: ToolContext, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
  let pattern = ctx.confinement.checkGlob(stringArg(args, 'pattern')).replace(/^(\.\/)+/, '');
  if (pattern.startsWith('!')) throw new ToolError('glob does not support negated ("!") patterns; give the files to find, e.g. "src/**/*.ts".', 'bad pattern');

  // In a multi-root workspace a pattern may start with a folder's name.
  let roots: readonly WorkspaceRoot[] = ctx.confinement.roots;
  if (roots.length > 1) {
    const named = roots.find((r) => pattern.startsWith(`${r.name}/`));
    if (named) {
      roots = [named];
      pattern = pattern.slice(named.name.length + 1);
    }
  }
  ctx.confinement.assertHasRoots();
  const glob = new TimedGlob(compileGlob(pattern, { braces: true }));
  const prefix = staticPrefix(pattern);

  const found: string[] = [];
  let truncated = false;
  const limits = { truncated: false };
  let tooSlow = false;
  for (const root of roots) {
    // Start the walk at the pattern's fixed directory part, resolved like any path.
    const start = await ctx.confinement.resolve(prefix === '' ? root.realPath : path.join(root.realPath, prefix), 'read');
    if (!start.exists || start.root !== root || !(await fs.stat(start.absolute)).isDirectory()) continue;
    for await (const file of walkFiles(root.realPath, start.relativeToRoot, { signal, limits })) {
      const matched = glob.matches(file.relativeToRoot, false);
      if (matched === undefined) {
        tooSlow = true;
        break;
      }
      if (!matched) continue;
      if (found.length >= MAX_RESULTS) {
        truncated = true;
        break;
      }
      found.push(ctx.confinement.display(root, file.relativeToRoot));
    }
    if (tooSlow) break;
  }
  if (tooSlow) truncated = true;
  if (limits.truncated) truncated = true;
  if (tooSlow && found.length === 0) throw new ToolError(`The search was stopped: ${GLOB_TOO_SLOW}.`, 'pattern too slow');
  if (found.length === 0) {
    return { content: `No files match ${JSON.stringify(pattern)} (files excluded by .gitignore are not listed).`, summary: 'no files', display: { kind: 'search', pattern, matches: 0, files: 0 } };
  }
  const note = tooSlow
    ? `\n[Only the files matched before the search was stopped are listed: ${GLOB_TOO_SLOW}.]`
    : truncated
      ? `\n[Only the first ${found.length} files are listed; use a narrower pattern.]`
      : '';
  return {
    content: found.join('\n') + note,
    summary: `${found.length}${truncated ? '+' : ''} file${found.length === 1 ? '' : 's'}`,
    display: { kind: 'search', pattern, matches: found.length, files: found.length, ...(truncated ? { truncated: true } : {}) },
  };
}
