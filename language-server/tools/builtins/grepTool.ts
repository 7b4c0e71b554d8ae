import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { GrepOutcome, GrepQuery } from '../grepSearch';
import { javascriptSearch } from '../javascriptSearch';
import { ripgrepSearch } from '../ripgrepSearch';
import { optionalBooleanArg, optionalStringArg, stringArg } from '../toolArguments';
import { secretsFileTest } from '../secretsFileTest';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';
import type { WorkspaceRoot } from '../workspaceConfinement';

const MAX_MATCHES = 200;
const MAX_LINE_CHARS = 300;

/** grep: `path:line: text` for every matching line, with ripgrep when available and the same results without it. */
export async function grepTool(ctx: ToolContext, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
  const pattern = stringArg(args, 'pattern');
  if (pattern === '') throw new ToolError('The pattern is empty. Give a regular expression to search for.', 'bad arguments');
  const pathArg = optionalStringArg(args, 'path');
  const globArg = optionalStringArg(args, 'glob');
  const glob = globArg === undefined || globArg === '' ? undefined : ctx.confinement.checkGlob(globArg).replace(/^(!?)(\.\/)+/, '$1');
  const caseSensitive = optionalBooleanArg(args, 'caseSensitive') ?? false;

  const targets: { root: WorkspaceRoot; searchPath: string }[] = [];
  let where: { path?: string } = {};
  if (pathArg !== undefined && pathArg !== '' && pathArg !== '.') {
    const target = await ctx.confinement.resolve(pathArg, 'read');
    where = { path: target.display };
    if (!target.exists) throw new ToolError(`${target.display} does not exist. Omit "path" to search the whole workspace.`, 'not found');
    const stat = await fs.stat(target.absolute);
    if (!stat.isFile() && !stat.isDirectory()) throw new ToolError(`${target.display} is not a file or directory.`, 'not a file');
    targets.push({ root: target.root, searchPath: target.relativeToRoot });
  } else {
    ctx.confinement.assertHasRoots();
    for (const root of ctx.confinement.roots) targets.push({ root, searchPath: '' });
  }

  const rg = await ctx.ripgrep();
  const lines: string[] = [];
  const warnings: string[] = [];
  const files = new Set<string>();
  let truncated = false;
  let engine: GrepOutcome['engine'] = 'javascript';
  let matches = 0;
  let bytes = 0;
  let skippedHardLinks = 0;
  // The user's secrets files are left out: a search for "KEY" would otherwise show the model every secret line.
  const isSecret = secretsFileTest(ctx.policy, ctx.confinement.roots.map((r) => r.realPath));
  const skippedSecrets = new Set<string>();
  for (const { root, searchPath } of targets) {
    const query: GrepQuery = { rootPath: root.realPath, searchPath, pattern, glob, caseSensitive, maxMatches: MAX_MATCHES - matches, maxLineChars: MAX_LINE_CHARS, signal };
    const outcome = (rg ? await ripgrepSearch(rg, query) : null) ?? (await javascriptSearch(query));
    engine = outcome.engine;
    warnings.push(...outcome.warnings);
    skippedHardLinks += outcome.skippedHardLinks;
    for (const hit of outcome.hits) {
      if (isSecret(path.join(root.realPath, hit.relativeToRoot))) {
        skippedSecrets.add(ctx.confinement.display(root, hit.relativeToRoot));
        continue;
      }
      const line = `${ctx.confinement.display(root, hit.relativeToRoot)}:${hit.line}: ${hit.text}`;
      if (bytes + line.length + 1 > ctx.policy.maxOutputBytes) {
        truncated = true;
        break;
      }
      bytes += line.length + 1;
      lines.push(line);
      files.add(`${root.name}/${hit.relativeToRoot}`);
      matches++;
    }
    if (outcome.truncated) truncated = true;
    if (truncated || matches >= MAX_MATCHES) break;
  }

  const notes: string[] = [];
  if (truncated) notes.push(`[Only the first ${matches} matches are shown; narrow the search with "path", "glob" or a more specific pattern.]`);
  if (skippedHardLinks > 0) {
    notes.push(
      `[${skippedHardLinks} file(s) were skipped because they have more than one hard link: the same file may also be a file outside the workspace. ` +
        'read_file can open one of them after the user approves.]',
    );
  }
  if (skippedSecrets.size > 0) {
    const named = [...skippedSecrets].slice(0, 5).join(', ') + (skippedSecrets.size > 5 ? ` and ${skippedSecrets.size - 5} more` : '');
    notes.push(
      `[Matches in ${skippedSecrets.size} secrets file(s) (hearth.completion.disabledFiles names them) are not shown: ${named}. ` +
        'read_file can open one after the user approves; do not read it another way.]',
    );
  }
  for (const w of warnings) notes.push(`[${w}]`);
  if (matches === 0) {
    return { content: [`No matches for ${JSON.stringify(pattern)}${caseSensitive ? ' (case-sensitive)' : ''}.`, ...notes].join('\n'), summary: 'no matches', display: { kind: 'search', pattern, ...where, matches: 0, files: 0 } };
  }
  return {
    content: [...lines, ...notes].join('\n'),
    summary: `${matches}${truncated ? '+' : ''} match${matches === 1 ? '' : 'es'} in ${files.size} file${files.size === 1 ? '' : 's'}${engine === 'javascript' ? ' (no ripgrep)' : ''}`,
    display: { kind: 'search', pattern, ...where, matches, files: files.size, ...(truncated ? { truncated: true } : {}) },
  };
}
