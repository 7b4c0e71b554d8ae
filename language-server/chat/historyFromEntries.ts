import type { ChatMessage } from '../../protocol/chat';
import type { SessionEntry } from '../../protocol/sessions';
import { formatUserMessage } from '../../agent-host';

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
export function historyFromEntries(entries: SessionEntry[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const entry of entries) {
    if (entry.kind === 'user') {
      messages.push({ role: 'user', content: formatUserMessage({ text: entry.expansion ?? entry.text, context: entry.context }) });
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
