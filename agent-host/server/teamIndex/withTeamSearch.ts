import type { ToolCall, ToolResult } from '../../../protocol/chat';
import type { ToolDefinition } from '../../../protocol/tools';
import type { ToolExecutor } from '../../index';
import type { TeamIndex, TeamSearchOutcome } from './teamIndex';

export const TEAM_SEARCH_TOOL = 'team_search';
const DEFAULT_RESULTS = 6;
const MAX_RESULTS = 12;
const MAX_QUERY_CHARS = 500;
/** The most text one result gives the model: enough to answer from, small enough for several in one context. */
const MAX_RESULT_CHARS = 24_000;

export function teamSearchDefinition(sources: string): ToolDefinition {
  return {
    name: TEAM_SEARCH_TOOL,
    description:
      `Searches the team's shared code and documentation index on the team server (${sources}): repositories and documents that may not be in the user's workspace. ` +
      'Returns the best-matching passages, each headed by its citation (source:path:lines). ' +
      'When your answer uses a passage, cite it exactly as its heading gives it, for example `api:src/auth/jwt.ts:12-40`.',
    parameters: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'What to look for, in words or identifiers (a question, a concept, a function name).' },
        limit: { type: 'integer', description: `How many passages (1 to ${MAX_RESULTS}, default ${DEFAULT_RESULTS}).` },
      },
      required: ['query'],
    },
    readOnly: true,
  };
}

export interface TeamSearchGate {
  /** Records the call before it runs (the audit log). */
  onCall?(call: ToolCall): void;
  /** Records the outcome (the audit log, metrics). */
  onResult?(call: ToolCall, result: ToolResult, hits: number): void;
}

/** The text the model reads: one fenced passage per hit under its citation, then any notes. */
export function formatTeamSearch(query: string, outcome: TeamSearchOutcome): string {
  const header = `team_search results for ${JSON.stringify(query)}${outcome.ranking === 'full-text' ? ' (full-text ranking)' : ''}. Cite the passages you use by their headings.`;
  const notes = outcome.notes.map((n) => `(${n})`);
  if (outcome.hits.length === 0) return [header, 'Nothing in the team index matches.', ...notes].join('\n\n');
  const parts = [header];
  let size = header.length;
  for (const hit of outcome.hits) {
    // A fence longer than any backtick run in the passage, so a Markdown file's own fences cannot close it early.
    const fence = '`'.repeat(Math.max(3, ...(hit.text.match(/`+/g) ?? []).map((r) => r.length + 1)));
    const label = hit.kind === 'documents' ? `document set ${hit.source}` : `repository ${hit.source}`;
    const block = `${hit.source}:${hit.path}:${hit.startLine}-${hit.endLine} (${label})\n${fence}\n${hit.text}\n${fence}`;
    if (size + block.length > MAX_RESULT_CHARS) break;
    size += block.length;
    parts.push(block);
  }
  return [...parts, ...notes].join('\n\n');
}

/**
 * `inner`'s tools plus team_search, which runs here on the team server
 * against the admin's index (never on the developer's machine). The client's
 * own tool of the same name, if it had one, wins, as it does for admin MCP
 * tools: a server-side tool never shadows a client's.
 */
export function withTeamSearch(inner: ToolExecutor | undefined, index: TeamIndex, gate: TeamSearchGate = {}): ToolExecutor {
  const sources = () => index.statuses.map((s) => `${s.kind === 'documents' ? 'documents' : 'repository'} ${s.name}`).join(', ');
  const clientHasIt = () => (inner?.definitions() ?? []).some((d) => d.name === TEAM_SEARCH_TOOL);
  return {
    definitions(): ToolDefinition[] {
      const own = inner?.definitions() ?? [];
      return clientHasIt() ? own : [...own, teamSearchDefinition(sources())];
    },
    refusalFor: (name) => inner?.refusalFor?.(name),
    async execute(call: ToolCall, signal: AbortSignal): Promise<ToolResult> {
      if (call.name !== TEAM_SEARCH_TOOL || clientHasIt()) {
        if (inner) return inner.execute(call, signal);
        return { callId: call.id, name: call.name, content: `There is no tool named ${JSON.stringify(call.name)}. Available tools: ${TEAM_SEARCH_TOOL}.`, isError: true, summary: 'unknown tool' };
      }
      const started = performance.now();
      const result = (content: string, isError: boolean, summary: string): ToolResult => ({ callId: call.id, name: call.name, content, isError, summary, durationMs: Math.round(performance.now() - started) });
      gate.onCall?.(call);
      const args = call.arguments as { query?: unknown; limit?: unknown };
      const query = typeof args.query === 'string' ? args.query.trim() : '';
      let outcome: ToolResult;
      let hits = 0;
      if (query === '' || query.length > MAX_QUERY_CHARS) {
        outcome = result(`team_search needs a query of 1 to ${MAX_QUERY_CHARS} characters.`, true, 'no query');
      } else if (args.limit !== undefined && (typeof args.limit !== 'number' || !Number.isInteger(args.limit) || args.limit < 1 || args.limit > MAX_RESULTS)) {
        outcome = result(`limit must be a whole number from 1 to ${MAX_RESULTS}.`, true, 'bad limit');
      } else {
        try {
          const found = await index.search(query, (args.limit as number | undefined) ?? DEFAULT_RESULTS, signal);
          hits = found.hits.length;
          outcome = result(formatTeamSearch(query, found), false, `${hits} passage${hits === 1 ? '' : 's'} from the team index`);
        } catch (err) {
          outcome = signal.aborted ? result('The turn was cancelled during the search.', true, 'cancelled') : result(`team_search failed: ${(err as Error).message}`, true, 'failed');
        }
      }
      gate.onResult?.(call, outcome, hits);
      return outcome;
    },
  };
}
