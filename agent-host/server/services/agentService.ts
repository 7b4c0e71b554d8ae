/**
 * AgentService.Chat: one bidirectional stream per turn. The client's first
 * message carries the whole turn (history, input, model, options, its tool
 * definitions); the agent runs here, its tool calls go back to the client as
 * tool requests, and its events stream out until `done`. Nothing about the
 * conversation outlives the stream. A client that disconnects or cancels
 * aborts the turn, and with it the model request.
 */
import { randomUUID } from 'node:crypto';
import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import type { AgentEvent, DoneReason, Usage } from '../../../protocol/chat';
import type { ChatClientMessage__Output } from '../../../protocol/generated/hearth/v1/ChatClientMessage';
import type { ChatServerMessage } from '../../../protocol/generated/hearth/v1/ChatServerMessage';
import { decodeClientMessage, type ClientMessage } from '../../../protocol/grpc/decodeChat';
import { encodeAgentEvent, encodeToolCall } from '../../../protocol/grpc/encodeChat';
import type { Agent, TurnOptions } from '../../index';
import type { ActivityRecorder } from '../admin/activityRecorder';
import type { AuditLog } from '../ops/auditLog';
import type { Logger } from '../ops/logger';
import { waitForDrain } from '../ops/waitForDrain';
import { writeBatchedPerTick } from '../ops/writeBatchedPerTick';
import { resetServerCall } from '../ops/resetServerCall';
import type { ServerMetrics } from '../ops/serverMetrics';
import type { RateLimit } from '../scheduler/rateLimiter';
import type { Scheduler } from '../scheduler/scheduler';
import { retryHint } from '../scheduler/schedulerErrors';
import type { AuthFailure } from '../auth/authFailure';
import type { CallContext } from './callGuard';
import { whileAuthorized } from './whileAuthorized';
import { effectiveToolTimeoutMs, RemoteToolExecutor } from './remoteToolExecutor';
import { withMcpTools } from '../../mcp/withMcpTools';
import { mcpProgressNotes } from '../../mcp/mcpProgressNotes';
import type { McpManager } from '../../mcp/mcpManager';
import { DeltaCoalescer } from './deltaCoalescer';
import { ModelWaitNote } from './modelWaitNote';
import { subagentThinkPlan } from './subagentThinkPlan';
import type { TeamIndex } from '../teamIndex/teamIndex';
import { withTeamSearch } from '../teamIndex/withTeamSearch';
import { exhausted, ServiceFailure } from './serviceFailure';
import { addUsage } from '../../core/usageTotals';
import type { TurnBudget } from './turnBudget';
import { wireSize } from './wireSizes';
import { base64ByteLength } from '../../../protocol/chatImages';

type ChatCall = ServerDuplexStream<ChatClientMessage__Output, ChatServerMessage>;

/** How long a client may take to send its first message. */
const START_TIMEOUT_MS = 15_000;

export interface AgentServiceDeps {
  /** The agent whose model requests are scheduled as this user's chat work. */
  agentFor(user: string): Agent;
  scheduler: Scheduler;
  chatLimiter: RateLimit;
  /** Open turns per user and the conversation bytes they hold (see TurnBudget). */
  budget?: TurnBudget;
  /** The server's cap on a turn's tool deadline (scheduler.toolTimeoutMs); see effectiveToolTimeoutMs. */
  toolTimeoutMs: number;
  metrics: ServerMetrics;
  audit: AuditLog;
  logger: Logger;
  /** Running turns, so a shutdown can end them cleanly. */
  turns: Set<RunningTurn>;
  /** The admin's MCP servers (config.yaml `mcp.servers`), offered to every user next to the client's own tools. */
  adminMcp?: McpManager;
  /** The current minimum gap between two text messages of one stream (grows with the server's load). */
  deltaWindowMs(): number;
  /** The admin page's usage and time-to-first-token figures. */
  activity?: ActivityRecorder;
  /** The admin's shared index (config.yaml `index:`), searched by team_search on this server. */
  teamIndex?: TeamIndex;
  /** This server's cap on one attached image, in bytes (limits.max_image_bytes); the protocol's own cap applies without it. */
  maxImageBytes?: number;
  /** How long a reply may make no progress towards a client that stopped reading it (limits.unread_reply_timeout). */
  unreadReplyTimeoutMs: number;
  /** Why the turn's developer may no longer act (sign-in revoked, user removed), asked around every tool call; undefined while they may. */
  revocationOf?(principal: CallContext['principal']): Promise<AuthFailure | undefined>;
}

/** The server's own image cap, over the new message and the history: a clear refusal before any GPU work. */
function checkImageSizes(turn: { input: { images?: { name: string; dataBase64: string }[] }; history: { images?: { name: string; dataBase64: string }[] }[] }, maxBytes: number | undefined): void {
  if (maxBytes === undefined) return;
  for (const image of [...(turn.input.images ?? []), ...turn.history.flatMap((m) => m.images ?? [])]) {
    const size = base64ByteLength(image.dataBase64);
    if (size > maxBytes) {
      const shown = (n: number) => (n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);
      throw new ServiceFailure(status.INVALID_ARGUMENT, `The image ${image.name} is ${shown(size)}; this team server accepts images of at most ${shown(maxBytes)}. Attach a smaller image (crop or shrink it) and send again.`);
    }
  }
}

export interface RunningTurn {
  /** The developer the turn runs for. */
  readonly user: string;
  /** Ends the turn with an error event the user can act on, then aborts it. */
  stop(message: string): void;
  /** Ends the turn because its developer may no longer use this server: nothing more is sent but the call's failure status. */
  revoke(failure: AuthFailure): void;
  readonly finished: Promise<void>;
}

/** How long a refused turn should wait before it is sent again. */
const BUSY_RETRY_MS = 5_000;

/** Reads the first message (and its size on the wire, when measured), or fails when the client sends something else or nothing. */
function firstMessage(call: ChatCall): Promise<{ message: ClientMessage; bytes: number }> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      call.off('data', onData);
      call.off('end', onEnd);
      call.off('cancelled', onEnd);
    };
    const onData = (msg: ChatClientMessage__Output) => {
      // Paused until the turn's own listener is attached, so a quick cancel cannot slip past unheard.
      call.pause();
      cleanup();
      try {
        resolve({ message: decodeClientMessage(msg), bytes: wireSize(msg) ?? 0 });
      } catch (err) {
        reject(err);
      }
    };
    const onEnd = () => {
      cleanup();
      reject(new ServiceFailure(status.CANCELLED, 'The client closed the stream before starting a turn.'));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new ServiceFailure(status.DEADLINE_EXCEEDED, `No start message within ${START_TIMEOUT_MS / 1000} s.`));
    }, START_TIMEOUT_MS);
    call.on('data', onData);
    call.once('end', onEnd);
    call.once('cancelled', onEnd);
  });
}

export async function handleChat(call: ChatCall, ctx: CallContext, deps: AgentServiceDeps): Promise<void> {
  const { user } = ctx.principal;
  // Counted before the start message is even read, and held until the call ends (also when its replies are never read).
  const lease = deps.budget?.open(user);
  if (typeof lease === 'string') {
    deps.metrics.rejected.inc({ kind: 'chat', reason: 'open_turns' });
    throw exhausted(lease, BUSY_RETRY_MS);
  }
  try {
    const first = await firstMessage(call);
    const refusal = lease?.charge(first.bytes);
    if (refusal) {
      deps.metrics.rejected.inc({ kind: 'chat', reason: 'memory' });
      throw exhausted(refusal, BUSY_RETRY_MS);
    }
    await runChat(call, ctx, deps, first.message);
  } finally {
    lease?.release();
  }
}

async function runChat(call: ChatCall, ctx: CallContext, deps: AgentServiceDeps, first: ClientMessage): Promise<void> {
  const { user } = ctx.principal;
  if (first.kind !== 'start') throw new ServiceFailure(status.INVALID_ARGUMENT, 'The first message of a Chat stream must be `start`.');
  const turn = first.turn;
  checkImageSizes(turn, deps.maxImageBytes);

  const limited = await deps.chatLimiter.take(user);
  if (limited > 0) {
    deps.metrics.rejected.inc({ kind: 'chat', reason: 'rate_limit' });
    throw exhausted(`You have reached this team server's limit of chat turns per minute; ${retryHint(limited)}.`, limited);
  }
  const admission = deps.scheduler.admission(user);
  if (!admission.ok) {
    deps.metrics.rejected.inc({ kind: 'chat', reason: 'queue_full' });
    throw exhausted(admission.message, admission.retryAfterMs);
  }

  const turnId = randomUUID();
  const controller = new AbortController();
  const started = performance.now();
  let ended = false;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  // A burst of messages (usage, the tool call's card, the tool request) reaches HTTP/2 together, not one message per write.
  let written = 0;
  const send = writeBatchedPerTick<ChatServerMessage>(call, () => (written += 1));
  // A client that stopped reading would otherwise hold this turn, and the model slot behind it, for as long as its connection lives.
  const stall = { ms: deps.unreadReplyTimeoutMs, progress: () => written };
  let unread = false;
  const write = async (msg: ChatServerMessage): Promise<void> => {
    if (ended || call.cancelled || call.writableEnded) return;
    if (send(msg)) return;
    const outcome = await Promise.race([waitForDrain(call, stall), finished]);
    if (outcome !== 'stalled' || ended || unread) return;
    unread = true;
    deps.metrics.unreadReplies.inc();
    deps.logger.warn('chat reply unread: turn ended and stream reset', { user, turn: turnId, timeoutMs: stall.ms });
    controller.abort();
    if (!resetServerCall(call)) deps.logger.warn('this grpc-js hides its HTTP/2 stream: the unread call stays open until its connection ends', { user, turn: turnId });
  };

  // The turn's tool deadline, decided once: the core enforces it and every tool request carries it to the client.
  const toolTimeoutMs = effectiveToolTimeoutMs(turn.toolTimeoutMs, deps.toolTimeoutMs);
  const executor =
    turn.tools.length > 0
      ? new RemoteToolExecutor(
          turn.tools,
          {
            sendRequest: (requestId, toolCall, timeoutMs) => write({ tool_request: { request_id: requestId, call: encodeToolCall(toolCall), timeout_ms: timeoutMs } }),
            sendCancel: (requestId) => write({ tool_cancel: { request_id: requestId } }),
          },
          toolTimeoutMs,
          {
            requested: (c) => {
              deps.metrics.toolRequests.inc({ outcome: 'requested' });
              deps.audit.record({ event: 'tool.request', user, turn: turnId, tool: c.name, callId: c.id });
            },
            answered: (c, r, ms) => {
              deps.metrics.toolRequests.inc({ outcome: r.isError ? 'error' : 'ok' });
              deps.audit.record({ event: 'tool.result', user, turn: turnId, tool: c.name, callId: c.id, isError: r.isError, durationMs: Math.round(ms), contentChars: r.content.length });
            },
            timedOut: (c, ms) => {
              deps.metrics.toolRequests.inc({ outcome: 'timeout' });
              deps.audit.record({ event: 'tool.timeout', user, turn: turnId, tool: c.name, callId: c.id, timeoutMs: ms });
            },
          },
          turn.turnedOffTools,
        )
      : undefined;

  let protocolError: string | undefined;
  // Set when the developer's access ended while the turn ran; the call then fails with it, as their next call would.
  let revoked: AuthFailure | undefined;
  const revoke = (failure: AuthFailure) => {
    if (ended || revoked) return;
    revoked = failure;
    controller.abort();
  };
  // Messages after `start`: tool results and cancel. A malformed one ends the turn.
  call.on('data', (raw: ChatClientMessage__Output) => {
    let msg: ClientMessage;
    try {
      msg = decodeClientMessage(raw);
    } catch (err) {
      deps.logger.warn('invalid chat message', { user, turn: turnId, error: (err as Error).message });
      protocolError = (err as Error).message;
      controller.abort();
      return;
    }
    if (msg.kind === 'toolResult') {
      if (!executor?.deliver(msg.requestId, msg.result)) deps.logger.debug('late or unknown tool result', { user, turn: turnId });
    } else if (msg.kind === 'cancel') controller.abort();
    else {
      protocolError = 'a second `start` arrived on a running turn';
      controller.abort();
    }
  });
  call.on('end', () => executor?.close());
  call.resume();
  call.on('cancelled', () => {
    executor?.close();
    // grpc-js also emits 'cancelled' after a call that ended normally; the turn is over then and nothing reads the signal.
    if (!ended) controller.abort();
  });

  const running: RunningTurn = {
    user,
    revoke,
    stop: (message) => {
      if (ended) return;
      void write({ error: { error: { code: 'connectionDropped', message, host: '', model: turn.model, installed_models: [], retryable: true } } })
        .then(() => write({ done: { reason: 'error' } }))
        .finally(() => {
          ended = true;
          controller.abort();
          if (!call.cancelled && !call.writableEnded) call.end();
        });
    },
    finished,
  };
  deps.turns.add(running);
  deps.metrics.activeStreams.inc();
  const observed = deps.activity?.observeTurn(user);
  deps.audit.record({ event: 'turn.start', user, turn: turnId, model: turn.model, mode: turn.mode ?? 'agent', tools: turn.tools.length, historyMessages: turn.history.length });

  // Admin MCP tools run here, on the server, as the admin configured them; the
  // client's tools (its files, its own MCP servers) still run on the client.
  const progressNote = deps.adminMcp ? mcpProgressNotes() : undefined;
  const toolExecutor = deps.adminMcp
    ? withMcpTools(executor, deps.adminMcp, {
        authorize: async (tool, c) => {
          deps.audit.record({ event: 'tool.request', user, turn: turnId, tool: tool.name, callId: c.id, where: 'server' });
          return undefined;
        },
        onProgress: (tool, c, progress) => {
          const note = progressNote?.(tool, c, progress);
          if (note) void write(encodeAgentEvent(note));
        },
        onNameConflict: (tool) => deps.logger.warn('admin MCP tool hidden: the client offers a tool with the same name', { user, tool: tool.name }),
      })
    : executor;
  // team_search runs here too, against the admin's index; the developer's auth already admitted this call.
  const withIndex = deps.teamIndex?.configured
    ? withTeamSearch(toolExecutor, deps.teamIndex, {
        onCall: (c) => deps.audit.record({ event: 'tool.request', user, turn: turnId, tool: c.name, callId: c.id, where: 'server' }),
        onResult: (c, r, hits) => {
          deps.metrics.teamSearches.inc({ outcome: r.isError ? 'error' : hits > 0 ? 'hits' : 'empty' });
          deps.audit.record({ event: 'tool.result', user, turn: turnId, tool: c.name, callId: c.id, isError: r.isError, durationMs: r.durationMs ?? 0, contentChars: r.content.length, hits, where: 'server' });
        },
      })
    : toolExecutor;
  // Outermost, so no tool of any kind (the client's, the admin's MCP tools, team_search) runs for a developer whose access ended.
  const revocationOf = deps.revocationOf;
  const authorized = withIndex && revocationOf ? whileAuthorized(withIndex, () => revocationOf(ctx.principal), revoke) : withIndex;
  const options: TurnOptions = { model: turn.model, executor: authorized };
  if (turn.systemPrompt !== undefined) options.systemPrompt = turn.systemPrompt;
  if (turn.maxSteps !== undefined) options.maxSteps = turn.maxSteps;
  options.toolTimeoutMs = toolTimeoutMs;
  if (turn.temperature !== undefined) options.temperature = turn.temperature;
  // The developer's client decides `think` per model; it passes through to the backend's /api/chat unchanged.
  if (turn.think !== undefined) options.think = turn.think;
  if (turn.continueReply) options.continueReply = true;
  // Sub-agents run here, beside the main agent; their tool calls go to the developer's machine like its own.
  if (turn.subagents && authorized) {
    const { thinkByModel, ...subagents } = turn.subagents;
    // Each sub-agent model's think as the client decided it (an older client sends none: the turn's then applies).
    options.subagents = thinkByModel ? { ...subagents, plan: subagentThinkPlan(thinkByModel) } : subagents;
  }
  if (turn.todos && authorized) options.todos = turn.todos;
  if (turn.compactAt !== undefined) options.compactAt = turn.compactAt;
  if (turn.compactFocus !== undefined) options.compactFocus = turn.compactFocus;
  // The core turns the client's mode into the tools offered (Ask and Plan: read-only, admin MCP tools included).
  if (turn.mode !== undefined) options.mode = turn.mode;
  if (turn.rules) options.rules = turn.rules;
  // The client's routed agent: the core adds its instructions and narrows the mode's tools to its list.
  if (turn.agent) options.agent = turn.agent;
  // The client's repository map and project memory; this server's core fits them into its own budget.
  if (turn.workspaceContext) options.workspaceContext = turn.workspaceContext;

  // The usage the admin page counts for this turn: the main agent's running total plus every finished sub-agent's.
  let turnUsage: Usage | undefined;
  let subagentUsage: Usage | undefined;
  let reason: DoneReason | 'disconnected' | 'unread' | 'revoked' = 'stop';
  let endedByStop = false;
  const out = new DeltaCoalescer((event) => write(encodeAgentEvent(event, executor?.sentResults)), deps.deltaWindowMs);
  // A long silence before the model answers (a cold load, a full backend) is explained in the chat as it lasts.
  const waitNote = new ModelWaitNote(turn.model, (note) => void write(encodeAgentEvent(note)));
  try {
    const events = deps.agentFor(user).startTurn(turn.history, turn.input, options, controller.signal);
    for await (const event of events as AsyncIterable<AgentEvent>) {
      // A revoked turn sends nothing more (not even the core's `cancelled`): its end is the call's failure status.
      if (ended || revoked) break;
      waitNote.observe(event);
      if (event.type === 'done') reason = event.reason;
      else if (event.type === 'text' || event.type === 'thinking') observed?.token();
      else if (event.type === 'usage') {
        turnUsage = event.usage;
        observed?.usage(addUsage(subagentUsage, turnUsage));
      } else if (event.type === 'agentResult' && event.outcome.usage) {
        // A sub-agent's model calls are the user's too; the main agent's usage events leave them out (each card has its own).
        subagentUsage = addUsage(subagentUsage, event.outcome.usage);
        observed?.usage(addUsage(turnUsage, subagentUsage));
      }
      const sending = out.push(event);
      if (sending) await sending;
      if (event.type === 'done') break;
    }
    await out.flush();
  } finally {
    waitNote.stop();
    out.discard();
    executor?.close();
    deps.turns.delete(running);
    deps.metrics.activeStreams.dec();
    observed?.end();
    if (call.cancelled) reason = 'disconnected';
    if (unread) reason = 'unread';
    if (revoked) reason = 'revoked';
    deps.audit.record({ event: 'turn.end', user, turn: turnId, reason, durationMs: Math.round(performance.now() - started) });
    endedByStop = ended;
    ended = true;
    finish();
  }
  if (revoked && !call.cancelled) throw revoked;
  if (protocolError && !call.cancelled) throw new ServiceFailure(status.INVALID_ARGUMENT, `Invalid request: ${protocolError}`);
  if (!endedByStop && !call.cancelled && !call.writableEnded) call.end();
}
