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
 * The loop ends itself at maxSteps, or when the model repeats one call with
 * the same arguments three times.
 */
import type { Ollama } from 'ollama';
import type { AgentEvent, ChatMessage, DoneReason, Usage, UserInput } from '../../protocol/chat';
import type { ToolDefinition } from '../../protocol/tools';
import type { TurnOptions } from '../index';
import { chooseNumCtx, fitToContext } from './contextBudget';
import { describeOllamaFailure } from './describeOllamaFailure';
import { classifyFailure, isToolsUnsupported } from './errorMapping';
import { DEFAULT_TOOL_TIMEOUT_MS, errorResult, executeToolCall, TurnCancelled } from './executeToolCall';
import { formatUserMessage } from './formatUserMessage';
import { HearthException } from './hearthException';
import { contextTooSmallError, repeatedCallError, stepLimitError, trimWarning } from './loopMessages';
import type { ModelFacts, ModelFactsCache } from './modelFacts';
import { prepareToolCall } from './prepareToolCall';
import { proposedCalls } from './proposedCalls';
import { RepetitionGuard } from './repetitionGuard';
import { streamModelReply, type ModelReply } from './streamModelReply';
import { buildSystemPrompt, type ToolMode } from './systemPrompt';
import { estimateTokens } from './tokenEstimate';
import { toOllamaMessages, toOllamaTool } from './toOllamaMessages';
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
  return new HearthException(await describeOllamaFailure(err, { client: setup.client, host: setup.host, model: setup.options.model }), { cause: err });
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

  const tools = options.executor?.definitions() ?? [];
  let mode = chooseToolMode(tools, facts);
  // The caller's num_ctx wins: it keeps every request to this model on one runner (Ollama reloads on a change).
  const numCtx = options.numCtx ?? chooseNumCtx(facts.contextLength, setup.contextCap);
  // Ollama refuses `think` with a 400 on a model without the capability (routes.go ChatHandler); the caller
  // decides think, this only keeps a stale or remote caller from turning a plain answer into that error.
  const think = options.think && facts.capabilities && !facts.capabilities.includes('thinking') ? undefined : options.think;
  const maxSteps = Math.max(1, options.maxSteps ?? DEFAULT_MAX_STEPS);
  const guard = new RepetitionGuard();
  // A continuation sends no new message: the history already ends with the answer to carry on.
  const turn: ChatMessage[] = options.continueReply ? [] : [{ role: 'user', content: formatUserMessage(setup.input) }];
  let usage: Usage | undefined;
  let lastWarning: string | undefined;
  // Fitted once per turn, so every step of the loop sends the same system prompt (and Ollama reuses its cache).
  const workspaceContext = tools.length > 0 ? renderWorkspaceContext(options.workspaceContext, workspaceContextBudget(numCtx)) : undefined;

  for (let step = 1; ; step++) {
    const system = buildSystemPrompt(options.systemPrompt, mode, tools, workspaceContext);
    const ollamaTools = mode === 'native' ? tools.map(toOllamaTool) : undefined;
    const fit = fitToContext({
      system,
      history: setup.history,
      turn,
      fixedTokens: ollamaTools ? estimateTokens(JSON.stringify(ollamaTools)) : 0,
      numCtx,
    });
    if (!fit.fits) throw new HearthException(contextTooSmallError(model, numCtx, fit));
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
          // Only sent when decided: `think` on a model without the capability is a 400 from Ollama.
          ...(think !== undefined ? { think } : {}),
          // num_ctx is always sent: Ollama's default is far smaller than most models allow, and the budget above assumed this value.
          options: { num_ctx: numCtx, temperature: options.temperature },
        },
        signal,
        mode !== 'none',
      );
    } catch (err) {
      if (mode === 'native' && isToolsUnsupported(err) && !signal.aborted) {
        setup.facts.markToolsRefused(model);
        mode = 'text';
        step--;
        yield { type: 'status', level: 'info', message: `${model} does not support native tool calls, so Hearth describes the tools in the prompt instead.` };
        continue;
      }
      throw await asHearthException(err, setup);
    }
    if (reply.usage) {
      usage = addUsage(usage, reply.usage);
      yield { type: 'usage', usage };
    }

    const executor = options.executor;
    const proposals = executor ? proposedCalls(reply, mode, tools) : [];
    if (!executor || proposals.length === 0) return reply.doneReason;
    if (step >= maxSteps) {
      yield { type: 'error', error: stepLimitError(maxSteps, model) };
      return 'limit';
    }

    const prepared = proposals.map((p) => prepareToolCall(p, tools));
    turn.push({ role: 'assistant', content: reply.content, toolCalls: prepared.map((p) => p.call) });
    for (const { call, rejection } of prepared) {
      const times = guard.record(call.name, call.arguments);
      if (times >= guard.limit) {
        yield { type: 'error', error: repeatedCallError(call.name, times, model) };
        return 'limit';
      }
      yield { type: 'toolCall', call };
      const result = rejection
        ? errorResult(call, rejection, 'invalid call')
        : await executeToolCall(call, executor, options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS, signal);
      yield { type: 'toolResult', result };
      turn.push({ role: 'tool', content: result.content, toolCallId: call.id, toolName: call.name });
    }
  }
}
