/**
 * The one place a chat mode becomes a tool set. Ask and Plan offer only the
 * tools that never change anything (built-in tools marked `readOnly`; MCP
 * tools never are); Agent offers everything the executor has, under the
 * executor's own approval policy.
 *
 * The same decision guards execution: `executorForMode` wraps an executor so
 * that a call to a tool the mode does not offer is refused with an error
 * result and never reaches the executor, whoever asked for it (a model that
 * ignores the offered tools, or a team server that requests a tool the
 * client's mode does not allow).
 */
import { chatModeLabel, DEFAULT_CHAT_MODE, type ChatMode, type ToolCall, type ToolResult } from '../../protocol/chat';
import type { ToolDefinition } from '../../protocol/tools';
import type { ToolExecutor } from '../index';

/** Whether `mode` offers `tool`. */
export function modeAllowsTool(mode: ChatMode, tool: ToolDefinition): boolean {
  return mode === 'agent' || tool.readOnly;
}

/** The tools `mode` offers, from those an executor has. */
export function toolsForMode(mode: ChatMode | undefined, tools: ToolDefinition[]): ToolDefinition[] {
  const m = mode ?? DEFAULT_CHAT_MODE;
  return tools.filter((t) => modeAllowsTool(m, t));
}

/** What the model reads when it calls a tool its mode does not offer. */
export function modeRefusal(mode: ChatMode, toolName: string): string {
  return (
    `${toolName} is not available in ${chatModeLabel(mode)} mode, which may only read and search the workspace. The call was not run. ` +
    (mode === 'plan'
      ? 'Write the change into your numbered plan instead; the user runs the plan in Agent mode.'
      : 'Describe the change or show it as code instead; the user can switch to Agent mode to let you make it.')
  );
}

/**
 * An executor limited to `mode`: its definitions are the mode's tools, and a
 * call to any other tool is refused without running. Agent mode returns the
 * executor itself.
 */
export function executorForMode(executor: ToolExecutor, mode: ChatMode | undefined): ToolExecutor {
  const m = mode ?? DEFAULT_CHAT_MODE;
  if (m === 'agent') return executor;
  return {
    definitions: () => toolsForMode(m, executor.definitions()),
    async execute(call: ToolCall, signal: AbortSignal): Promise<ToolResult> {
      const tool = executor.definitions().find((t) => t.name === call.name);
      if (!tool || !modeAllowsTool(m, tool)) {
        return { callId: call.id, name: call.name, content: modeRefusal(m, call.name), isError: true, summary: `refused: ${chatModeLabel(m)} mode` };
      }
      return executor.execute(call, signal);
    },
  };
}
