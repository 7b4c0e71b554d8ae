import type { ChatRequest, ChatResponse, Ollama, ToolCall as OllamaToolCall } from 'ollama';
import type { AgentEvent, DoneReason, Usage } from '../../protocol/chat';
import { takeReady } from './modelStream';
import { LeadingThinkSplitter, type ThinkSplit } from './leadingThinkSplitter';
import { ToolCallTextFilter } from './toolCallTextFilter';
import { usageFromChunk } from './usageTotals';
import { REPLY_LIMITS } from './replyLimits';

/** One complete model reply. */
export interface ModelReply {
  /** Everything the model wrote, tool-call text included. */
  content: string;
  /** Native tool calls, as Ollama parsed them. */
  toolCalls: OllamaToolCall[];
  doneReason: Extract<DoneReason, 'stop' | 'length'>;
  usage?: Usage;
  /** Whether any text other than spaces and line breaks reached the user (after filtering). */
  showedText: boolean;
  /** The reasoning the model streamed (Ollama's message.thinking), kept apart from `content`. */
  thinking: string;
  /**
   * Set when the reply reached its bound (replyLimits.ts) in its text or in its reasoning: the request was aborted
   * there, and `content`, `thinking` and `toolCalls` hold what came before it (a tool call past the bound is left out).
   */
  cut?: 'text' | 'thinking';
}

/** `text` up to `room` characters, without leaving half of a surrogate pair at the end. */
function upTo(text: string, room: number): string {
  if (text.length <= room) return text;
  const cut = text.slice(0, Math.max(0, room));
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * Streams one /api/chat call, yielding text deltas as they arrive and
 * returning the whole reply. Aborting `signal` aborts the HTTP request at
 * once through the client's AbortableAsyncIterator; the read in progress then
 * rejects with an AbortError, which the caller turns into a cancelled turn.
 * `hideToolCallText` keeps tool calls written as text out of the deltas.
 * Reasoning (`message.thinking`, which thinking models stream with empty
 * content before the answer) is yielded as `thinking` events as it arrives,
 * so the user sees the model working, and is never mixed into `content`.
 * A reasoning block the model wrote into its text instead (`<think>…</think>`
 * at the start, from Ollama before 0.9 or a template without thinking tags)
 * is treated the same way.
 * The reply is bounded (REPLY_LIMITS, the core's one bound): at the bound of its
 * text or its reasoning the request is aborted, so the server stops generating,
 * and the reply returns with `cut` set and what came before the bound.
 */
export async function* streamModelReply(
  client: Ollama,
  // `truncate` (api/types.go ChatRequest) is newer than the npm client's type; the client sends the object as it is.
  request: Omit<ChatRequest, 'stream'> & { truncate?: boolean },
  signal: AbortSignal,
  hideToolCallText: boolean,
): AsyncGenerator<AgentEvent, ModelReply> {
  const stream = await client.chat({ ...request, stream: true });
  const abort = () => stream.abort();
  signal.addEventListener('abort', abort, { once: true });
  if (signal.aborted) abort();
  const filter = hideToolCallText ? new ToolCallTextFilter() : undefined;
  const reply: ModelReply = { content: '', toolCalls: [], doneReason: 'stop', showedText: false, thinking: '' };
  let finished = false;
  // Deltas of the chunks taken in one step, adjacent ones of a kind merged, in the order they came.
  const deltas: Extract<AgentEvent, { type: 'text' | 'thinking' }>[] = [];
  const add = (type: 'text' | 'thinking', delta: string) => {
    const last = deltas[deltas.length - 1];
    if (last?.type === type) last.delta += delta;
    else deltas.push({ type, delta });
  };
  const leading = new LeadingThinkSplitter();
  // Native tool calls count against the text's bound (as their JSON): a server can send call after call without end.
  let toolCallChars = 0;
  const addThinking = (whole: string) => {
    if (whole === '' || reply.cut) return;
    const thinking = upTo(whole, REPLY_LIMITS.thinkingChars - reply.thinking.length);
    if (thinking !== whole) reply.cut = 'thinking';
    if (thinking === '') return;
    reply.thinking += thinking;
    add('thinking', thinking);
  };
  const addText = (whole: string) => {
    if (whole === '' || reply.cut) return;
    const delta = upTo(whole, REPLY_LIMITS.textChars - reply.content.length - toolCallChars);
    if (delta !== whole) reply.cut = 'text';
    if (delta === '') return;
    reply.content += delta;
    const visible = filter ? filter.push(delta) : delta;
    if (visible !== '') {
      if (/\S/.test(visible)) reply.showedText = true;
      add('text', visible);
    }
  };
  const addSplit = (split: ThinkSplit) => {
    addThinking(split.thinking);
    addText(split.text);
  };
  const take = (chunk: ChatResponse) => {
    addThinking(chunk.message?.thinking ?? '');
    const content = chunk.message?.content ?? '';
    if (content !== '') addSplit(leading.push(content));
    const calls = chunk.message?.tool_calls;
    if (calls?.length && !reply.cut) {
      const size = JSON.stringify(calls).length;
      if (reply.content.length + toolCallChars + size > REPLY_LIMITS.textChars) reply.cut = 'text';
      else {
        toolCallChars += size;
        reply.toolCalls.push(...calls);
      }
    }
    if (chunk.done) {
      reply.doneReason = chunk.done_reason === 'length' ? 'length' : 'stop';
      reply.usage = usageFromChunk(chunk);
    }
  };
  try {
    for await (const chunk of stream) {
      take(chunk);
      // Chunks that arrived while this turn waited for the CPU go out as one event, not one per token.
      for (const ready of reply.cut ? [] : takeReady(stream)) {
        take(ready);
        if (reply.cut) break;
      }
      for (const event of deltas.splice(0)) yield event;
      if (reply.cut) {
        // At the bound the server is told to stop (the request is aborted) rather than left generating unread.
        stream.abort();
        break;
      }
    }
    finished = true;
    addSplit(leading.flush());
    for (const event of deltas.splice(0)) yield event;
    const rest = filter?.flush() ?? '';
    if (rest !== '') {
      if (/\S/.test(rest)) reply.showedText = true;
      yield { type: 'text', delta: rest };
    }
    return reply;
  } finally {
    signal.removeEventListener('abort', abort);
    // If the consumer stopped early (or the read failed), release the HTTP request instead of leaving it streaming.
    if (!finished) stream.abort();
  }
}
