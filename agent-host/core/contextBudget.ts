/**
 * Fits a conversation into the model's context window before it is sent.
 *
 * Ollama silently truncates a prompt that exceeds `num_ctx`, dropping the
 * start of it (often the system prompt and the tool instructions), so the
 * agent sends `num_ctx` itself and never sends more than fits:
 *
 *   system prompt + tool schemas + history + this turn  <=  num_ctx - reserve
 *
 * The budget counts with an estimate (tokenEstimate.ts), and the agent asks
 * Ollama not to truncate (`truncate: false`): when the model's tokenizer
 * counts more than the estimate, Ollama refuses with a 400 instead of
 * silently dropping the oldest messages (or, with only the last message
 * left, the middle of the prompt), and the tool loop fits again with the
 * counts scaled by what Ollama reported.
 *
 * The reserve leaves room for the answer. The tool schemas are those the
 * tool loop chose to offer within their share of the budget (toolBudget.ts).
 * When the conversation is too long
 * it gives up the least valuable text first: old tool outputs (the model
 * already drew its conclusions from them) and the long arguments of its own
 * calls that have run (a file it wrote is on disk), then the oldest exchanges, and
 * only then the newest tool outputs, which keep as much as the room left allows. The current user message is never cut;
 * if it alone does not fit, the caller tells the user.
 */
import type { ChatMessage } from '../../protocol/chat';
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS } from './tokenEstimate';
import { IMAGE_PROMPT_TOKENS } from '../../protocol/chatImages';

/** Context length cap by default: larger windows cost memory and speed on a laptop. */
export const DEFAULT_CONTEXT_CAP = 32768;
/** Used when /api/show did not say (Ollama's own default context length). */
export const FALLBACK_CONTEXT_LENGTH = 4096;
/** What a shortened tool output keeps of its start and end. */
const KEEP_HEAD_CHARS = 600;
const KEEP_TAIL_CHARS = 300;

export interface BudgetRequest {
  system: string;
  /** Earlier turns, oldest first. */
  history: ChatMessage[];
  /** This turn: the user message first, then assistant tool calls and tool results. */
  turn: ChatMessage[];
  /** Tokens sent outside the messages (native tool schemas). */
  fixedTokens: number;
  numCtx: number;
  /**
   * How many of the model's real tokens one estimated token turned out to
   * be (1 unless Ollama counted more than the estimate, see toolLoop.ts):
   * every count is multiplied by it, so the outcome is in real tokens.
   */
  tokenScale?: number;
}

export interface BudgetOutcome {
  /** System message first, then what is left of history and turn. */
  messages: ChatMessage[];
  fits: boolean;
  promptTokens: number;
  /** The most prompt tokens allowed: num_ctx minus the reserve for the answer. */
  budgetTokens: number;
  /** Tool outputs shortened, the newest among them included. */
  shortenedToolOutputs: number;
  /** How many of them are the newest, which the model is about to read (it is told to ask for a smaller part). */
  shortenedNewestOutputs: number;
  /** Assistant messages whose tool calls' long arguments were shortened. */
  shortenedCalls: number;
  droppedMessages: number;
}

/** The number of context tokens to send: the model's own length, capped. */
export function chooseNumCtx(modelContextLength: number | undefined, cap: number = DEFAULT_CONTEXT_CAP): number {
  return Math.max(512, Math.min(modelContextLength ?? FALLBACK_CONTEXT_LENGTH, cap));
}

/** Room kept for the answer: a quarter of the window, at most 4096 tokens. */
export function answerReserve(numCtx: number): number {
  return Math.min(Math.ceil(numCtx / 4), 4096);
}

export function messageTokens(message: ChatMessage): number {
  let tokens = MESSAGE_OVERHEAD_TOKENS + estimateTokens(message.content) + IMAGE_PROMPT_TOKENS * (message.images?.length ?? 0);
  for (const call of message.toolCalls ?? []) tokens += MESSAGE_OVERHEAD_TOKENS + estimateTokens(call.name + JSON.stringify(call.arguments));
  return tokens;
}

/**
 * The output's start and end, `keepChars` in all (two thirds of them from
 * the start), with a note saying how much is missing and how to get it. An
 * old output can simply be asked for again; the newest was cut although the
 * model is about to read it, so the same call would be cut the same way: the
 * model is told to ask for a smaller part instead.
 */
function shorten(message: ChatMessage, keepChars = KEEP_HEAD_CHARS + KEEP_TAIL_CHARS, newest = false): ChatMessage | undefined {
  const text = message.content;
  if (text.length <= keepChars + 100) return undefined;
  const headChars = Math.ceil((keepChars * KEEP_HEAD_CHARS) / (KEEP_HEAD_CHARS + KEEP_TAIL_CHARS));
  const tailChars = keepChars - headChars;
  const removed = text.length - headChars - tailChars;
  const advice = newest
    ? 'ask for a smaller part (a line range, a narrower pattern or path) to see them'
    : 'call the tool again if you need them';
  const content = `${text.slice(0, headChars)}\n[… ${removed} characters of this tool output were removed to fit the context window; ${advice} …]\n${text.slice(text.length - tailChars)}`;
  return { ...message, content };
}

/** A tool call's string argument longer than this may be shortened once the call has run (write_file's content). */
const LONG_ARGUMENT_CHARS = 1000;
const KEEP_ARGUMENT_HEAD_CHARS = 400;
const KEEP_ARGUMENT_TAIL_CHARS = 100;

function shortenArgument(value: unknown): unknown {
  if (typeof value !== 'string' || value.length <= LONG_ARGUMENT_CHARS) return value;
  const removed = value.length - KEEP_ARGUMENT_HEAD_CHARS - KEEP_ARGUMENT_TAIL_CHARS;
  return `${value.slice(0, KEEP_ARGUMENT_HEAD_CHARS)}\n[… ${removed} characters of this argument were removed to fit the context window; the call ran with the full text …]\n${value.slice(-KEEP_ARGUMENT_TAIL_CHARS)}`;
}

/**
 * An assistant message whose tool calls carry long string arguments (a whole
 * file for write_file), with those arguments cut to their start and end. The
 * calls have run and their results follow, so the model loses only its own
 * words, which the files it wrote still hold; the calls themselves stay, so
 * no result is left without its call.
 */
function shortenCalls(message: ChatMessage): ChatMessage | undefined {
  if (message.role !== 'assistant' || !message.toolCalls?.length) return undefined;
  let changed = false;
  const toolCalls = message.toolCalls.map((call) => {
    const args = Object.fromEntries(Object.entries(call.arguments).map(([key, value]) => [key, shortenArgument(value)]));
    if (Object.keys(args).some((key) => args[key] !== call.arguments[key])) changed = true;
    return { ...call, arguments: args };
  });
  return changed ? { ...message, toolCalls } : undefined;
}

/** Splits history into exchanges, each starting at a user message, so nothing is dropped half-way (no orphan tool results). */
function exchanges(history: ChatMessage[]): ChatMessage[][] {
  const groups: ChatMessage[][] = [];
  for (const message of history) {
    if (message.role === 'user' || groups.length === 0) groups.push([message]);
    else groups[groups.length - 1].push(message);
  }
  return groups;
}

export function fitToContext(request: BudgetRequest): BudgetOutcome {
  const budgetTokens = request.numCtx - answerReserve(request.numCtx);
  const system: ChatMessage = { role: 'system', content: request.system };
  let groups = exchanges(request.history).map((g) => [...g]);
  const turn = [...request.turn];
  let shortenedToolOutputs = 0;
  let droppedMessages = 0;
  let shortenedCalls = 0;
  // The newest tool outputs cut so far (indices into the turn).
  const cutNewest = new Set<number>();
  const scale = request.tokenScale ?? 1;
  const tokensOf = (message: ChatMessage) => Math.ceil(messageTokens(message) * scale);

  const total = () =>
    Math.ceil(request.fixedTokens * scale) + tokensOf(system) + groups.flat().reduce((n, m) => n + tokensOf(m), 0) + turn.reduce((n, m) => n + tokensOf(m), 0);
  let tokens = total();
  const outcome = (): BudgetOutcome => ({
    messages: [system, ...groups.flat(), ...turn],
    fits: tokens <= budgetTokens,
    promptTokens: tokens,
    budgetTokens,
    shortenedToolOutputs,
    shortenedNewestOutputs: cutNewest.size,
    shortenedCalls,
    droppedMessages,
  });
  if (tokens <= budgetTokens) return outcome();

  // The newest tool results (after the last assistant message) are what the model is about to read; they go last.
  const lastAssistant = turn.map((m) => m.role).lastIndexOf('assistant');
  // Old tool outputs, and the long arguments of the model's own calls that have run (all but the newest calls).
  const tryShorten = (list: ChatMessage[], index: number): boolean => {
    const short = list[index].role === 'tool' ? shorten(list[index]) : shortenCalls(list[index]);
    if (!short) return false;
    tokens -= tokensOf(list[index]) - tokensOf(short);
    if (list[index].role === 'tool') shortenedToolOutputs++;
    else shortenedCalls++;
    list[index] = short;
    return tokens <= budgetTokens;
  };

  for (const group of groups) for (let i = 0; i < group.length; i++) if (tryShorten(group, i)) return outcome();
  for (let i = 0; i < lastAssistant; i++) if (tryShorten(turn, i)) return outcome();

  while (groups.length > 0 && tokens > budgetTokens) {
    const [oldest, ...rest] = groups;
    groups = rest;
    droppedMessages += oldest.length;
    tokens -= oldest.reduce((n, m) => n + tokensOf(m), 0);
  }
  if (tokens <= budgetTokens) return outcome();

  // The newest tool results share the room that is left, in proportion to their size, so a large read on a roomy
  // window keeps most of its text rather than the few hundred characters an old output keeps; a twentieth of what they
  // keep is spare for the notes and for text denser than the average. Only when that room is too small do they keep as little
  // as an old output.
  const newest: number[] = [];
  for (let i = Math.max(lastAssistant, 0); i < turn.length; i++) if (turn[i].role === 'tool') newest.push(i);
  // Each cut starts from the output as it came (request.turn), so its note counts what is really missing.
  const cutTo = (i: number, keepChars: number) => {
    const short = shorten(request.turn[i], keepChars, true);
    if (!short || short.content.length >= turn[i].content.length) return;
    tokens -= tokensOf(turn[i]) - tokensOf(short);
    turn[i] = short;
    if (!cutNewest.has(i)) shortenedToolOutputs++;
    cutNewest.add(i);
  };
  const newestTokens = newest.reduce((n, i) => n + tokensOf(turn[i]), 0);
  const keepShare = newestTokens > 0 ? ((newestTokens - (tokens - budgetTokens)) * 0.95) / newestTokens : 0;
  if (keepShare > 0) {
    for (const i of newest) cutTo(i, Math.max(KEEP_HEAD_CHARS + KEEP_TAIL_CHARS, Math.floor(turn[i].content.length * keepShare)));
    if (tokens <= budgetTokens) return outcome();
  }
  for (const i of newest) {
    cutTo(i, KEEP_HEAD_CHARS + KEEP_TAIL_CHARS);
    if (tokens <= budgetTokens) return outcome();
  }
  return outcome();
}
