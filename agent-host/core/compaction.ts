/**
 * Compaction: when a conversation fills most of the model's context, the
 * oldest exchanges are summarised by the model into one note that stands in
 * for them, instead of being dropped from the front by the budget (which
 * loses them without a trace) or cut by Ollama (which loses the system
 * prompt). The most recent exchange always stays verbatim. The caller keeps
 * the full messages; a compaction only changes what the model is sent.
 */
import type { ChatRequest, ChatResponse, Ollama } from 'ollama';
import { MAX_COMPACT_FOCUS_CHARS, type ChatMessage } from '../../protocol/chat';
import { answerReserve, messageTokens } from './contextBudget';
import { contextOverflow } from './errorMapping';

const SUMMARY_PROMPT = `You summarise a conversation between a user and Hearth, a coding assistant, so that the assistant can continue it without the full text.
Write a compact note: the user's goals and requests, decisions made, files and symbols involved (paths), changes already made, commands run and their outcomes, and anything still open.
Keep names, paths and numbers exact. Do not add anything that was not said. No preamble.`;

/**
 * What the user asked the note to keep (`/compact <focus>`, as Claude Code
 * has it): kept in full detail, the rest shorter. It is the user's own text
 * about the user's own chat, so it goes to the summariser as it was typed.
 */
function focusLine(focus: string): string {
  return `The user asked the note to focus on: ${focus.slice(0, MAX_COMPACT_FOCUS_CHARS)}\nKeep everything about that in full detail; keep the rest short.`;
}

/** At most this much of an old tool output, or of a call's arguments, goes into the summary request. */
const TOOL_OUTPUT_CHARS = 800;

/** The two messages that stand in for the compacted exchanges: the note as the user gave it, and the assistant's acknowledgement. */
export function compactedHistoryPrefix(summary: string): ChatMessage[] {
  return [
    { role: 'user', content: `Summary of the earlier part of this conversation (compacted to fit the context window):\n\n${summary}` },
    { role: 'assistant', content: 'Understood. I will continue from that summary.' },
  ];
}

function exchanges(history: ChatMessage[]): ChatMessage[][] {
  const groups: ChatMessage[][] = [];
  for (const message of history) {
    if (message.role === 'user' || groups.length === 0) groups.push([message]);
    else groups[groups.length - 1].push(message);
  }
  return groups;
}

function transcript(messages: ChatMessage[]): string {
  return messages
    .map((m) => {
      if (m.role === 'tool') {
        const text = m.content.length > TOOL_OUTPUT_CHARS ? `${m.content.slice(0, TOOL_OUTPUT_CHARS)} […]` : m.content;
        return `[tool ${m.toolName ?? ''} result]\n${text}`;
      }
      // Capped like a tool output: a whole file the model wrote (write_file's content) would otherwise fill the summary
      // request's window by itself, and the transcript, cut from its start to fit, would lose every exchange before it.
      const calls = (m.toolCalls ?? [])
        .map((c) => {
          const args = JSON.stringify(c.arguments);
          return `[called ${c.name} ${args.length > TOOL_OUTPUT_CHARS ? `${args.slice(0, TOOL_OUTPUT_CHARS)} […]` : args}]`;
        })
        .join('\n');
      return `[${m.role}]\n${m.content}${calls ? `\n${calls}` : ''}`;
    })
    .join('\n\n');
}

export interface Compaction {
  summary: string;
  summarizedExchanges: number;
  /** The history to send instead: the summary's two messages, then the exchanges kept. */
  history: ChatMessage[];
}

/**
 * Summarises every exchange of `history` but the last. Undefined when there
 * is nothing worth compacting (fewer than two exchanges). The transcript is
 * cut from its start to fit the summary request's own window, since the
 * newest of the old exchanges matter most to what comes next.
 */
export async function compactHistory(client: Ollama, model: string, numCtx: number, history: ChatMessage[], signal: AbortSignal, focus?: string): Promise<Compaction | undefined> {
  const groups = exchanges(history);
  if (groups.length < 2) return undefined;
  const old = groups.slice(0, -1);
  const kept = groups.at(-1)!;
  // About three characters a token; the reserve leaves room for the summary itself.
  const summaryLimit = answerReserve(numCtx);
  const allowedTokens = numCtx - summaryLimit - 500;
  let maxChars = Math.max(2000, allowedTokens * 3);
  const full = transcript(old.flat());
  const system = focus ? `${SUMMARY_PROMPT}\n${focusLine(focus)}` : SUMMARY_PROMPT;
  let reply: ChatResponse | undefined;
  for (let attempt = 1; reply === undefined; attempt++) {
    const text = full.length > maxChars ? `[…]\n${full.slice(full.length - maxChars)}` : full;
    if (signal.aborted) return undefined;
    try {
      reply = await client.chat({
        model,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: text },
        ],
        stream: false,
        // A thinking model reasons when `think` is omitted (routes.go ChatHandler): minutes over a long transcript,
        // unseen (the summary is not streamed), and spent from the window the summary needs. Every model accepts false.
        think: false,
        // Ollama would otherwise cut an overlong prompt itself, and its context shift keeps the middle's end, not the
        // instructions above it: the model would continue the transcript instead of summarising it (see contextBudget.ts).
        truncate: false,
        // A model that loops would otherwise write on for up to ten windows (llm/llama_server.go boundedNumPredict
        // bounds an open-ended num_predict at 10 * num_ctx), unseen and holding the turn: the summary gets the room
        // this request kept for it, and no more.
        options: { num_ctx: numCtx, temperature: 0, num_predict: summaryLimit },
      } as ChatRequest & { stream: false; truncate: boolean });
    } catch (err) {
      const overflow = contextOverflow(err);
      if (!overflow || full.length <= 1 || attempt >= 3) {
        if (overflow) throw new Error(`the earlier messages are longer than ${model}'s context window of ${numCtx} tokens by its own count`, { cause: err });
        throw err;
      }
      // The transcript keeps the share of its characters that Ollama's count says fits, with a tenth to spare.
      const shrink = overflow.promptTokens !== undefined ? (allowedTokens / overflow.promptTokens) * 0.9 : 0.5;
      maxChars = Math.max(1, Math.floor(Math.min(maxChars, full.length) * Math.min(shrink, 0.9)));
    }
  }
  const summary = reply.message?.content?.trim() ?? '';
  // Either would be kept for the rest of the chat (the language server starts later histories with it), so neither is
  // taken: an empty note would stand in for every old exchange, and one longer than what it replaces only fills the window.
  // Thrown, the caller tells the user and sends the full history as without compaction.
  if (summary === '') throw new Error(`${model} returned an empty summary`);
  // Cut at num_predict, the note would end mid-sentence and miss what came last, which matters most.
  if (reply.done_reason === 'length') throw new Error(`the summary ${model} wrote ran past the ${summaryLimit} tokens kept for it`);
  // The note alone is compared, not the two messages around it: their fixed wording would refuse any /compact of a short chat.
  const replacedTokens = old.flat().reduce((n, m) => n + messageTokens(m), 0);
  const summaryTokens = messageTokens({ role: 'user', content: summary });
  if (summaryTokens > replacedTokens) {
    throw new Error(`the summary ${model} wrote (about ${summaryTokens} tokens) is longer than the messages it would replace (about ${replacedTokens} tokens)`);
  }
  return { summary, summarizedExchanges: old.length, history: [...compactedHistoryPrefix(summary), ...kept] };
}
