/**
 * What bench:server's scripted Ollama answers, and what its request log
 * keeps. Shared by the bench (which reads the log) and the scripted Ollama's
 * own process (scriptedOllama.main.ts, which answers).
 */
import type { RecordedRequest, ScriptedReply } from '../test/fixtures/ollamaFixture';

/** The answer's tokens: 40 by default (issue 12's turn shape). */
export const ANSWER_TOKENS = Array.from({ length: Number(process.env.BENCH_ANSWER_TOKENS ?? 40) }, (_, i) => (i === 0 ? 'This' : ` word${i}`));
export const COMPLETION_REPLY = 'return a + b;';
/** The fairness phase's chat answer: 100 tokens, about a second at 10 ms a token. */
export const FAIRNESS_CHAT_TOKENS = 100;

/** Tool call first, then a 40-token answer; completions get a short snippet. Stateless, so concurrency is fine. */
export function turnResponder(req: RecordedRequest): ScriptedReply {
  if (req.path === '/api/generate') return { kind: 'text', text: COMPLETION_REPLY };
  const messages = (req.body?.messages ?? []) as { role: string }[];
  const hasTools = Array.isArray(req.body?.tools) && req.body.tools.length > 0;
  if (hasTools && messages.at(-1)?.role !== 'tool') return { kind: 'toolCalls', calls: [{ name: 'read_file', arguments: { path: 'src/app.ts' } }] };
  return { kind: 'text', text: ANSWER_TOKENS.join(''), tokens: ANSWER_TOKENS };
}

/** Long chat answers that keep every slot busy, and short completions. */
export function fairnessResponder(req: RecordedRequest): ScriptedReply {
  return req.path === '/api/generate' ? { kind: 'text', text: COMPLETION_REPLY } : { kind: 'text', text: 'token '.repeat(FAIRNESS_CHAT_TOKENS).trim() };
}

export const RESPONDERS = { turn: turnResponder, fairness: fairnessResponder };
export type ResponderName = keyof typeof RESPONDERS;

/** What the scripted Ollama's log keeps of a chat request once it is answered: whose turn it was, and whether it carried the tool's result. */
export interface ChatRequestSummary {
  user?: number;
  afterTool: boolean;
}

/**
 * The log keeps this much of each request's body. The whole parsed body
 * (3.9 KB of JSON, the tools' schemas included) of every request in a
 * measured window is garbage the collector must copy and promote, in a
 * process whose pauses every turn it is serving waits out.
 */
export function summarizeChatBody(body: unknown): ChatRequestSummary {
  const messages = (body as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(messages)) return { afterTool: false };
  const typed = messages as ({ role?: string; content?: string } | null)[];
  const user = Number(/^Developer (\d+):/.exec(typed.find((m) => m?.role === 'user')?.content ?? '')?.[1]);
  return { ...(Number.isInteger(user) ? { user } : {}), afterTool: typed.some((m) => m?.role === 'tool') };
}
