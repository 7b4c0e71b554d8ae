import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CommandApprovalRequest, EditApprovalRequest, ProblemsRequest, ReadApprovalRequest, SessionExportRequest, UndoTurnRequest, WorkspaceTrustNotification } from '../protocol/lspMethods';
import { ProposalDocuments } from './approvals/proposalDocuments';
import { askEditApproval } from './approvals/editApprovalUi';
import { askCommandApproval } from './approvals/commandApprovalUi';
import { reviewEdit } from './approvals/reviewEdit';
import { problemsFromDiagnostics } from './problemsFromDiagnostics';

/**
 * What the agent's tools need from the editor: the user's approvals (diff
 * editor, command prompt), VS Code's diagnostics and Workspace Trust, plus
 * the user's Undo and Export actions. The decisions are the user's; nothing
 * here runs a tool.
 */
export function registerAgentBridge(context: vscode.ExtensionContext, client: LanguageClient): {
  undoTurn(sessionId: string, entryId: string): Promise<{ restored: string[]; removed: string[] } | undefined>;
  exportSession(sessionId: string): Promise<void>;
  reviewEdit(edit: { uri: vscode.Uri; range: vscode.Range; newText: string; title: string }): Promise<boolean>;
} {
  const documents = new ProposalDocuments();
  context.subscriptions.push(
    documents,
    client.onRequest(EditApprovalRequest.type, async (params, token) => ({ decision: await askEditApproval(params, documents, token) })),
    client.onRequest(CommandApprovalRequest.type, async (params, token) => ({ decision: await askCommandApproval(params, token) })),
    client.onRequest(ReadApprovalRequest.type, async (params, token) => {
      const answer = await Promise.race([
        vscode.window.showWarningMessage(`Hearth wants to read ${params.relativePath}: ${params.reason}`, 'Allow', 'Reject'),
        new Promise<undefined>((resolve) => token.onCancellationRequested(() => resolve(undefined))),
      ]);
      return { decision: !token.isCancellationRequested && answer === 'Allow' ? 'accept' : 'reject' };
    }),
    client.onRequest(ProblemsRequest.type, (params) => ({ problems: problemsFromDiagnostics(params.relativePath) })),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client.sendNotification(WorkspaceTrustNotification.type, { trusted: true })),
  );
  void client.sendNotification(WorkspaceTrustNotification.type, { trusted: vscode.workspace.isTrusted });

  return {
    reviewEdit: (edit) => reviewEdit(documents, edit),
    async undoTurn(sessionId, entryId) {
      try {
        const result = await client.sendRequest(UndoTurnRequest.type, { sessionId, entryId });
        const count = result.restored.length + result.removed.length;
        vscode.window.setStatusBarMessage(`$(discard) Hearth restored ${count} file${count === 1 ? '' : 's'}`, 4000);
        return result;
      } catch (err) {
        void vscode.window.showErrorMessage(`Hearth could not undo that reply: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    },
    async exportSession(sessionId) {
      const { markdown } = await client.sendRequest(SessionExportRequest.type, { sessionId });
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
      await vscode.window.showTextDocument(doc, { preview: false });
    },
  };
}
