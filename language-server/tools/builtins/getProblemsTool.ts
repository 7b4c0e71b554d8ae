import { optionalStringArg } from '../toolArguments';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';
import type { Problem } from '../toolTypes';

const MAX_PROBLEMS = 200;
const SEVERITY_ORDER: Record<Problem['severity'], number> = { error: 0, warning: 1, info: 2 };

/** get_problems: VS Code's current diagnostics, asked from the client, errors first. */
export async function getProblemsTool(ctx: ToolContext, args: Record<string, unknown>): Promise<ToolOutcome> {
  if (!ctx.problems) {
    throw new ToolError('Problems (VS Code diagnostics) are not available in this session. Run the project\'s build or linter with run_command instead.', 'unavailable');
  }
  const pathArg = optionalStringArg(args, 'path');
  let relativePath: string | undefined;
  if (pathArg !== undefined && pathArg !== '' && pathArg !== '.') {
    const target = await ctx.confinement.resolve(pathArg, 'read');
    if (!target.exists) throw new ToolError(`${target.display} does not exist.`, 'not found');
    relativePath = target.display;
  }
  let problems: Problem[];
  try {
    problems = await ctx.problems.getProblems(relativePath);
  } catch (e) {
    throw new ToolError(`VS Code's problems could not be read (${(e as Error).message}).`, 'unavailable');
  }
  const sorted = [...problems].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.path.localeCompare(b.path) || a.line - b.line);
  const counts = { error: 0, warning: 0, info: 0 };
  for (const p of problems) counts[p.severity] = (counts[p.severity] ?? 0) + 1;
  const summary = `${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}`;
  if (sorted.length === 0) return { content: `No problems reported${relativePath ? ` for ${relativePath}` : ''}.`, summary };

  const lines: string[] = [];
  let bytes = 0;
  for (const p of sorted.slice(0, MAX_PROBLEMS)) {
    const line = `${p.path}:${p.line}: ${p.severity}: ${p.message.replace(/\s*\n\s*/g, ' ')}${p.source ? ` [${p.source}]` : ''}`;
    if (bytes + line.length > ctx.policy.maxOutputBytes) break;
    bytes += line.length + 1;
    lines.push(line);
  }
  if (lines.length < sorted.length) lines.push(`[${sorted.length - lines.length} more not shown; ask for one file with "path".]`);
  return { content: lines.join('\n'), summary };
}
