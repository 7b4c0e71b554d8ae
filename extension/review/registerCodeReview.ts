import * as vscode from 'vscode';
import type { SecretsFiles } from '../mentions/withholdRefusedDiffs';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { CodeReviewRequest, type CodeReviewParams, type CodeReviewResult } from '../../protocol/lspMethods';
import type { ReviewEditRequest } from '../actions/registerEditorActions';
import { actionTarget } from '../actions/actionTarget';
import { pickRepository, type RepositoryHint } from '../actions/stagedDiff';
import { collectReviewChanges, type ReviewScope } from './collectReviewChanges';
import { ReviewComments } from './reviewComments';
import { isCancelledRequest, requestErrorMessage } from '../requestErrors';
import { inertMarkdown } from '../../protocol/inertMarkdown';
import { showErrorMessage, showInformationMessage, showWarningMessage } from '../notifications';

export interface CodeReviewDeps {
  client: Pick<BaseLanguageClient, 'sendRequest' | 'code2ProtocolConverter'>;
  reviewEdit(edit: ReviewEditRequest): Promise<boolean>;
  /** Which changed files are secrets files (the language server's `hearth/files/secrets`): the review names them, never reads them. */
  secretsFiles: SecretsFiles;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The sentence after a review: what it found, what it left out, and what it dropped. */
export function reviewSummary(result: CodeReviewResult): string {
  const by = result.agent ? `@${result.agent} · ${result.model}` : result.model;
  const files = new Set(result.findings.map((f) => f.uri)).size;
  const found =
    result.findings.length === 0
      ? `Hearth reviewed ${plural(result.reviewedFiles.length, 'file')} (${by}) and found nothing to comment on.`
      : `Hearth left ${plural(result.findings.length, 'comment')} on ${plural(files, 'file')} (${by}).`;
  const leftOut = result.leftOut.length > 0 ? ` Not reviewed: ${result.leftOut.map((f) => `${f.path} (${f.reason})`).join(', ')}.` : '';
  const dropped = result.dropped > 0 ? ` ${plural(result.dropped, 'comment')} pointed outside the reviewed lines and ${result.dropped === 1 ? 'was' : 'were'} left out.` : '';
  const beyond = result.beyondLimit ? ` ${plural(result.beyondLimit, 'less serious comment')} past the first ${result.findings.length} ${result.beyondLimit === 1 ? 'was' : 'were'} left out.` : '';
  return `${found}${leftOut}${dropped}${beyond}`;
}

/**
 * Review Uncommitted Changes (the Source Control title bar, the command
 * palette), Review Staged Changes (the Staged Changes group, the palette)
 * and Review Selection (the editor's Hearth menu): the reviewer
 * role reads the code and its findings become comments on the lines they
 * are about, each with Apply Fix (through the diff review) and Dismiss.
 */
export function registerCodeReview(context: vscode.ExtensionContext, deps: CodeReviewDeps): ReviewComments {
  const { client } = deps;
  const comments = new ReviewComments((edit) => deps.reviewEdit(edit));
  context.subscriptions.push(comments);
  const register = (id: string, run: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, run));

  async function runReview(params: CodeReviewParams, title: string): Promise<void> {
    let result: CodeReviewResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        // Cancelling the notification cancels the LSP request, which aborts the model request.
        (_progress, token) => client.sendRequest(CodeReviewRequest.type, params, token),
      );
    } catch (err) {
      if (!isCancelledRequest(err)) void showErrorMessage(`Hearth: ${requestErrorMessage(err)}`);
      return;
    }
    if (result.unreadable !== undefined) {
      const open = 'Open the Answer';
      const picked = await showWarningMessage(`Hearth: ${result.model}'s answer could not be read as review comments (it was not the JSON asked for). Try again, or pick a larger model for the reviewer (hearth.agent.roleModels).`, open);
      // Inert, as comment threads are: previewing the model's answer must not fetch the images it names.
      if (picked === open) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: inertMarkdown(result.unreadable), language: 'markdown' }));
      return;
    }
    const threads = comments.show(result);
    const summary = reviewSummary(result);
    if (threads.length === 0) return void showInformationMessage(summary);
    const first = result.findings[0];
    // The first (most serious) finding opens where it is, so the comments are in view.
    const editor = await vscode.window.showTextDocument(vscode.Uri.parse(first.uri), { preview: false });
    const at = new vscode.Range(first.range.start.line, 0, first.range.start.line, 0);
    editor.revealRange(at, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    editor.selection = new vscode.Selection(at.start, at.start);
    void showInformationMessage(summary);
  }

  async function reviewRepository(scope: ReviewScope, from?: RepositoryHint): Promise<void> {
    // A repository's own git config can make git run programs: as for @changes, git runs only in a trusted workspace.
    if (!vscode.workspace.isTrusted) return void showWarningMessage('Hearth: reviewing changes runs git, which a repository\u2019s config can make run programs. Trust the workspace first.');
    const repository = await pickRepository(from, 'review');
    if (typeof repository === 'string') return void showWarningMessage(`Hearth: ${repository}`);
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const { changes, withheld } = await collectReviewChanges(repository, folders, scope, deps.secretsFiles);
    if (changes.length === 0 && withheld.length === 0) return void showInformationMessage(`Hearth: there are no ${scope} changes to review.`);
    await runReview({ changes, withheld }, `Hearth: Reviewing ${plural(changes.length, scope === 'staged' ? 'staged file' : 'changed file')}…`);
  }

  // From the Source Control title bar (a source control), the Staged Changes group (a resource group), or the palette (nothing).
  register('hearth.review.changes', (from?: RepositoryHint) => reviewRepository('uncommitted', from));
  register('hearth.review.staged', (from?: RepositoryHint) => reviewRepository('staged', from));

  register('hearth.review.selection', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return void showInformationMessage('Hearth: open a file and select the code to review.');
    const range = editor.selection.isEmpty ? await actionTarget(editor) : editor.selection;
    const params: CodeReviewParams = { selection: { textDocument: { uri: editor.document.uri.toString() }, range: client.code2ProtocolConverter.asRange(range) } };
    await runReview(params, `Hearth: Reviewing ${vscode.workspace.asRelativePath(editor.document.uri)}…`);
  });

  register('hearth.review.applyFix', (thread: vscode.CommentThread) => comments.applyFix(thread));
  register('hearth.review.dismiss', (thread: vscode.CommentThread) => comments.dismiss(thread));
  register('hearth.review.clear', () => comments.clear());
  return comments;
}
