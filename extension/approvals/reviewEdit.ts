import * as vscode from 'vscode';
import type { ProposalDocuments } from './proposalDocuments';
import { askEditApproval } from './editApprovalUi';

/**
 * The review path for editor actions (Fix, Document, Refactor, Write tests):
 * the proposed change is shown in the same diff editor and Accept / Reject
 * prompt as the agent's edits, and an accepted change is applied to the open
 * document as a normal edit, so Ctrl+Z undoes it and nothing is saved for the user.
 */
export async function reviewEdit(documents: ProposalDocuments, edit: { uri: vscode.Uri; range: vscode.Range; newText: string; title: string }): Promise<boolean> {
  const document = await vscode.workspace.openTextDocument(edit.uri);
  const oldContent = document.getText();
  const newContent = oldContent.slice(0, document.offsetAt(edit.range.start)) + edit.newText + oldContent.slice(document.offsetAt(edit.range.end));
  const version = document.version;
  const source = new vscode.CancellationTokenSource();
  try {
    const decision = await askEditApproval({ relativePath: vscode.workspace.asRelativePath(edit.uri), oldContent, newContent }, documents, source.token, { allowAcceptAll: false, title: edit.title });
    if (decision === 'reject') return false;
    if (document.version !== version) {
      void vscode.window.showWarningMessage('Hearth did not apply the change: the file changed while the diff was open. Run the action again.');
      return false;
    }
    const workspaceEdit = new vscode.WorkspaceEdit();
    workspaceEdit.replace(edit.uri, edit.range, edit.newText);
    return vscode.workspace.applyEdit(workspaceEdit);
  } finally {
    source.dispose();
  }
}
