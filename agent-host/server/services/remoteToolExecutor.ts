/**
 * The server-side ToolExecutor of one turn: its definitions are the tools the
 * client offered, and `execute` sends a tool request down the client's Chat
 * stream and waits for the client to run it under the developer's own
 * approval policy. The server never touches the developer's files.
 */
import { randomUUID } from 'node:crypto';
import type { ToolCall, ToolResult } from '../../../protocol/chat';
import type { ToolDefinition } from '../../../protocol/tools';
import type { ToolExecutor } from '../../index';

export interface ToolChannel {
  sendRequest(requestId: string, call: ToolCall, timeoutMs: number): Promise<void>;
  sendCancel(requestId: string): Promise<void>;
}

export interface ToolObserver {
  requested?(call: ToolCall, requestId: string): void;
  answered?(call: ToolCall, result: ToolResult, durationMs: number): void;
  timedOut?(call: ToolCall): void;
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

  constructor(
    private readonly tools: ToolDefinition[],
    private readonly channel: ToolChannel,
    private readonly timeoutMs: number,
    private readonly observer: ToolObserver = {},
  ) {}

  definitions(): ToolDefinition[] {
    return this.tools;
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
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.pending.delete(requestId);
        // The client stops a tool the server no longer waits for (it may still be asking for approval).
        if (cancelClient && !this.closed) void this.channel.sendCancel(requestId).catch(() => undefined);
        resolve(result);
      };
      const onAbort = () => finish(errorResult('The turn was cancelled while the tool ran.'), true);
      const timer = setTimeout(() => {
        this.observer.timedOut?.(call);
        finish(errorResult(`The developer's editor did not return a result for ${call.name} within ${this.timeoutMs < 1000 ? `${this.timeoutMs} ms` : `${Math.round(this.timeoutMs / 1000)} s`} (it may be waiting for approval).`), true);
      }, this.timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(requestId, {
        call,
        finish: (result) => {
          this.observer.answered?.(call, result, performance.now() - started);
          finish(result, false);
        },
      });
      this.observer.requested?.(call, requestId);
      this.channel.sendRequest(requestId, call, this.timeoutMs).catch(() => finish(errorResult('The tool request could not be sent to the developer\'s editor.'), false));
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
