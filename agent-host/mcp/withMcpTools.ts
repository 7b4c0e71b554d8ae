import type { ToolCall, ToolResult } from '../../protocol/chat';
import type { ToolDefinition } from '../../protocol/tools';
import type { ToolExecutor } from '../index';
import type { McpManager } from './mcpManager';
import type { McpProgress, McpTool } from './mcpTypes';

/** What the composite needs from the manager (a narrow type, so tests and other hosts can supply their own). */
export type McpToolSource = Pick<McpManager, 'tools' | 'callTool' | 'statuses'>;

/** Why a call must not run, in words for the model, and a summary for the chat. */
export interface McpRefusal {
  content: string;
  summary: string;
}

/** The policy around MCP tools, supplied by whoever hosts the agent. */
export interface McpToolGate {
  /** Whether MCP tools are offered at all right now (for example, only in a trusted workspace). */
  enabled?(): boolean;
  /**
   * Why the user turned this tool off, or undefined when it is on. A tool
   * that is off is not offered at all (so it takes nothing of the model's
   * window), and a call the model makes to it anyway gets this refusal.
   */
  turnedOff?(tool: McpTool): McpRefusal | undefined;
  /** Decides whether one call may run (the user's approval); undefined means run it. */
  authorize?(tool: McpTool, call: ToolCall, signal: AbortSignal): Promise<McpRefusal | undefined>;
  /** A progress notification of a running call. */
  onProgress?(tool: McpTool, call: ToolCall, progress: McpProgress): void;
  /** An MCP tool was left out because another tool already has its name. */
  onNameConflict?(tool: McpTool): void;
}

/**
 * One ToolExecutor for the agent: `inner`'s tools (the built-ins, or a remote
 * client's tools) plus the MCP servers' tools. Names never collide: MCP names
 * always contain a dot and built-in names never do, and an MCP tool whose
 * name another tool already has is left out rather than shadowing it.
 * Which MCP tools exist is decided at each call of `definitions()`, so a
 * server that crashed offers nothing until it is back.
 */
export function withMcpTools(inner: ToolExecutor | undefined, manager: McpToolSource, gate: McpToolGate = {}): ToolExecutor {
  const mcpTools = (): McpTool[] => {
    if (gate.enabled && !gate.enabled()) return [];
    const taken = new Set((inner?.definitions() ?? []).map((d) => d.name));
    const offered: McpTool[] = [];
    for (const tool of manager.tools()) {
      if (gate.turnedOff?.(tool)) continue;
      if (taken.has(tool.name)) {
        gate.onNameConflict?.(tool);
        continue;
      }
      taken.add(tool.name);
      offered.push(tool);
    }
    return offered;
  };

  // The model may still name a tool it saw earlier in the chat: it is told that the user turned it off.
  const turnedOff = (name: string): McpRefusal | undefined => {
    if (!name.includes('.') || (gate.enabled && !gate.enabled())) return undefined;
    const tool = manager.tools().find((t) => t.name === name);
    return tool ? gate.turnedOff?.(tool) : undefined;
  };

  const executor: ToolExecutor = {
    definitions(): ToolDefinition[] {
      return [...(inner?.definitions() ?? []), ...mcpTools().map((t) => t.definition)];
    },

    refusalFor(name: string): string | undefined {
      return inner?.refusalFor?.(name) ?? turnedOff(name)?.content;
    },

    turnedOff(): string[] {
      const own = gate.enabled && !gate.enabled() ? [] : manager.tools().filter((t) => gate.turnedOff?.(t) !== undefined).map((t) => t.name);
      return [...(inner?.turnedOff?.() ?? []), ...own];
    },

    async execute(call: ToolCall, signal: AbortSignal): Promise<ToolResult> {
      const started = performance.now();
      const result = (content: string, isError: boolean, summary: string): ToolResult => ({
        callId: call.id,
        name: call.name,
        content,
        isError,
        summary,
        durationMs: Math.round(performance.now() - started),
      });
      // Names without a dot are never MCP tools: the inner executor answers them, errors included, exactly as without MCP.
      if (inner && (!call.name.includes('.') || inner.definitions().some((d) => d.name === call.name))) return inner.execute(call, signal);
      const tool = mcpTools().find((t) => t.name === call.name);
      if (!tool) {
        const refusal = turnedOff(call.name);
        if (refusal) return result(refusal.content, true, refusal.summary);
        const status = manager.statuses().find((s) => call.name.startsWith(`${s.namespace}.`));
        const why = status && status.state !== 'running' ? ` The MCP server "${status.name}" is ${status.state}${status.lastError ? `: ${status.lastError}` : '.'}` : '';
        const known = executor.definitions().map((d) => d.name);
        return result(`There is no tool named ${JSON.stringify(call.name)} right now.${why} Available tools: ${known.join(', ')}.`, true, 'unknown tool');
      }
      try {
        if (signal.aborted) return result('The turn was cancelled before this tool ran.', true, 'cancelled');
        const refusal = await gate.authorize?.(tool, call, signal);
        if (refusal) return result(refusal.content, true, refusal.summary);
        if (signal.aborted) return result('The turn was cancelled before this tool ran.', true, 'cancelled');
        const outcome = await manager.callTool(tool, call.arguments, {
          signal,
          onProgress: gate.onProgress ? (p) => gate.onProgress!(tool, call, p) : undefined,
        });
        return result(outcome.content, outcome.isError, outcome.summary);
      } catch (err) {
        // The gate or the manager should not throw; if one does, the model still gets a result.
        return result(`${call.name} failed: ${err instanceof Error ? err.message : String(err)}`, true, 'failed');
      }
    },
  };
  return executor;
}
