import * as vscode from 'vscode';
import type { EditApprovalParams } from '../../protocol/lspMethods';
import type { ProposalDocuments } from './proposalDocuments';

export type EditDecision = 'accept' | 'reject' | 'acceptAllForTurn';

const ACCEPT = 'Accept';
const REJECT = 'Reject';
const ACCEPT_ALL = 'Accept All in This Reply';

/** Closes the diff tabs showing `proposed`. */
async function closeDiff(proposed: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === proposed.toString());
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs, true);
}

/**
 * Shows a proposed file change in VS Code's diff editor, beside the user's
 * editor and without taking focus, and asks Accept / Reject / Accept all in
 * a notification (which does not take focus either). A cancelled request (the
 * turn was stopped) closes the diff and counts as a rejection.
 */
export async function askEditApproval(
  params: Pick<EditApprovalParams, 'relativePath' | 'oldContent' | 'newContent'>,
  documents: ProposalDocuments,
  token: vscode.CancellationToken,
  options: { allowAcceptAll: boolean; title?: string } = { allowAcceptAll: true },
): Promise<EditDecision> {
  const original = documents.create('original', params.relativePath, params.oldContent ?? '');
  const proposed = documents.create('proposed', params.relativePath, params.newContent);
  const verb = params.oldContent === null ? 'create' : 'change';
  try {
    await vscode.commands.executeCommand('vscode.diff', original, proposed, options.title ?? `Hearth: ${params.relativePath} (proposed ${verb})`, {
      preview: false,
      preserveFocus: true,
      viewColumn: vscode.ViewColumn.Beside,
    });
    const answer = new Promise<string | undefined>((resolve) => {
      const buttons = options.allowAcceptAll ? [ACCEPT, REJECT, ACCEPT_ALL] : [ACCEPT, REJECT];
      void vscode.window.showInformationMessage(`Hearth wants to ${verb} ${params.relativePath}. Review the diff, then accept or reject.`, ...buttons).then(resolve);
    });
    const cancelled = new Promise<undefined>((resolve) => token.onCancellationRequested(() => resolve(undefined)));
    const choice = await Promise.race([answer, cancelled]);
    if (token.isCancellationRequested) return 'reject';
    if (choice === ACCEPT) return 'accept';
    if (choice === ACCEPT_ALL) return 'acceptAllForTurn';
    return 'reject';
  } finally {
    await closeDiff(proposed);
    documents.release(original, proposed);
  }
}
