/**
 * How much one model reply may carry, counted by the agent core as the reply
 * streams in, whatever the backend (Ollama through the `ollama` client, an
 * OpenAI-compatible server through the adapter, the team server's router).
 * Nothing else bounds it: Ollama's `num_predict` defaults to -1 (no limit,
 * api/types.go `DefaultOptions`) and its runner shifts the context window
 * instead of stopping when it fills, and a hostile or broken server ignores
 * `num_predict`/`max_tokens` altogether. Without a bound, a model caught in a
 * loop streams until the user presses Stop, and memory, the chat view and
 * the session file grow all the while.
 */
export interface ReplyLimits {
  /** The answer's characters, tool calls (as text or native, their arguments as JSON) included. */
  textChars: number;
  /** The reasoning's characters (`message.thinking`, or a leading `<think>` block). */
  thinkingChars: number;
}

/**
 * 400,000 characters of answer is about 100,000 tokens: more than the 32k to
 * 64k output tokens the models Hearth runs are trained to write at most, and
 * more than any answer a person reads in a chat. Reasoning gets 1,000,000
 * characters (about 250,000 tokens) because thinking models legitimately
 * reason several times longer than they answer (thinking budgets of 32k to
 * 128k tokens), and no local context window holds more than that anyway.
 * Both stay far below the 16 million characters a client takes from the
 * team server in one turn (`LIMITS.replyChars`), so a reply cut here is
 * always cut by the core, with its message, on both sides.
 */
export const REPLY_LIMITS: ReplyLimits = { textChars: 400_000, thinkingChars: 1_000_000 };
