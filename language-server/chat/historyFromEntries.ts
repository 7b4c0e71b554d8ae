import type { ChatMessage } from '../../protocol/chat';
import type { SessionEntry } from '../../protocol/sessions';
import { compactedHistoryPrefix, formatUserMessage } from '../../agent-host';

/**
 * Where the history the model sees starts: after the latest compaction that
 * was not undone, its summary stands in for every entry before `from`.
 */
export function compactionBase(entries: SessionEntry[]): { from: number; summary?: string } {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry.kind !== 'assistant' || !entry.compaction || entry.compaction.undone || !entry.compaction.keptFrom) continue;
    const from = entries.findIndex((e) => e.id === entry.compaction!.keptFrom);
    if (from >= 0) return { from, summary: entry.compaction.summary };
  }
  return { from: 0 };
}

/**
 * The first user entry a new compaction kept verbatim, from how many
 * exchanges of the history (`entries`, as sent) it summarised; an earlier
 * compaction's summary counts as one exchange.
 */
export function keptFromAfterCompaction(entries: SessionEntry[], summarizedExchanges: number): string | undefined {
  const base = compactionBase(entries);
  const users = entries.slice(base.from).filter((e) => e.kind === 'user');
  return users[summarizedExchanges - (base.summary !== undefined ? 1 : 0)]?.id;
}

/** The history the model sees, with the latest compaction applied (the entries themselves are all kept). */
export function historyFromEntries(entries: SessionEntry[]): ChatMessage[] {
  const base = compactionBase(entries);
  if (base.summary === undefined) return messagesOfEntries(entries);
  return [...compactedHistoryPrefix(base.summary), ...messagesOfEntries(entries.slice(base.from))];
}

/**
 * Turns the stored session into the history the model sees. Tool calls and
 * results are replayed as Ollama-style assistant/tool messages, so a resumed
 * session continues with its tool history. Replies that produced nothing (an
 * error before the first token) are left out rather than sent as empty turns.
 * A continuation (a reply that resumed an answer cut at the length limit) is
 * joined to the answer it continues, so the model sees one answer, not two.
 * Reasoning (`thinking` parts) is never part of the history. A slash
 * command's message is sent as its stored expansion, as on its first turn.
 */
function messagesOfEntries(entries: SessionEntry[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const entry of entries) {
    if (entry.kind === 'user') {
      // Images stay on the message they were sent with, so a later turn (and a retry) shows the model the same picture.
      messages.push({ role: 'user', content: formatUserMessage({ text: entry.expansion ?? entry.text, context: entry.context }), ...(entry.images?.length ? { images: entry.images } : {}) });
      continue;
    }
    let pending: ChatMessage | undefined;
    const results: ChatMessage[] = [];
    const flush = () => {
      const previous = messages[messages.length - 1];
      if (pending && !pending.toolCalls?.length && previous?.role === 'assistant' && !previous.toolCalls?.length && results.length === 0) {
        previous.content += pending.content;
        pending = undefined;
      }
      if (pending && (pending.content || pending.toolCalls?.length)) messages.push(pending);
      messages.push(...results);
      pending = undefined;
      results.length = 0;
    };
    for (const part of entry.parts) {
      if (part.kind === 'text') {
        if (pending?.toolCalls?.length) flush();
        pending ??= { role: 'assistant', content: '' };
        pending.content += part.text;
      } else if (part.kind === 'toolCall') {
        pending ??= { role: 'assistant', content: '' };
        (pending.toolCalls ??= []).push(part.call);
        results.push({
          role: 'tool',
          toolCallId: part.call.id,
          toolName: part.call.name,
          content: part.result ? part.result.content : 'The tool did not finish (the turn was interrupted).',
        });
      }
    }
    flush();
  }
  return messages;
}
