import type { ToolExecutor } from '../../agent-host';
import type { ToolCall, ToolResult } from '../../protocol/chat';

/**
 * Wraps a turn's executor so every tool call that may change files (any tool
 * not declared read-only: write_file, edit_file, remember, run_command, whose
 * sandboxed commands can write the workspace, and MCP tools) is followed by a
 * checkpoint, taken before the result goes back to the agent. The checkpoint
 * is taken here, in the language server, so it is the same in local and
 * remote mode and for sub-agents, whose calls reach the same executor.
 */
export function checkpointingExecutor(inner: ToolExecutor, checkpoint: (call: ToolCall) => Promise<void>): ToolExecutor {
  return {
    definitions: () => inner.definitions(),
    refusalFor: (name) => inner.refusalFor?.(name),
    turnedOff: () => inner.turnedOff?.() ?? [],
    async execute(call: ToolCall, signal: AbortSignal): Promise<ToolResult> {
      const result = await inner.execute(call, signal);
      const readOnly = inner.definitions().find((d) => d.name === call.name)?.readOnly === true;
      // A refused call changed nothing, but a failed command may have written half its output: only read-only tools are skipped.
      if (!readOnly) await checkpoint(call).catch(() => undefined);
      return result;
    },
  };
}
