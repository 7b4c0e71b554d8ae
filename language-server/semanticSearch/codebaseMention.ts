import { CODEBASE_MENTION, type ContextReference } from '../../protocol/chat';
import type { CodebaseSearchService } from './codebaseSearchService';

const RESULTS = 6;
const MAX_CHARS = 24_000;

/**
 * The text `@codebase` attaches: the best chunks for the message (with the
 * mention itself taken out of the query), each with its path and lines and
 * its current text read from the file through the same confined reader as
 * `@path` mentions; and the chunks it attached, for the chat to list.
 */
export async function codebaseMentionText(
  service: CodebaseSearchService,
  readFile: (relativePath: string) => Promise<string>,
  messageText: string,
  signal: AbortSignal,
): Promise<{ text: string; references: ContextReference[] }> {
  const query = messageText.replace(new RegExp(`(^|\\s)@${CODEBASE_MENTION}(?=\\s|$|[.,;:!?])`, 'g'), ' ').trim();
  if (query === '') return { text: '(Nothing to search for: write what you are looking for next to @codebase.)', references: [] };
  const outcome = await service.search(query, RESULTS, signal);
  const header = `Codebase search results for: ${query}${outcome.ranking === 'full-text' ? ' (full-text ranking)' : ''}`;
  const notes = outcome.notes.map((n) => `(${n})`);
  if (outcome.hits.length === 0) return { text: [header, 'No indexed file matches.', ...notes].join('\n\n'), references: [] };
  const parts = [header];
  const references: ContextReference[] = [];
  let size = header.length;
  const cache = new Map<string, string[] | Error>();
  for (const hit of outcome.hits) {
    let lines = cache.get(hit.path);
    if (!lines) {
      lines = await readFile(hit.path).then(
        (t) => t.split(/\r?\n/),
        (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
      );
      cache.set(hit.path, lines);
    }
    const readable = !(lines instanceof Error);
    const body = lines instanceof Error ? `(could not be read: ${lines.message})` : lines.slice(hit.startLine - 1, hit.endLine).join('\n');
    // A fence longer than any backtick run in the chunk, so a Markdown file's own fences cannot close it early.
    const fence = '`'.repeat(Math.max(3, ...(body.match(/`+/g) ?? []).map((r) => r.length + 1)));
    const block = `${hit.path}:${hit.startLine}-${hit.endLine}\n${fence}\n${body}\n${fence}`;
    if (size + block.length > MAX_CHARS) break;
    size += block.length;
    parts.push(block);
    if (readable) references.push({ path: hit.path, startLine: hit.startLine, endLine: hit.endLine });
  }
  return { text: [...parts, ...notes].join('\n\n'), references };
}
