/** The turn's tool deadline: one number, decided once, the same as local mode unless the admin lowers it. */
import assert from 'node:assert/strict';
import type { ToolCall, ToolResult } from '../../protocol/chat';
import { DEFAULT_TOOL_TIMEOUT_MS, executeToolCall, isToolTimeout } from '../../agent-host/core/executeToolCall';
import { DEFAULT_CONFIG } from '../../agent-host/server/config/serverConfig';
import { effectiveToolTimeoutMs } from '../../agent-host/server/services/remoteToolExecutor';
import type { ToolExecutor } from '../../agent-host';

const CALL: ToolCall = { id: 'c1', name: 'run_command', arguments: { command: 'npm test' } };

/** An executor that never answers and remembers the signal it was given. */
function hanging(): ToolExecutor & { signal?: AbortSignal } {
  const executor: ToolExecutor & { signal?: AbortSignal } = {
    definitions: () => [],
    execute: (_call, signal) => {
      executor.signal = signal;
      return new Promise<ToolResult>(() => undefined);
    },
  };
  return executor;
}

describe('tool deadlines', () => {
  it('the turn asks, the server caps: min(requested, cap), the local default when the turn asks nothing', () => {
    assert.equal(effectiveToolTimeoutMs(700, 3000), 700);
    assert.equal(effectiveToolTimeoutMs(5000, 3000), 3000);
    assert.equal(effectiveToolTimeoutMs(undefined, 3000), 3000);
    assert.equal(effectiveToolTimeoutMs(undefined, 3_600_000), DEFAULT_TOOL_TIMEOUT_MS);
  });

  it('by default a remote tool gets the same 15 minutes as a local one, not 120 s', () => {
    assert.equal(DEFAULT_CONFIG.scheduler.toolTimeoutMs, DEFAULT_TOOL_TIMEOUT_MS);
    // run_command's own longest timeout is 600 s: a command that finishes locally is not cut on the team server.
    assert.ok(effectiveToolTimeoutMs(undefined, DEFAULT_CONFIG.scheduler.toolTimeoutMs) > 600_000);
  });

  it('the core aborts a timed-out tool with a TimeoutError, which a cancelled turn does not carry', async () => {
    const slow = hanging();
    const result = await executeToolCall(CALL, slow, 30, new AbortController().signal);
    assert.equal(result.summary, 'timed out');
    assert.ok(isToolTimeout(slow.signal!), 'timeout');

    const cancelled = hanging();
    const turn = new AbortController();
    const pending = executeToolCall(CALL, cancelled, 10_000, turn.signal);
    await new Promise((r) => setTimeout(r, 5));
    turn.abort();
    await assert.rejects(pending);
    assert.ok(cancelled.signal!.aborted && !isToolTimeout(cancelled.signal!), 'cancel');
  });
});
