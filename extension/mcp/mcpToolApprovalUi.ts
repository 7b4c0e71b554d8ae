import * as vscode from 'vscode';
import type { McpToolApprovalParams } from '../../protocol/lspMethods';
import type { PendingApprovals } from '../approvals/pendingApprovals';
import type { ProposalDocuments } from '../approvals/proposalDocuments';
import { reviewColumn, showReviewDiff } from '../reviewColumn';

export type McpToolDecision = 'accept' | 'reject' | 'alwaysAllow';

/** Arguments longer than this are cut on the card (the model's arguments can be huge); the tool still gets all of them. */
const MAX_ARGUMENTS_SHOWN = 20_000;

function argumentsJson(args: Record<string, unknown>): string {
  const text = JSON.stringify(args, null, 2) ?? '{}';
  return text.length > MAX_ARGUMENTS_SHOWN ? `${text.slice(0, MAX_ARGUMENTS_SHOWN)}\n… (${text.length - MAX_ARGUMENTS_SHOWN} more characters)` : text;
}

async function closeDiff(current: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === current.toString());
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
}

/**
 * Asks whether one MCP tool call may run, as a card in the chat (in the tool
 * call's row): the server, the tool and its arguments, with Allow once,
 * Always allow (this tool, as long as its definition stays the same) and
 * Reject. When the tool's definition changed since the user approved it, the
 * old and new definitions open side by side too ("Show the change" on the
 * card reopens them). A cancelled request (the turn was stopped) counts as a rejection.
 */
export async function askMcpToolApproval(params: McpToolApprovalParams, documents: ProposalDocuments, approvals: PendingApprovals, token: vscode.CancellationToken): Promise<McpToolDecision> {
  const { id, answer } = approvals.ask(
    {
      kind: 'mcpTool',
      sessionId: params.sessionId,
      entryId: params.entryId,
      callId: params.callId,
      server: params.server,
      source: params.source,
      tool: params.tool,
      argumentsJson: argumentsJson(params.arguments),
      description: params.definition.description,
      definitionChanged: params.previousDefinition !== undefined,
    },
    token,
  );
  let approved: vscode.Uri | undefined;
  let current: vscode.Uri | undefined;
  try {
    if (params.previousDefinition) {
      const file = `${params.toolName.replace(/[^\w.-]/g, '_')}.json`;
      const left = documents.create('approved', file, `${JSON.stringify(params.previousDefinition, null, 2)}\n`);
      const right = documents.create('current', file, `${JSON.stringify(params.definition, null, 2)}\n`);
      approved = left;
      current = right;
      const column = reviewColumn();
      const show = () => showReviewDiff(left, right, `Hearth: ${params.toolName} definition (approved ↔ now)`, column, true);
      approvals.setDiff(id, show);
      await show();
    }
    const decision = await answer;
    return decision === 'accept' || decision === 'alwaysAllow' ? decision : 'reject';
  } finally {
    if (current) await closeDiff(current);
    if (approved && current) documents.release(approved, current);
  }
}
