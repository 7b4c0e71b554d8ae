/**
 * The server-side ToolExecutor of one turn: its definitions are the tools the
 * client offered, and `execute` sends a tool request down the client's Chat
 * stream and waits for the client to run it under the developer's own
 * approval policy. The server never touches the developer's files.
 *
 * Tool deadlines have one owner: the turn. `effectiveToolTimeoutMs` computes
 * the turn's tool timeout once (the client's requested timeout, capped by the
 * server's `scheduler.toolTimeoutMs`); the agent core enforces it with the
 * only timer (executeToolCall), and each ToolRequest carries the same number
 * as `timeout_ms`, which the client applies as the execution's deadline, as
 * gRPC propagates a deadline. This executor has no timer of its own: when the
 * core's deadline aborts a call it tells the client to stop and reports the
 * timeout (audit `tool.timeout`, metrics outcome="timeout").
 */
import { randomUUID } from 'node:crypto';
import type { ToolCall, ToolResult } from '../../../protocol/chat';
import type { ToolDefinition } from '../../../protocol/tools';
import { DEFAULT_TOOL_TIMEOUT_MS, isToolTimeout } from '../../core/executeToolCall';
import type { ToolExecutor } from '../../index';
import { turnedOffToolRefusal } from '../../../protocol/mcpDisabledTools';

/** The turn's tool deadline: what the client asked for (the local default when it did not), never more than the server allows. */
export function effectiveToolTimeoutMs(requestedMs: number | undefined, serverCapMs: number): number {
  return Math.max(1, Math.min(requestedMs ?? DEFAULT_TOOL_TIMEOUT_MS, serverCapMs));
}

export interface ToolChannel {
  sendRequest(requestId: string, call: ToolCall, timeoutMs: number): Promise<void>;
  sendCancel(requestId: string): Promise<void>;
}

export interface ToolObserver {
  requested?(call: ToolCall, requestId: string): void;
  answered?(call: ToolCall, result: ToolResult, durationMs: number): void;
  /** The turn's tool deadline passed before the client answered. */
  timedOut?(call: ToolCall, timeoutMs: number): void;
}

interface Pending {
  call: ToolCall;
  finish(result: ToolResult): void;
}

export class RemoteToolExecutor implements ToolExecutor {
  private readonly pending = new Map<string, Pending>();
  /** What the client sent per call id, so an unchanged result is not echoed back in full. */
  readonly sentResults = new Map<string, string>();
  private closed = false;

  private readonly turnedOffNames: ReadonlySet<string>;

  /**
   * @param deadlineMs the turn's tool timeout (`effectiveToolTimeoutMs`), sent to the client with each request; the agent core enforces it.
   * @param turnedOff the tools the client's user turned off (ChatStart.turned_off_tools): not offered, and a call to one is refused with why.
   */
  constructor(
    private readonly tools: ToolDefinition[],
    private readonly channel: ToolChannel,
    private readonly deadlineMs: number,
    private readonly observer: ToolObserver = {},
    turnedOff: readonly string[] = [],
  ) {
    this.turnedOffNames = new Set(turnedOff);
  }

  definitions(): ToolDefinition[] {
    return this.tools;
  }

  refusalFor(name: string): string | undefined {
    // A name the client offers is never refused as turned off, whatever the list says.
    return this.turnedOffNames.has(name) && !this.tools.some((t) => t.name === name) ? turnedOffToolRefusal(name) : undefined;
  }

  turnedOff(): string[] {
    return [...this.turnedOffNames];
  }

  execute(call: ToolCall, signal: AbortSignal): Promise<ToolResult> {
    const errorResult = (content: string): ToolResult => ({ callId: call.id, name: call.name, content, isError: true });
    if (this.closed) return Promise.resolve(errorResult('The developer\'s editor is no longer connected, so the tool could not run.'));
    if (signal.aborted) return Promise.resolve(errorResult('The turn was cancelled before the tool ran.'));
    const requestId = randomUUID();
    const started = performance.now();
    return new Promise<ToolResult>((resolve) => {
      let settled = false;
      const finish = (result: ToolResult, cancelClient: boolean) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        this.pending.delete(requestId);
        // The client stops a tool the server no longer waits for (it may still be asking for approval).
        if (cancelClient && !this.closed) void this.channel.sendCancel(requestId).catch(() => undefined);
        resolve(result);
      };
      // The core has already answered the model (its timeout or cancel result); this only ends the request here and on the client.
      const onAbort = () => {
        const timedOut = isToolTimeout(signal);
        if (timedOut) this.observer.timedOut?.(call, this.deadlineMs);
        finish(errorResult(timedOut ? `${call.name} timed out.` : 'The turn was cancelled while the tool ran.'), true);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(requestId, {
        call,
        finish: (result) => {
          this.observer.answered?.(call, result, performance.now() - started);
          finish(result, false);
        },
      });
      this.observer.requested?.(call, requestId);
      this.channel.sendRequest(requestId, call, this.deadlineMs).catch(() => finish(errorResult('The tool request could not be sent to the developer\'s editor.'), false));
    });
  }

  /**
   * A result from the client. Results for requests that already timed out are
   * ignored; a result that names another call is replaced by an error result,
   * so the model never sees one call's output under another's id.
   */
  deliver(requestId: string, result: ToolResult): boolean {
    const pending = this.pending.get(requestId);
    if (!pending) return false;
    const { call } = pending;
    if (result.callId !== call.id) {
      pending.finish({ callId: call.id, name: call.name, content: 'The editor answered with a result for a different tool call.', isError: true });
      return true;
    }
    const normalized: ToolResult = { ...result, callId: call.id, name: call.name };
    this.sentResults.set(call.id, normalized.content);
    pending.finish(normalized);
    return true;
  }

  /** The client can send no more results: fail whatever still waits. */
  close(): void {
    this.closed = true;
    for (const [, p] of [...this.pending]) p.finish({ callId: p.call.id, name: p.call.name, content: "The developer's editor disconnected before the tool finished.", isError: true });
  }
}
