import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { EditTargetCheckRequest, ProblemsRequest, SessionExportRequest, ToolChangeRequest, UndoTurnRequest, WorkspaceTrustNotification } from '../protocol/lspMethods';
import { ProposalDocuments } from './approvals/proposalDocuments';
import { EditDiffs } from './approvals/editApprovalUi';
import { diffTitle } from './approvals/diffTitle';
import type { PendingApprovals } from './approvals/pendingApprovals';
import { registerApprovalRequests } from './approvals/registerApprovalRequests';
import { reviewEdit, reviewNewFile } from './approvals/reviewEdit';
import { problemsFromDiagnostics } from './problemsFromDiagnostics';
import { showErrorMessage, showInformationMessage } from './notifications';

/** The URI scheme of the read-only documents that show a change the agent already made. */
const MADE_CHANGE_SCHEME = 'hearth-change';

/**
 * What the agent's tools need from the editor: the user's approvals (cards
 * in the chat, and the diff editor for edits), VS Code's diagnostics and
 * Workspace Trust, plus the user's Undo and Export actions. The decisions are
 * the user's; nothing here runs a tool.
 */
export function registerAgentBridge(context: vscode.ExtensionContext, client: LanguageClient, approvals: PendingApprovals): {
  undoTurn(sessionId: string, entryId: string): Promise<{ restored: string[]; removed: string[] } | undefined>;
  exportSession(sessionId: string): Promise<void>;
  reviewEdit(edit: { uri: vscode.Uri; range: vscode.Range; newText: string; title: string }): Promise<boolean>;
  reviewNewFile(file: { uri: vscode.Uri; content: string; title: string }): Promise<boolean>;
  openToolChange(sessionId: string, entryId: string, callId: string): Promise<void>;
} {
  const documents = new ProposalDocuments();
  // Changes already made are shown from a scheme of their own: the diff editor's Accept / Reject
  // actions are only for proposals, and a past change has nothing left to decide.
  const madeChanges = new ProposalDocuments(MADE_CHANGE_SCHEME);
  const diffs = new EditDiffs(documents);
  const checkTarget = async (uri: vscode.Uri): Promise<string | undefined> => (await client.sendRequest(EditTargetCheckRequest.type, { uri: uri.toString() })).refusal;
  registerApprovalRequests(context, client, approvals, diffs);
  context.subscriptions.push(
    documents,
    madeChanges,
    diffs,
    client.onRequest(ProblemsRequest.type, (params) => ({ problems: problemsFromDiagnostics(params.relativePath) })),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client.sendNotification(WorkspaceTrustNotification.type, { trusted: true })),
  );
  void client.sendNotification(WorkspaceTrustNotification.type, { trusted: vscode.workspace.isTrusted });

  return {
    reviewEdit: (edit) => reviewEdit(diffs, checkTarget, edit),
    reviewNewFile: (file) => reviewNewFile(diffs, checkTarget, file),
    async undoTurn(sessionId, entryId) {
      try {
        const result = await client.sendRequest(UndoTurnRequest.type, { sessionId, entryId });
        const count = result.restored.length + result.removed.length;
        vscode.window.setStatusBarMessage(`$(discard) Hearth restored ${count} file${count === 1 ? '' : 's'}`, 4000);
        return result;
      } catch (err) {
        void showErrorMessage(`Hearth could not undo that reply: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    },
    async openToolChange(sessionId, entryId, callId) {
      let change;
      try {
        change = await client.sendRequest(ToolChangeRequest.type, { sessionId, entryId, callId });
      } catch (err) {
        void showInformationMessage(`Hearth cannot show that change: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      const before = madeChanges.create('before', change.relativePath, change.before ?? '');
      const after = madeChanges.create('after', change.relativePath, change.after);
      const verb = change.before === null ? 'created' : 'changed';
      // The two sides are kept only while their diff is open.
      const watch = vscode.window.tabGroups.onDidChangeTabs((e) => {
        if (e.closed.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === after.toString())) {
          watch.dispose();
          madeChanges.release(before, after);
        }
      });
      context.subscriptions.push(watch);
      await vscode.commands.executeCommand('vscode.diff', before, after, diffTitle(change.relativePath, `${verb} by Hearth's ${change.toolName}`), { preview: true });
    },
    async exportSession(sessionId) {
      const { markdown } = await client.sendRequest(SessionExportRequest.type, { sessionId });
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
      await vscode.window.showTextDocument(doc, { preview: false });
    },
  };
}
