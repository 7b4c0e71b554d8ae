/**
 * The team server as an `Agent`: the language server's chat runs exactly as
 * with the embedded agent, but the model loop runs on the team server. Tool
 * requests from the server are executed here, by the turn's own executor
 * (the developer's approval policy), and the results go back up the stream.
 */
import type { ClientDuplexStream, ServiceError } from '@grpc/grpc-js';
import type { AgentEvent, ChatMessage, HearthError, ToolResult, UserInput } from '../../protocol/chat';
import type { ToolDefinition } from '../../protocol/tools';
import type { ModelInfo } from '../../protocol/lspMethods';
import type { ChatClientMessage } from '../../protocol/generated/hearth/v1/ChatClientMessage';
import type { ChatServerMessage__Output } from '../../protocol/generated/hearth/v1/ChatServerMessage';
import type { CompleteResponse__Output } from '../../protocol/generated/hearth/v1/CompleteResponse';
import type { ListModelsResponse__Output } from '../../protocol/generated/hearth/v1/ListModelsResponse';
import type { SuggestionReportAck__Output } from '../../protocol/generated/hearth/v1/SuggestionReportAck';
import { decodeModelInfo, decodeServerMessage, LIMITS } from '../../protocol/grpc/decodeChat';
import { encodeChatStart, encodeToolResult } from '../../protocol/grpc/encodeChat';
import { checkRequestedCall, executorForAgent, executorForMode, HearthException, selectTools, toolsLeftOutWarning, type Agent, type ToolExecutor, type TurnOptions } from '../../agent-host';
import { AsyncQueue } from './asyncQueue';
import { subagentThinkByModel } from './subagentThinkByModel';
import { COMPLETION_POLICY, decideRetry, DEFAULT_BACKOFF, INTERACTIVE_POLICY, newAttemptState, sleep, type BackoffPolicy, type RemoteCallPolicy } from './remoteCallPolicy';
import { callUnary, type UnaryStart } from './callUnary';
import { RemoteMcpClient } from './remoteMcpClient';
import { decodeSampleResponse, encodeSampleRequest, type SampleAnswer, type SampleParams } from '../../protocol/grpc/sampleMessages';
import type { SampleResponse__Output } from '../../protocol/generated/hearth/v1/SampleResponse';
import { droppedTurn, toHearthErrorFromGrpc } from './remoteErrors';
import type { TeamConnection } from './teamConnection';

type StreamItem = { kind: 'message'; message: ChatServerMessage__Output } | { kind: 'error'; error: unknown } | { kind: 'end' };

/** A sampling answer of up to 32k tokens from a busy shared GPU. */
const SAMPLE_DEADLINE_MS = 10 * 60_000;

/** How long a cancelled turn waits for the server's own `done` before the stream is cut. */
const CANCEL_GRACE_MS = 1500;

export interface CompleteParams {
  model: string;
  prompt: string;
  suffix: string;
  maxTokens?: number;
  temperature?: number;
  stop?: string[];
}

export class RemoteAgent implements Agent {
  /** Chat turns and model lists (see remoteCallPolicy.ts). */
  private readonly interactive: RemoteCallPolicy;
  /** Inline completions and MCP argument suggestions: one attempt, never waiting for the server. */
  private readonly completion: RemoteCallPolicy;

  /** The admin's MCP servers' resources and prompts. */
  readonly mcp: RemoteMcpClient;

  constructor(private readonly connection: TeamConnection, backoff: BackoffPolicy = DEFAULT_BACKOFF) {
    this.interactive = { ...INTERACTIVE_POLICY, backoff };
    this.mcp = new RemoteMcpClient(connection, (start, signal, whileTyping) => this.unary(start, whileTyping ? this.completion : this.interactive, signal));
    this.completion = { ...COMPLETION_POLICY, backoff: { ...backoff, attempts: COMPLETION_POLICY.backoff.attempts } };
  }

  get host(): string {
    return this.connection.host;
  }

  startTurn(history: ChatMessage[], input: UserInput, options: TurnOptions, signal: AbortSignal): AsyncIterable<AgentEvent> {
    return this.runTurn(history, input, options, signal);
  }

  private async *runTurn(history: ChatMessage[], input: UserInput, options: TurnOptions, signal: AbortSignal): AsyncGenerator<AgentEvent> {
    // Every tool is sent with the mode, and the server's agent core decides what the mode offers. Tool requests still
    // run here only through the same core decision (executorForMode): a team server asking for write_file in Ask
    // mode gets the mode's refusal, and nothing runs.
    // The team server refuses a turn that offers more than LIMITS.tools tools, so at most that many are sent, chosen as the
    // agent core chooses within a window (toolBudget.ts): the built-ins, then MCP tools in order. The server's core then fits
    // them, with the admin's, into the model's window. Only what is sent is offered: a tool request for anything else is
    // refused when decoded, whatever the server sends.
    const selection = selectTools(options.executor?.definitions() ?? [], Infinity, LIMITS.tools);
    const tools = selection.offered;
    const capWarning = toolsLeftOutWarning(selection.leftOut, `The team server takes at most ${LIMITS.tools} tools in a turn`, false);
    if (capWarning) yield { type: 'status', level: 'warning', message: capWarning };
    // The agent's tool list narrows the same way, on this side too: the server cannot widen it.
    const executor = options.executor ? executorForAgent(executorForMode(options.executor, options.mode), options.agent) : undefined;
    const offered = new Set(tools.map((t) => t.name));
    // The turn's think is for the turn's model; each other model a sub-agent may use gets its own, decided here.
    const thinkByModel = options.subagents ? await subagentThinkByModel(options.subagents, options.model, signal) : undefined;
    const start: ChatClientMessage = {
      start: encodeChatStart({
        history,
        input,
        model: options.model,
        systemPrompt: options.systemPrompt,
        maxSteps: options.maxSteps,
        toolTimeoutMs: options.toolTimeoutMs,
        temperature: options.temperature,
        think: options.think,
        continueReply: options.continueReply,
        subagents: options.subagents && { ...options.subagents, ...(thinkByModel ? { thinkByModel } : {}) },
        todos: options.todos,
        compactAt: options.compactAt,
        compactFocus: options.compactFocus,
        mode: options.mode,
        rules: options.rules,
        workspaceContext: options.workspaceContext,
        agent: options.agent,
        tools,
        // So the team server's core refuses a call to one as turned off, as the local core does, not as unknown.
        turnedOffTools: (options.executor?.turnedOff?.() ?? []).filter((name) => !offered.has(name)).slice(0, LIMITS.turnedOffTools),
      }),
    };
    const state = newAttemptState();

    for (;;) {
      if (signal.aborted) {
        yield { type: 'done', reason: 'cancelled' };
        return;
      }
      let metadata;
      try {
        metadata = await this.connection.metadata(signal);
      } catch (err) {
        if (signal.aborted) {
          yield { type: 'done', reason: 'cancelled' };
          return;
        }
        yield* this.fail(toHearthErrorFromGrpc(err, this.host, false));
        return;
      }
      const outcome = yield* this.streamOnce(start, metadata, tools, offered, executor, signal);
      if (outcome.kind === 'finished') return;
      const err = outcome.error;
      // Only while nothing reached the user can the turn be sent again as if for the first time.
      const decision = outcome.receivedAny ? ({ action: 'fail' } as const) : decideRetry(err, state, this.interactive);
      if (decision.action === 'fail') {
        yield* this.fail(toHearthErrorFromGrpc(err, this.host, outcome.receivedAny));
        return;
      }
      if (decision.reason === 'reauthenticate') this.connection.auth.invalidate();
      if (decision.reason === 'retryAfter') {
        // One note for all the retries of this turn, updated in place.
        yield { type: 'status', level: 'info', id: 'team-retry', message: `The team server is busy; sending this again in ${Math.max(1, Math.round(decision.delayMs / 1000))} s.` };
      }
      try {
        if (decision.delayMs > 0) await sleep(decision.delayMs, signal);
      } catch {
        // Cancelled while waiting to retry: the top of the loop reports it.
      }
    }
  }

  private async *fail(error: HearthError): AsyncGenerator<AgentEvent> {
    yield { type: 'error', error };
    yield { type: 'done', reason: 'error' };
  }

  /** One Chat stream. Returns how it ended; events are yielded as they arrive. */
  private async *streamOnce(
    start: ChatClientMessage,
    metadata: Awaited<ReturnType<TeamConnection['metadata']>>,
    tools: ToolDefinition[],
    offered: ReadonlySet<string>,
    executor: ToolExecutor | undefined,
    signal: AbortSignal,
  ): AsyncGenerator<AgentEvent, { kind: 'finished' } | { kind: 'failed'; error: unknown; receivedAny: boolean }> {
    const call: ClientDuplexStream<ChatClientMessage, ChatServerMessage__Output> = this.connection.agent.Chat(metadata);
    const queue = new AsyncQueue<StreamItem>();
    call.on('data', (message: ChatServerMessage__Output) => queue.push({ kind: 'message', message }));
    call.on('error', (error: ServiceError) => queue.push({ kind: 'error', error }));
    call.on('end', () => queue.push({ kind: 'end' }));
    // A status with code OK arrives after 'end'; errors are delivered through 'error' above.
    call.on('status', () => undefined);

    const sentResults = new Map<string, string>();
    // The chat's at-a-glance view of each result this client produced. It never goes to the server
    // (the model does not need it), and the echoed result gets this copy back, so a server cannot forge it.
    const sentDisplays = new Map<string, NonNullable<ToolResult['display']>>();
    const toolControllers = new Map<string, AbortController>();
    let receivedAny = false;
    let completed = false;
    let cancelTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      for (const c of toolControllers.values()) c.abort();
      if (!call.writableEnded) call.write({ cancel: { reason: 'user' } });
      // The server answers a cancel with `done`; a server that does not is cut off.
      cancelTimer = setTimeout(() => call.cancel(), CANCEL_GRACE_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    call.write(start);

    // The server's tool requests run one at a time, in the order it sent them, as the agent's own
    // loop runs them locally: a server that sends calls without waiting for results can neither run
    // a command alongside the write it depends on nor start hundreds of processes at once. Those
    // waiting count towards LIMITS.pendingToolRequests; more is a protocol violation.
    let toolsDone: Promise<void> = Promise.resolve();
    const runTool = (requestId: string, toolCall: Parameters<ToolExecutor['execute']>[0], deadlineMs: number): boolean => {
      if (toolControllers.size >= LIMITS.pendingToolRequests || toolControllers.has(requestId)) return false;
      const controller = new AbortController();
      toolControllers.set(requestId, controller);
      // The server's deadline for this call (the turn's tool timeout), applied here as well, as gRPC
      // propagates a deadline: the tool stops on time even if the server's cancel never arrives.
      // Its result is not sent then; the server has already told the model the call timed out.
      // It runs from the request's arrival, waiting included, as the server's own clock does.
      const deadline =
        deadlineMs > 0 ? setTimeout(() => controller.abort(new DOMException(`${toolCall.name} did not finish within ${deadlineMs} ms.`, 'TimeoutError')), deadlineMs) : undefined;
      deadline?.unref();
      const fallback = (content: string): ToolResult => ({ callId: toolCall.id, name: toolCall.name, content, isError: true });
      const run = async () => {
        // Cancelled or timed out while waiting for its turn: it never runs, and no result is sent.
        if (controller.signal.aborted) return;
        const toolSignal = AbortSignal.any([signal, controller.signal]);
        // Checked against the tool's own schema first, as the agent core checks its model's calls: a call with an
        // argument the tool does not define, or one of the wrong type, is answered with the same error and never
        // runs, nor asks the user to approve something other than what the tool would do.
        const checked = checkRequestedCall(toolCall, tools);
        const running = checked.refused
          ? Promise.resolve(checked.refused)
          : executor
            ? executor.execute(checked.call, toolSignal)
            : Promise.resolve(fallback('This client runs no tools for this turn.'));
        const result = await running.catch((err: unknown) => fallback(`The tool failed: ${err instanceof Error ? err.message : String(err)}`));
        if (controller.signal.aborted || call.writableEnded || call.destroyed) return;
        sentResults.set(result.callId, result.content);
        if (result.display) sentDisplays.set(result.callId, result.display);
        call.write({ tool_result: { request_id: requestId, result: encodeToolResult(result) } });
      };
      toolsDone = toolsDone
        .then(run)
        // A failure of one (a write to a closed stream) must not stop the ones after it.
        .catch(() => undefined)
        .finally(() => {
          clearTimeout(deadline);
          toolControllers.delete(requestId);
        });
      return true;
    };
    const violation = (reason: string): HearthError => ({
      code: 'internal',
      message: `The team server sent an invalid message (${reason}); the reply was stopped. Press Retry, or tell the server's admin.`,
      host: this.host,
      retryable: true,
    });
    // What this reply has carried so far (the events' JSON, this client's own results echoed back aside).
    let replyChars = 0;

    try {
      for (;;) {
        const item = await queue.next();
        if (item.kind === 'error') {
          if (signal.aborted) {
            yield { type: 'done', reason: 'cancelled' };
            return { kind: 'finished' };
          }
          return { kind: 'failed', error: item.error, receivedAny };
        }
        if (item.kind === 'end') {
          if (signal.aborted) {
            yield { type: 'done', reason: 'cancelled' };
            return { kind: 'finished' };
          }
          // A stream that ends without `done` was cut short (a server restart behind a proxy).
          yield* this.fail(droppedTurn(this.host, 'the server closed the stream early'));
          return { kind: 'finished' };
        }
        receivedAny = true;
        let decoded;
        try {
          decoded = decodeServerMessage(item.message, offered, sentResults);
        } catch (err) {
          call.cancel();
          yield* this.fail(violation((err as Error).message));
          return { kind: 'finished' };
        }
        if (decoded.kind === 'toolRequest') {
          if (!runTool(decoded.requestId, decoded.call, decoded.timeoutMs)) {
            call.cancel();
            yield* this.fail(violation(`a tool request while ${LIMITS.pendingToolRequests} were waiting or running, or one reusing a request id`));
            return { kind: 'finished' };
          }
        } else if (decoded.kind === 'toolCancel') toolControllers.get(decoded.requestId)?.abort();
        else {
          const event = decoded.event;
          replyChars += JSON.stringify(event).length - (event.type === 'toolResult' && sentResults.get(event.result.callId) === event.result.content ? event.result.content.length : 0);
          if (replyChars > LIMITS.replyChars) {
            call.cancel();
            yield* this.fail({
              code: 'internal',
              message: `The team server sent more than ${LIMITS.replyChars / 1_000_000} million characters in one reply, so the reply was stopped there (what came before is kept). Tell the server's admin if this keeps happening.`,
              host: this.host,
              retryable: false,
            });
            return { kind: 'finished' };
          }
          if (decoded.event.type === 'toolResult') {
            const display = sentDisplays.get(decoded.event.result.callId);
            if (display) decoded.event.result.display = display;
          }
          yield decoded.event;
          if (decoded.event.type === 'done') {
            completed = true;
            call.end();
            return { kind: 'finished' };
          }
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (cancelTimer) clearTimeout(cancelTimer);
      for (const c of toolControllers.values()) c.abort();
      // A consumer that stopped reading early must not leave the turn running on the server.
      if (!completed) call.cancel();
    }
  }

  async listModels(signal?: AbortSignal): Promise<ModelInfo[]> {
    const res = await this.unary<ListModelsResponse__Output>((md, cb) => this.connection.models.List({}, md, { deadline: Date.now() + 15_000 }, cb), this.interactive, signal);
    return res.models.map((m, i) => decodeModelInfo(m, `models[${i}]`));
  }

  /** Fill-in-the-middle on the team server's GPU, scheduled ahead of chat turns. */
  async complete(params: CompleteParams, signal?: AbortSignal): Promise<{ text: string; doneReason: 'stop' | 'length' }> {
    const res = await this.unary<CompleteResponse__Output>(
      (md, cb) =>
        this.connection.completion.Complete(
          {
            model: params.model,
            prompt: params.prompt,
            suffix: params.suffix,
            ...(params.maxTokens !== undefined ? { max_tokens: params.maxTokens } : {}),
            ...(params.temperature !== undefined ? { temperature: params.temperature } : {}),
            stop: params.stop ?? [],
          },
          md,
          { deadline: Date.now() + 30_000 },
          cb,
        ),
      this.completion,
      signal,
    );
    return { text: res.text, doneReason: res.done_reason === 'length' ? 'length' : 'stop' };
  }

  /** Counts of inline suggestions shown and accepted, per language, for the admin's acceptance rate. One attempt: the caller keeps the counts for the next report. */
  async reportSuggestions(languages: { language: string; shown: number; accepted: number }[], signal?: AbortSignal): Promise<void> {
    await this.unary<SuggestionReportAck__Output>((md, cb) => this.connection.completion.Report({ languages }, md, { deadline: Date.now() + 10_000 }, cb), this.completion, signal);
  }

  /**
   * One completion for an MCP sampling request the user approved here, on the
   * team server's model (AgentService.Sample). The answer is checked: a known
   * stop reason and at most `maxChars` characters.
   */
  async sample(params: SampleParams, maxChars: number, signal: AbortSignal): Promise<SampleAnswer> {
    const res = await this.unary<SampleResponse__Output>((md, cb) => this.connection.agent.Sample(encodeSampleRequest(params), md, { deadline: Date.now() + SAMPLE_DEADLINE_MS }, cb), this.interactive, signal);
    try {
      return decodeSampleResponse(res, maxChars);
    } catch (err) {
      throw new HearthException({ code: 'internal', message: `The team server sent an invalid sampling answer (${(err as Error).message}).`, host: this.host, retryable: false });
    }
  }

  /** A unary call with auth, under the remote-call policy (retries, one re-sign-in, the server's retry-after). */
  unary<T>(start: UnaryStart<T>, policy: RemoteCallPolicy = this.interactive, signal?: AbortSignal): Promise<T> {
    return callUnary(this.connection, start, policy, signal);
  }
}
