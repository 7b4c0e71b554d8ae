import * as vscode from 'vscode';
import type { EditDecision, EditDiffs } from './editApprovalUi';
import { showErrorMessage, showWarningMessage } from '../notifications';

/**
 * Why the accepted change must not be written to `uri` now, asked of the
 * language server right before the write (see EditTargetCheckRequest), or
 * undefined when it may be written.
 */
export type EditTargetCheck = (uri: vscode.Uri) => Promise<string | undefined>;

/** Asks `check`; a check that cannot run refuses, since the write would go unchecked. */
async function refusalFor(check: EditTargetCheck, uri: vscode.Uri): Promise<string | undefined> {
  try {
    return await check(uri);
  } catch (err) {
    return `it could not be checked (${err instanceof Error ? err.message : String(err)})`;
  }
}

/**
 * The review path for editor actions (Fix, Document, Refactor, Write tests):
 * the proposed change is shown in the same diff editor as the agent's edits,
 * answered with the diff editor's Accept / Reject actions (closing the diff
 * rejects it), and an accepted change is applied to the open document as a
 * normal edit, so Ctrl+Z undoes it and nothing is saved for the user.
 */
export async function reviewEdit(diffs: EditDiffs, check: EditTargetCheck, edit: { uri: vscode.Uri; range: vscode.Range; newText: string; title: string }): Promise<boolean> {
  const document = await vscode.workspace.openTextDocument(edit.uri);
  const oldContent = document.getText();
  const newContent = oldContent.slice(0, document.offsetAt(edit.range.start)) + edit.newText + oldContent.slice(document.offsetAt(edit.range.end));
  const version = document.version;
  let decide: (decision: EditDecision) => void = () => undefined;
  const decided = new Promise<EditDecision>((resolve) => (decide = resolve));
  // This review has no chat card, so the status bar says where the answer goes until it is given.
  const hint = vscode.window.setStatusBarMessage('$(diff) Hearth: review the change, then Accept or Reject in the diff editor’s title bar');
  const diff = await diffs.open({ relativePath: vscode.workspace.asRelativePath(edit.uri), oldContent, newContent }, (d) => decide(d), {
    allowAcceptAll: false,
    title: edit.title,
    // The user asked for this change and reviews it now: the diff takes focus, which also shows its Accept / Reject actions (VS Code shows editor actions for the active group only).
    takeFocus: true,
  });
  try {
    const decision = await Promise.race([decided, diff.closedByUser.then(() => 'reject' as const)]);
    if (decision !== 'accept') return false;
    if (document.version !== version) {
      void showWarningMessage('Hearth did not apply the change: the file changed while the diff was open. Run the action again.');
      return false;
    }
    const refusal = await refusalFor(check, edit.uri);
    if (refusal) {
      void showWarningMessage(`Hearth did not apply the change to ${vscode.workspace.asRelativePath(edit.uri)}: ${refusal}. Run the action again.`);
      return false;
    }
    const workspaceEdit = new vscode.WorkspaceEdit();
    workspaceEdit.replace(edit.uri, edit.range, edit.newText);
    return vscode.workspace.applyEdit(workspaceEdit);
  } finally {
    hint.dispose();
    await diff.close();
  }
}

/**
 * The review path for a file an editor action creates (Write Tests): the
 * new file is shown as a diff against nothing, in the same diff editor as the
 * agent's edits, with its Accept / Reject actions. Accepting creates the file
 * with its content through one workspace edit (so the file exists on disk,
 * not as an unsaved buffer, and the creation is in the editor's undo
 * history) and opens it. Rejecting or closing the diff creates nothing.
 */
export async function reviewNewFile(diffs: EditDiffs, check: EditTargetCheck, file: { uri: vscode.Uri; content: string; title: string }): Promise<boolean> {
  let decide: (decision: EditDecision) => void = () => undefined;
  const decided = new Promise<EditDecision>((resolve) => (decide = resolve));
  const hint = vscode.window.setStatusBarMessage('$(diff) Hearth: review the new file, then Accept or Reject in the diff editor’s title bar');
  const relativePath = vscode.workspace.asRelativePath(file.uri);
  const diff = await diffs.open({ relativePath, oldContent: null, newContent: file.content }, (d) => decide(d), { allowAcceptAll: false, title: file.title, takeFocus: true });
  try {
    const decision = await Promise.race([decided, diff.closedByUser.then(() => 'reject' as const)]);
    // The review is over once answered: the hint and the diff go before anything else is awaited.
    hint.dispose();
    await diff.close();
    if (decision !== 'accept') return false;
    const exists = await vscode.workspace.fs.stat(file.uri).then(() => true, () => false);
    if (exists) {
      void showWarningMessage(`Hearth did not create ${relativePath}: a file by that name appeared while the diff was open. Run the action again.`);
      return false;
    }
    // A dangling symlink put there meanwhile is no file to stat, and creating the file would create its target.
    const refusal = await refusalFor(check, file.uri);
    if (refusal) {
      void showWarningMessage(`Hearth did not create ${relativePath}: ${refusal}. Run the action again.`);
      return false;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.createFile(file.uri, { ignoreIfExists: false, contents: new TextEncoder().encode(file.content) });
    if (!(await vscode.workspace.applyEdit(edit))) {
      void showErrorMessage(`Hearth could not create ${relativePath}. Check that its folder is writable, then run the action again.`);
      return false;
    }
    await vscode.window.showTextDocument(file.uri, { preview: false });
    return true;
  } finally {
    hint.dispose();
    await diff.close();
  }
}
