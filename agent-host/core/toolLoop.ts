/**
 * The agent loop of one turn: ask the model, run the tools it asks for, give
 * it the results, and repeat until it answers without tools.
 *
 * Plain chat is the same loop with no tools: one step. With an executor the
 * tools go to Ollama natively when the model supports them, and through the
 * text protocol otherwise (see textToolProtocol.ts). Every step re-fits the
 * prompt into the context window, so a long tool session degrades by trimming
 * old tool output rather than by Ollama silently cutting the system prompt.
 *
 * The loop ends itself at maxSteps, when the model repeats one call with
 * the same arguments three times, or when one reply reaches the core's bound
 * on its text or its reasoning (replyLimits.ts).
 */
import type { Ollama } from 'ollama';
import { DEFAULT_CHAT_MODE, type AgentEvent, type ChatMessage, type DoneReason, type ToolCall, type ToolResult, type Usage, type UserInput } from '../../protocol/chat';
import type { ToolDefinition } from '../../protocol/tools';
import type { ToolExecutor, TurnOptions } from '../index';
import { answerReserve, chooseNumCtx, fitToContext, messageTokens } from './contextBudget';
import { describeOllamaFailure, type FailureContext } from './describeOllamaFailure';
import { classifyFailure, contextOverflow, isThinkingUnsupported, isToolsUnsupported } from './errorMapping';
import { DEFAULT_TOOL_TIMEOUT_MS, errorResult, executeToolCall, TurnCancelled } from './executeToolCall';
import { formatUserMessage } from './formatUserMessage';
import { HearthException } from './hearthException';
import { contextOverflowError, contextRecountNote, contextTooSmallError, emptyReplyError, repeatedCallError, replyCutError, rulesCutWarning, stepLimitError, toolsLeftOutWarning, trimWarning, windowTooSmallForTools } from './loopMessages';
import { fitRules, rulesBudget } from './rulesPrompt';
import type { ModelFacts, ModelFactsCache } from './modelFacts';
import { executorForMode, modeRefusal } from './modeTools';
import { agentAllowsTool, agentRefusal, executorForAgent } from './agentTools';
import { prepareToolCall } from './prepareToolCall';
import { proposedCalls } from './proposedCalls';
import { RepetitionGuard } from './repetitionGuard';
import { REPLY_LIMITS } from './replyLimits';
import { streamModelReply, type ModelReply } from './streamModelReply';
import { EXTRA_SUBAGENTS_CALL_REFUSAL, RUN_SUBAGENTS_TOOL, runSubagents, runSubagentsDefinition } from './subagents';
import { compactHistory } from './compaction';
import { todoGuidance, todoResult, todosFromArguments, UPDATE_TODOS_DEFINITION, UPDATE_TODOS_TOOL } from './todoTool';
import { buildSystemPrompt, type ToolMode } from './systemPrompt';
import { selectTools, toolServer } from './toolBudget';
import { toolsTokens } from './toolsTokens';
import { toOllamaMessages, toOllamaTool } from './toOllamaMessages';
import { noVisionError, seesImages, withoutImages } from './visionGate';
import { addUsage } from './usageTotals';
import { renderWorkspaceContext, workspaceContextBudget } from './workspaceContext';

export const DEFAULT_MAX_STEPS = 25;

export interface TurnSetup {
  client: Ollama;
  host: string;
  history: ChatMessage[];
  input: UserInput;
  options: TurnOptions;
  signal: AbortSignal;
  facts: ModelFactsCache;
  /** Upper bound on num_ctx, whatever the model supports. */
  contextCap: number;
  /** Prefixed to the ids of this loop's tool calls: a sub-agent's calls stay distinct from its siblings' and its parent's. */
  callIdPrefix?: string;
  /** Where a `provider::model` reference runs, so its failures name that provider; undefined for Ollama's own models. */
  locate?: (model: string) => FailureContext['provider'];
}

function chooseToolMode(tools: ToolDefinition[], facts: ModelFacts): ToolMode {
  if (tools.length === 0) return 'none';
  if (facts.toolsRefused) return 'text';
  // Without a capabilities list (older Ollama) native tools are tried; a 400 switches to text.
  if (facts.capabilities && !facts.capabilities.includes('tools')) return 'text';
  return 'native';
}

/**
 * Turns a failure of an Ollama call into a HearthException with a message
 * for the user. Aborts pass through untouched: they are a cancel, not an error.
 */
async function asHearthException(err: unknown, setup: TurnSetup): Promise<unknown> {
  if (setup.signal.aborted || classifyFailure(err).kind === 'aborted') return new TurnCancelled();
  return new HearthException(await describeOllamaFailure(err, { client: setup.client, host: setup.host, model: setup.options.model, provider: setup.locate?.(setup.options.model) }), { cause: err });
}

export async function* toolLoop(setup: TurnSetup): AsyncGenerator<AgentEvent, DoneReason> {
  const { client, options, signal } = setup;
  const model = options.model;
  let facts: ModelFacts;
  try {
    facts = await setup.facts.get(client, model);
  } catch (err) {
    throw await asHearthException(err, setup);
  }

  // The chat mode decides the tool set here, once: Ask and Plan see only read-only tools, and the
  // wrapped executor refuses any other call, so a model cannot reach a tool its mode does not offer.
  const chatMode = options.mode ?? DEFAULT_CHAT_MODE;
  const allTools = options.executor?.definitions() ?? [];
  // An agent's tool list narrows the mode's set further (never widens it): both wrappers refuse what they do not offer.
  const modeExecutor = options.executor ? executorForMode(options.executor, chatMode) : undefined;
  const executor = modeExecutor ? executorForAgent(modeExecutor, options.agent) : undefined;
  const executorTools = executor?.definitions() ?? [];
  // run_subagents is the core's own tool: offered beside the executor's, run here, never by the executor.
  const subagentTool = options.subagents && executor && agentAllowsTool(options.agent, RUN_SUBAGENTS_TOOL) ? runSubagentsDefinition(executorTools, options.subagents.agents) : undefined;
  // update_todos likewise: the core keeps the plan; it changes no file.
  const todosOffered = options.todos !== undefined && executor !== undefined && agentAllowsTool(options.agent, UPDATE_TODOS_TOOL);
  let todos = options.todos?.current ?? [];
  const candidateTools = [...executorTools, ...(subagentTool ? [subagentTool] : []), ...(todosOffered ? [UPDATE_TODOS_DEFINITION] : [])];
  // The caller's num_ctx wins: it keeps every request to this model on one runner (Ollama reloads on a change).
  const numCtx = options.numCtx ?? chooseNumCtx(facts.contextLength, setup.contextCap);
  // The tools' definitions get a share of the window (toolBudget.ts): MCP tools past it are left out of this turn, and the user is told once.
  const selection = selectTools(candidateTools, numCtx - answerReserve(numCtx));
  const tools = selection.offered;
  const leftOut = new Set(candidateTools.filter((t) => !tools.includes(t)).map((t) => t.name));
  const toolWarning = toolsLeftOutWarning(selection.leftOut, windowTooSmallForTools(model, numCtx));
  if (toolWarning) yield { type: 'status', level: 'warning', message: toolWarning };
  let mode = chooseToolMode(tools, facts);
  // Ollama refuses `think` with a 400 on a model without the capability (routes.go ChatHandler); the caller
  // decides think, this only keeps a stale or remote caller from turning a plain answer into that error.
  let think = options.think && facts.capabilities && !facts.capabilities.includes('thinking') ? undefined : options.think;
  const maxSteps = Math.max(1, options.maxSteps ?? DEFAULT_MAX_STEPS);
  const guard = new RepetitionGuard();
  // A continuation sends no new message: the history already ends with the answer to carry on.
  // Images ride on the user message they belong to; a model that cannot see them gets a clear refusal
  // before any request is made (the caller keeps the message and its images for a retry with another model).
  const vision = seesImages(facts);
  const images = options.continueReply ? undefined : setup.input.images;
  if (images?.length && vision === false) throw new HearthException(noVisionError(model, facts.capabilities));
  const turn: ChatMessage[] = options.continueReply ? [] : [{ role: 'user', content: formatUserMessage(setup.input), ...(images?.length ? { images } : {}) }];
  let usage: Usage | undefined;
  let lastWarning: string | undefined;
  // Real tokens per estimated token: what Ollama last counted for this model (its count after each reply, or the size
  // in a refusal), 1 until it counted more than the estimate.
  let tokenScale = setup.facts.tokenScale(model);
  let recounts = 0;
  let compactionTried = false;
  // Fitted once per turn, so every step of the loop sends the same system prompt (and Ollama reuses its cache).
  const workspaceContext = tools.length > 0 ? renderWorkspaceContext(options.workspaceContext, workspaceContextBudget(numCtx)) : undefined;
  let history = vision === false ? withoutImages(setup.history) : setup.history;

  // The system prompt and the tools as sent depend on the tool mode only, which changes at most once (native to text).
  let lastRulesWarning: string | undefined;
  let framing: { mode: ToolMode; base: string; ollamaTools: ReturnType<typeof toOllamaTool>[] | undefined; fixedTokens: number } | undefined;
  for (let step = 1; ; step++) {
    if (framing?.mode !== mode) {
      const ollamaTools = mode === 'native' ? tools.map(toOllamaTool) : undefined;
      const fixedTokens = ollamaTools ? toolsTokens(tools) : 0;
      const extras = { chatMode, workspaceContext, agent: options.agent };
      // The rules files get their share of what the window has left once the rest of the prompt and the tools are in,
      // counted like the estimate they are fitted with (the window in the model's tokens, divided by the scale).
      const withoutRules = buildSystemPrompt(options.systemPrompt, mode, tools, extras);
      const room = Math.floor((numCtx - answerReserve(numCtx)) / tokenScale) - fixedTokens - messageTokens({ role: 'system', content: withoutRules });
      const rules = fitRules(options.rules, rulesBudget(room));
      framing = { mode, base: buildSystemPrompt(options.systemPrompt, mode, tools, { ...extras, rules }), ollamaTools, fixedTokens };
      const rulesWarning = rulesCutWarning(model, numCtx, rules);
      if (rulesWarning && rulesWarning !== lastRulesWarning) yield { type: 'status', level: 'warning', message: rulesWarning };
      lastRulesWarning = rulesWarning ?? lastRulesWarning;
    }
    const { base, ollamaTools, fixedTokens } = framing;
    const system = todosOffered ? `${base}\n\n${todoGuidance(todos)}` : base;
    let fit = fitToContext({ system, history, turn, fixedTokens, numCtx, tokenScale });
    // Once per turn, before the first request: past the threshold, the oldest exchanges become a summary rather than being dropped.
    // A request repeated as step 1 (think or tools refused, a recount) must not summarise the summary again.
    if (step === 1 && !compactionTried && options.compactAt !== undefined && !options.continueReply && fit.promptTokens > options.compactAt * fit.budgetTokens) {
      compactionTried = true;
      try {
        const compaction = await compactHistory(client, model, numCtx, history, signal, options.compactFocus);
        if (compaction) {
          history = compaction.history;
          yield { type: 'compacted', summary: compaction.summary, summarizedExchanges: compaction.summarizedExchanges };
          fit = fitToContext({ system, history, turn, fixedTokens, numCtx, tokenScale });
        }
      } catch (err) {
        if (signal.aborted) throw new TurnCancelled();
        // A failed summary loses nothing: the budget below still fits the full history by trimming, as without compaction.
        yield { type: 'status', level: 'warning', message: `The older messages could not be summarised (${err instanceof Error ? err.message : String(err)}), so they are sent as they are, and the oldest are left out if the context window needs the room.` };
      }
    }
    yield { type: 'context', promptTokens: fit.promptTokens, budgetTokens: fit.budgetTokens, numCtx };
    if (!fit.fits) {
      const toolsInPrompt = { tokens: selection.offeredTokens, count: tools.length, mcpCount: tools.filter((t) => toolServer(t.name) !== undefined).length };
      throw new HearthException(contextTooSmallError(model, numCtx, fit, mode === 'none' ? undefined : toolsInPrompt));
    }
    const warning = trimWarning(fit, model, numCtx);
    if (warning && warning !== lastWarning) yield { type: 'status', level: 'warning', message: warning };
    lastWarning = warning ?? lastWarning;

    let reply: ModelReply;
    try {
      reply = yield* streamModelReply(
        client,
        {
          model,
          messages: toOllamaMessages(fit.messages, mode),
          tools: ollamaTools,
          // Ollama would otherwise cut a prompt longer than num_ctx without a word (server/prompt.go drops the oldest
          // messages, the runner the middle of the last one); refused instead, it is fitted again below with Ollama's count.
          truncate: false,
          // Only sent when decided: `think` on a model without the capability is a 400 from Ollama.
          ...(think !== undefined ? { think } : {}),
          // num_ctx is always sent: Ollama's default is far smaller than most models allow, and the budget above assumed this value.
          options: {
            num_ctx: numCtx,
            temperature: options.temperature,
            ...(options.maxTokens !== undefined ? { num_predict: options.maxTokens } : {}),
            ...(options.stop && options.stop.length > 0 ? { stop: options.stop } : {}),
          },
        },
        signal,
        mode !== 'none',
      );
    } catch (err) {
      // Without capabilities to go by (a server with no /api/show), Ollama's 400 is how Hearth learns the model cannot think.
      if (think !== undefined && think !== false && isThinkingUnsupported(err) && !signal.aborted) {
        think = undefined;
        step--;
        yield { type: 'status', level: 'info', message: `${model} cannot think (Ollama says it does not support thinking), so it answers without a reasoning trace.` };
        continue;
      }
      const overflow = signal.aborted ? undefined : contextOverflow(err);
      if (overflow) {
        // The estimate was short for this model's tokenizer: count with Ollama's ratio (a little over, and at least a
        // quarter more than before, so each retry fits tighter) and fit again; a few tries, then the user is told.
        if (recounts >= 2) throw new HearthException(contextOverflowError(model, numCtx, overflow.promptTokens), { cause: err });
        recounts++;
        const ratio = overflow.promptTokens !== undefined ? overflow.promptTokens / fit.promptTokens : 0;
        tokenScale = Math.max(tokenScale * 1.25, ratio * tokenScale * 1.05);
        setup.facts.learnTokenScale(model, tokenScale);
        step--;
        yield { type: 'status', level: 'warning', message: contextRecountNote(model, numCtx, overflow.promptTokens, fit.promptTokens) };
        continue;
      }
      if (mode === 'native' && isToolsUnsupported(err) && !signal.aborted) {
        setup.facts.markToolsRefused(model);
        mode = 'text';
        step--;
        yield { type: 'status', level: 'info', message: `${model} does not support native tool calls, so Hearth describes the tools in the prompt instead.` };
        continue;
      }
      throw await asHearthException(err, setup);
    }
    if (reply.cut) {
      // The request is already aborted; a call in a cut reply may be missing its end, so nothing it asked for runs.
      yield { type: 'error', error: replyCutError(reply.cut, reply.cut === 'text' ? REPLY_LIMITS.textChars : REPLY_LIMITS.thinkingChars, model) };
      return 'limit';
    }
    if (reply.usage) {
      usage = addUsage(usage, reply.usage);
      yield { type: 'usage', usage };
    }
    // prompt_eval_count is the whole prompt in the model's own tokens (the runner's cache_n + prompt_n, Ollama's
    // llm/llama_server.go promptEvalCount): the meter shows it in place of the estimate, and the next request of this
    // turn, and the next turn, is fitted with the ratio it gives, so a dense tokenizer is not learned from a refusal
    // each time. A little over the ratio, and never under the estimate, which is an overestimate on purpose.
    const counted = reply.usage?.promptTokens ?? 0;
    if (counted > 0 && fit.promptTokens > 0) {
      yield { type: 'context', promptTokens: counted, budgetTokens: fit.budgetTokens, numCtx };
      tokenScale = Math.max(1, (counted / (fit.promptTokens / tokenScale)) * 1.05);
      setup.facts.learnTokenScale(model, tokenScale);
    }

    const proposals = executor ? proposedCalls(reply, mode, tools) : [];
    // A first reply that ended normally with nothing to read (empty, whitespace, reasoning only) left a blank answer
    // and no word why; it is an error the user can retry. After tool calls, an answer without closing words is fine.
    if (proposals.length === 0 && step === 1 && reply.doneReason === 'stop' && !reply.showedText && !options.continueReply) {
      throw new HearthException(emptyReplyError(model, reply.thinking.trim() !== ''));
    }
    if (!executor || proposals.length === 0) return reply.doneReason;
    if (step >= maxSteps) {
      yield { type: 'error', error: stepLimitError(maxSteps, model) };
      return 'limit';
    }

    const prefix = setup.callIdPrefix ?? '';
    const prepared = proposals.map((raw) => {
      const p = prefix ? { ...raw, id: `${prefix}${raw.id}` } : raw;
      // A tool left out for the context window is named as such: the model may know it from an earlier turn.
      if (p.name && leftOut.has(p.name)) {
        const rejection = `${p.name} is not available in this turn: its definition did not fit ${model}'s context window, so it was not offered. The call was not run. Use the tools you were given.`;
        return { call: { id: p.id, name: p.name, arguments: isRecord(p.arguments) ? p.arguments : {} }, rejection };
      }
      // A tool the user turned off is not offered; a call to it says so rather than "there is no tool".
      const turnedOff = p.name && !tools.some((t) => t.name === p.name) ? options.executor?.refusalFor?.(p.name) : undefined;
      if (p.name && turnedOff) return { call: { id: p.id, name: p.name, arguments: isRecord(p.arguments) ? p.arguments : {} }, rejection: turnedOff };
      // A tool the executor has but this mode (or this agent) does not offer gets that refusal, not "no such tool".
      if (p.name && !tools.some((t) => t.name === p.name) && allTools.some((t) => t.name === p.name)) {
        const byMode = modeExecutor?.definitions().some((t) => t.name === p.name) !== true;
        const rejection = byMode || !options.agent ? modeRefusal(chatMode, p.name) : agentRefusal(options.agent, p.name);
        return { call: { id: p.id, name: p.name, arguments: isRecord(p.arguments) ? p.arguments : {} }, rejection };
      }
      return prepareToolCall(p, tools);
    });
    // One run_subagents call per reply (see EXTRA_SUBAGENTS_CALL_REFUSAL): the later ones are refused before anything runs.
    let subagentsCalled = false;
    for (const p of prepared) {
      if (p.rejection || p.call.name !== RUN_SUBAGENTS_TOOL) continue;
      if (subagentsCalled) p.rejection = EXTRA_SUBAGENTS_CALL_REFUSAL;
      subagentsCalled = true;
    }
    turn.push({ role: 'assistant', content: reply.content, toolCalls: prepared.map((p) => p.call) });
    for (const { call, rejection } of prepared) {
      const times = guard.record(call.name, call.arguments);
      if (times >= guard.limit) {
        yield { type: 'error', error: repeatedCallError(call.name, times, model) };
        return 'limit';
      }
      yield { type: 'toolCall', call };
      if (!rejection && todosOffered && call.name === UPDATE_TODOS_TOOL) {
        todos = todosFromArguments(call);
        yield { type: 'todos', items: todos };
      }
      const result = rejection
        ? errorResult(call, rejection, 'invalid call')
        : todosOffered && call.name === UPDATE_TODOS_TOOL
          ? todoResult(call, todos)
          : subagentTool && call.name === RUN_SUBAGENTS_TOOL
          ? yield* runSubagents(call, setup, options.subagents ?? {}, toolLoop)
          : yield* executeReportingCancel(call, executor, options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS, signal);
      yield { type: 'toolResult', result };
      turn.push({ role: 'tool', content: result.content, toolCallId: call.id, toolName: call.name });
    }
  }
}

/**
 * executeToolCall, except that a tool the cancel stopped in time still has
 * its result shown and kept (a cancelled command's output so far) before the
 * turn ends as cancelled.
 */
async function* executeReportingCancel(call: ToolCall, executor: ToolExecutor, timeoutMs: number, signal: AbortSignal): AsyncGenerator<AgentEvent, ToolResult> {
  try {
    return await executeToolCall(call, executor, timeoutMs, signal);
  } catch (err) {
    if (err instanceof TurnCancelled && err.result) yield { type: 'toolResult', result: err.result };
    throw err;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
