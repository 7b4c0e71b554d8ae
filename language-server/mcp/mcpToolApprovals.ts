import type { McpRefusal, McpTool } from '../../agent-host';
import type { ToolCall } from '../../protocol/chat';
import type { McpServerSource, TurnRef } from '../../protocol/lspMethods';
import type { McpEditor } from './mcpEditor';
import { toolApprovalKey, type McpWorkspaceStore } from './mcpWorkspaceStore';

/**
 * The approval policy for MCP tool calls: every call is asked about, unless
 * the user chose "always allow" for this tool and its definition (name,
 * description, input schema) is still exactly the one they allowed. When the
 * definition changed since the user last approved the tool, the question
 * carries both versions so the editor can show the difference: a server that
 * rewrites a tool after winning approval (tool poisoning, a swapped package)
 * is caught here.
 */
export class McpToolApprovals {
  constructor(
    private readonly store: McpWorkspaceStore,
    private readonly editor: McpEditor,
  ) {}

  async authorize(tool: McpTool, source: McpServerSource, call: ToolCall, turn: TurnRef, signal: AbortSignal): Promise<McpRefusal | undefined> {
    const key = toolApprovalKey(source, tool.server, tool.toolName);
    const record = await this.store.toolApproval(key);
    if (record?.alwaysAllow && record.definitionHash === tool.hash) return undefined;
    const previousDefinition = record && record.definitionHash !== tool.hash ? record.definition : undefined;
    let decision: 'accept' | 'reject' | 'alwaysAllow';
    try {
      decision = await this.editor.approveTool(
        {
          ...turn,
          callId: call.id,
          server: tool.server,
          source,
          tool: tool.toolName,
          toolName: tool.name,
          arguments: call.arguments,
          definition: tool.snapshot,
          previousDefinition,
        },
        signal,
      );
    } catch (err) {
      if (signal.aborted) return { content: 'The turn was stopped before the user answered.', summary: 'cancelled' };
      return {
        content: `${tool.name} did not run: Hearth could not ask the user for approval (${err instanceof Error ? err.message : String(err)}).`,
        summary: 'no approval',
      };
    }
    if (decision === 'reject') {
      return {
        content: `The user rejected this call of ${tool.name}; it did not run. Do not call it again with the same arguments; ask the user, or continue without it.`,
        summary: 'rejected',
      };
    }
    await this.store.recordToolApproval(key, tool.hash, tool.snapshot, decision === 'alwaysAllow');
    return undefined;
  }
}
