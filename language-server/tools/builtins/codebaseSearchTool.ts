import { optionalIntegerArg, stringArg } from '../toolArguments';
import type { ToolContext, ToolOutcome } from '../toolContext';
import { ToolError } from '../toolError';

const DEFAULT_LIMIT = 8;
const MAX_QUERY_CHARS = 1000;

/**
 * codebase_search: the best chunks of the workspace for a description, from
 * the codebase index (full-text ranking fused with embeddings when a model
 * answers). Only paths the index holds can come back, and the index holds
 * only files the workspace walk reached, so results never leave the workspace.
 */
export async function codebaseSearchTool(ctx: ToolContext, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
  if (!ctx.codebaseSearch) {
    throw new ToolError('Codebase search is not available in this session (it is turned off, or no folder is open). Use grep and glob instead.', 'unavailable');
  }
  const query = stringArg(args, 'query').trim();
  if (query === '') throw new ToolError('The query is empty. Describe what you are looking for.', 'bad arguments');
  const limit = optionalIntegerArg(args, 'limit', 1, 20) ?? DEFAULT_LIMIT;
  const outcome = await ctx.codebaseSearch.search(query.slice(0, MAX_QUERY_CHARS), limit, signal);
  const notes = outcome.notes.map((n) => `[${n}]`);
  if (outcome.hits.length === 0) return { content: [`No indexed code matches ${JSON.stringify(query)}. Try other words, or grep for an exact name.`, ...notes].join('\n'), summary: 'no results' };
  const blocks: string[] = [];
  let bytes = 0;
  for (const hit of outcome.hits) {
    // Documentation may live outside the workspace: its passage is given in full and marked, so the model cites it instead of reading it.
    const label = hit.documentation !== undefined ? ` (documentation, ${hit.documentation})` : '';
    const block = `${hit.path}:${hit.startLine}-${hit.endLine}${label}\n${hit.snippet.split('\n').map((l) => `  ${l}`).join('\n')}`;
    if (bytes + block.length > ctx.policy.maxOutputBytes) break;
    bytes += block.length + 2;
    blocks.push(block);
  }
  const files = new Set(outcome.hits.slice(0, blocks.length).map((h) => h.path)).size;
  return {
    content: [
      ...blocks,
      ...notes,
      outcome.hits.some((h) => h.documentation !== undefined)
        ? '[Read a workspace result with read_file and its line range. Documentation results are shown whole; cite them by their path and lines.]'
        : '[Read a result with read_file and its line range.]',
    ].join('\n\n'),
    summary: `${blocks.length} result${blocks.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}${outcome.ranking === 'full-text' ? ' (full-text)' : ''}`,
  };
}
