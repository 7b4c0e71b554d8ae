import * as vscode from 'vscode';
import type { McpToolApprovalParams } from '../../protocol/lspMethods';
import type { ProposalDocuments } from '../approvals/proposalDocuments';

export type McpToolDecision = 'accept' | 'reject' | 'alwaysAllow';

const ALLOW = 'Allow';
const ALWAYS = 'Always Allow';
const REJECT = 'Reject';
const MAX_ARGUMENTS_SHOWN = 400;

function argumentsText(args: Record<string, unknown>): string {
  const text = JSON.stringify(args);
  return text.length > MAX_ARGUMENTS_SHOWN ? `${text.slice(0, MAX_ARGUMENTS_SHOWN)}…` : text;
}

async function closeDiff(current: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === current.toString());
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
}

/**
 * Asks whether one MCP tool call may run, in a notification that does not
 * take focus: the server, the tool and its arguments, with Allow, Always
 * Allow (this tool, as long as its definition stays the same) and Reject.
 * When the tool's definition changed since the user approved it, the old and
 * new definitions open side by side first. A cancelled request (the turn was
 * stopped) counts as a rejection.
 */
export async function askMcpToolApproval(params: McpToolApprovalParams, documents: ProposalDocuments, token: vscode.CancellationToken): Promise<McpToolDecision> {
  const changed = params.previousDefinition !== undefined;
  let approved: vscode.Uri | undefined;
  let current: vscode.Uri | undefined;
  try {
    if (params.previousDefinition) {
      const file = `${params.toolName.replace(/[^\w.-]/g, '_')}.json`;
      approved = documents.create('approved', file, `${JSON.stringify(params.previousDefinition, null, 2)}\n`);
      current = documents.create('current', file, `${JSON.stringify(params.definition, null, 2)}\n`);
      await vscode.commands.executeCommand('vscode.diff', approved, current, `Hearth: ${params.toolName} definition (approved ↔ now)`, {
        preview: false,
        preserveFocus: true,
        viewColumn: vscode.ViewColumn.Beside,
      });
    }
    const where = params.source === 'workspace' ? 'workspace MCP server' : 'MCP server';
    const message = changed
      ? `The ${where} "${params.server}" changed the definition of ${params.tool} since you approved it. Review the difference. Run it with ${argumentsText(params.arguments)}?`
      : `Hearth wants to run ${params.tool} from the ${where} "${params.server}" with ${argumentsText(params.arguments)}.`;
    const answer = new Promise<string | undefined>((resolve) => {
      void vscode.window.showWarningMessage(message, ALLOW, ALWAYS, REJECT).then(resolve);
    });
    const cancelled = new Promise<undefined>((resolve) => token.onCancellationRequested(() => resolve(undefined)));
    const choice = await Promise.race([answer, cancelled]);
    if (token.isCancellationRequested) return 'reject';
    if (choice === ALLOW) return 'accept';
    if (choice === ALWAYS) return 'alwaysAllow';
    return 'reject';
  } finally {
    if (current) await closeDiff(current);
    if (approved && current) documents.release(approved, current);
  }
}
