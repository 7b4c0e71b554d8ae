/**
 * What the user reads when the tool loop stops itself or has to cut the
 * conversation: each says what happened and what to do about it.
 */
import type { HearthError } from '../../protocol/chat';
import type { BudgetOutcome } from './contextBudget';
import type { FittedRules } from './rulesPrompt';
import type { LeftOutTools } from './toolBudget';

export function stepLimitError(maxSteps: number, model: string): HearthError {
  return {
    code: 'limitReached',
    message: `The agent stopped after ${maxSteps} model calls without finishing. Send "continue" to let it go on from here, or split the request into smaller steps.`,
    model,
    retryable: true,
  };
}

/** A reply that reached the core's bound (replyLimits.ts) in its text or its reasoning, and was stopped there. */
export function replyCutError(part: 'text' | 'thinking', limitChars: number, model: string): HearthError {
  const limit = limitChars.toLocaleString('en-US');
  const message =
    part === 'text'
      ? `${model}'s reply reached ${limit} characters, the most Hearth takes in one reply, so Hearth stopped it there (a model that repeats itself writes without end). What it wrote up to the limit is kept above. Ask for a shorter answer or one part at a time, or try another model.`
      : `${model} reasoned for ${limit} characters, the most Hearth takes in one reply, without finishing, so Hearth stopped it there. Its reasoning up to the limit is kept above. Ask a narrower question, turn thinking down or off, or try another model.`;
  return { code: 'limitReached', message, model, retryable: true };
}

/** A turn whose only reply ended normally with nothing to read: empty, only whitespace, or only reasoning. */
export function emptyReplyError(model: string, reasoned: boolean): HearthError {
  const message = reasoned
    ? `${model} finished reasoning without writing an answer (its reasoning is kept above). Press Retry, or ask again more directly, turn thinking off, or try another model.`
    : `${model} finished without writing an answer: its reply was empty. Press Retry, or try another model; if this keeps happening, the model server may be misconfigured (its chat template, or a context window too small for the prompt).`;
  return { code: 'modelError', message, model, retryable: true };
}

export function repeatedCallError(toolName: string, times: number, model: string): HearthError {
  return {
    code: 'limitReached',
    message: `${model} asked for the same ${toolName} call with the same arguments ${times} times, so Hearth stopped this turn to keep it from looping. Rephrase the request, or try a more capable model.`,
    model,
    retryable: false,
  };
}

/**
 * Where the user makes room for the tools they need: a server or a tool
 * turned off is not offered, so its definition no longer takes the window
 * (or counts against the team server's limit) and the tools after it fit.
 */
const TURN_OFF_TOOLS = 'Turn off the MCP servers or tools you do not need: run "Hearth: List MCP Servers" and pick a server';

/** What the offered tools' definitions take of a request, for the error and the warning below. */
export interface ToolsInPrompt {
  /** Their tokens as the context budget counts them. */
  tokens: number;
  count: number;
  /** How many of them are MCP servers' tools. */
  mcpCount: number;
}

export function contextTooSmallError(model: string, numCtx: number, fit: BudgetOutcome, tools?: ToolsInPrompt): HearthError {
  const needs = `it needs about ${fit.promptTokens} tokens`;
  const toolPart =
    tools && tools.count > 0
      ? `, ${tools.tokens} of them for the definitions of ${plural(tools.count, 'tool', 'tools')}${tools.mcpCount > 0 ? ` (${tools.mcpCount} from MCP servers)` : ''},`
      : '';
  // When the built-in tools alone take most of the window, nothing the user attaches or removes helps but a larger window.
  const builtInsAreTheCause = tools !== undefined && tools.mcpCount === 0 && tools.tokens * 2 >= fit.promptTokens;
  const removeServers = tools && tools.mcpCount > 0 ? `, ${TURN_OFF_TOOLS.toLowerCase()} (their definitions go with every message)` : '';
  const advice = builtInsAreTheCause
    ? "The built-in tools' definitions alone take most of this window: use a model with a larger context window."
    : `Attach less context (a selection instead of a whole file)${removeServers}, or use a model with a larger context window.`;
  return {
    code: 'invalidRequest',
    message:
      `This message does not fit ${model}'s context window: ${needs}${toolPart} but the window is ${numCtx} tokens ` +
      `and ${numCtx - fit.budgetTokens} of them are kept for the answer. ${advice}`,
    model,
    retryable: false,
  };
}

/**
 * Ollama counted more tokens than fit, again after Hearth fitted the
 * conversation to what it counted: the message itself is too long for the
 * window in the model's own tokens.
 */
export function contextOverflowError(model: string, numCtx: number, counted: number | undefined): HearthError {
  const size = counted !== undefined ? `Ollama counted ${counted} tokens in it` : 'Ollama counted more tokens in it than Hearth estimated';
  return {
    code: 'invalidRequest',
    message:
      `This message does not fit ${model}'s context window of ${numCtx} tokens: ${size}, even with the older messages left out. ` +
      'Attach less context (a selection instead of a whole file), or use a model with a larger context window.',
    model,
    retryable: false,
  };
}

/** The status shown when Ollama refused a prompt that Hearth's estimate said would fit, before it fits again with Ollama's count. */
export function contextRecountNote(model: string, numCtx: number, counted: number | undefined, estimated: number): string {
  const size = counted !== undefined ? `${counted} tokens where Hearth estimated ${estimated}` : `more than the ${estimated} tokens Hearth estimated`;
  return `${model}'s tokenizer counted ${size}, more than its context window (${numCtx} tokens) holds, so Hearth fits the conversation again with that count.`;
}

/** Why MCP tools were left out of a request on a small window. */
export function windowTooSmallForTools(model: string, numCtx: number): string {
  return `${model}'s context window (${numCtx} tokens) cannot hold the definitions of every tool`;
}

/** The warning for MCP tools left out of a request (see toolBudget.ts), or undefined when none were; `why` starts the sentence. */
export function toolsLeftOutWarning(leftOut: readonly LeftOutTools[], why: string, largerWindowHelps = true): string | undefined {
  if (leftOut.length === 0) return undefined;
  const total = leftOut.reduce((n, l) => n + l.count, 0);
  const servers = leftOut.map((l, i) => `${i === 0 ? plural(l.count, 'tool', 'tools') : l.count} of the MCP server "${l.server}"`);
  const list = servers.length === 1 ? servers[0] : `${servers.slice(0, -1).join(', ')} and ${servers[servers.length - 1]}`;
  return (
    `${why}, so Hearth left ${list} out of this turn; ` +
    `the model cannot call ${total === 1 ? 'it' : 'them'}. ${TURN_OFF_TOOLS}${largerWindowHelps ? ', or use a model with a larger context window' : ''}.`
  );
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The warning for a trimmed prompt, or undefined when nothing was trimmed. */
export function trimWarning(fit: BudgetOutcome, model: string, numCtx: number): string | undefined {
  const parts: string[] = [];
  const old = fit.shortenedToolOutputs - fit.shortenedNewestOutputs;
  if (old > 0) parts.push(`shortened ${plural(old, 'old tool output', 'old tool outputs')}`);
  if (fit.shortenedCalls > 0) parts.push(`shortened what the model wrote into ${plural(fit.shortenedCalls, 'earlier tool call', 'earlier tool calls')}`);
  if (fit.shortenedNewestOutputs > 0) parts.push(`cut ${fit.shortenedNewestOutputs === 1 ? 'the newest tool output' : `the ${fit.shortenedNewestOutputs} newest tool outputs`} to what fits (the model is told to ask for a smaller part)`);
  if (fit.droppedMessages > 0) parts.push(`left out the ${plural(fit.droppedMessages, 'oldest message', 'oldest messages')}`);
  if (parts.length === 0) return undefined;
  return `The conversation is too long for ${model}'s context window (${numCtx} tokens), so for this answer Hearth ${parts.join(' and ')}. Start a new chat to give the model the full picture again.`;
}

/** The warning for rules files cut to their share of the window (rulesPrompt.ts `fitRules`), or undefined when all fit. */
export function rulesCutWarning(model: string, numCtx: number, rules: FittedRules): string | undefined {
  const parts: string[] = [];
  if (rules.shortened.length > 0) parts.push(`shortened ${list(rules.shortened)}`);
  if (rules.leftOut.length > 0) parts.push(`left out ${list(rules.leftOut)}`);
  if (parts.length === 0) return undefined;
  return (
    `${model}'s context window (${numCtx} tokens) cannot hold all of this repository's rules files next to the conversation, so Hearth ${parts.join(' and ')}. ` +
    'Switch off the rules files this chat does not need (× on their chips above the input), or use a model with a larger context window.'
  );
}

function list(items: readonly string[]): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
