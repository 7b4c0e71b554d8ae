import type { StatusNote } from '../../agent-host';
import type { ElicitationValue } from '../../protocol/elicitationForm';
import type { McpElicitationParams, McpSamplingParams, McpServerInfo, McpToolApprovalParams, McpTrustParams, TurnRef } from '../../protocol/lspMethods';

/**
 * What the MCP service needs from the editor: the user's decisions, and
 * somewhere to show states, logs and progress. The language server
 * implements it over LSP (lspMcpEditor); tests implement it in-process.
 * Aborting `signal` must settle a pending question.
 */
export interface McpEditor {
  /** Ask whether to start a workspace server, showing its exact command line. */
  askTrust(params: McpTrustParams, signal: AbortSignal): Promise<'trust' | 'deny'>;
  /** Ask whether one tool call may run. */
  approveTool(params: McpToolApprovalParams, signal: AbortSignal): Promise<'accept' | 'reject' | 'alwaysAllow'>;
  /** Ask whether a server's sampling request may run, showing its exact messages. */
  approveSampling(params: McpSamplingParams, signal: AbortSignal): Promise<'accept' | 'reject'>;
  /** Show a server's form; `content` comes with `accept`. */
  askElicitation(params: McpElicitationParams, signal: AbortSignal): Promise<{ action: 'accept' | 'decline' | 'cancel'; content?: Record<string, ElicitationValue> }>;
  /** A server's state or tools changed. */
  statusChanged(info: McpServerInfo): void;
  /** A server's stderr line or a lifecycle note. */
  log(server: string, message: string): void;
  /** A progress note for the chat of the turn that runs the tool. */
  progress(turn: TurnRef, note: StatusNote): void;
}
