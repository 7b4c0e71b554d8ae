import * as vscode from 'vscode';
import type { CodeReviewResult, ReviewFinding, ReviewSeverity } from '../../protocol/lspMethods';
import type { ReviewEditRequest } from '../actions/registerEditorActions';
import { reviewCommentBody } from './reviewCommentBody';
import { showWarningMessage } from '../notifications';

const SEVERITY_LABELS: Record<ReviewSeverity, string> = {
  bug: 'Bug',
  security: 'Security',
  performance: 'Performance',
  maintainability: 'Maintainability',
  style: 'Style',
};


function toRange(r: ReviewFinding['range']): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/**
 * Where a fix applies now: the lines the model read, where they were, or
 * else the one place they moved to (lines added or removed above them since
 * the review). Once those lines themselves changed, or appear more than once,
 * the fix no longer fits and there is none.
 */
export function fixRange(document: Pick<vscode.TextDocument, 'getText' | 'positionAt' | 'offsetAt'>, fix: NonNullable<ReviewFinding['fix']>): vscode.Range | undefined {
  const range = toRange(fix.range);
  const eol = (text: string) => text.replace(/\r\n/g, '\n');
  if (eol(document.getText(range)) === fix.oldText) return range;
  const text = eol(document.getText());
  const at = text.indexOf(fix.oldText);
  const wholeLines = (i: number) => (i === 0 || text[i - 1] === '\n') && (i + fix.oldText.length === text.length || text[i + fix.oldText.length] === '\n');
  if (at < 0 || !wholeLines(at) || text.indexOf(fix.oldText, at + 1) >= 0 || document.getText().includes('\r\n')) return undefined;
  return new vscode.Range(document.positionAt(at), document.positionAt(at + fix.oldText.length));
}

/**
 * The findings of the latest review as comment threads in the editor, where
 * the code is: one thread per finding on its lines, with **Apply Fix** when
 * the finding has one and **Dismiss**. A new review replaces the last one's
 * threads. The text is the model's: it is rendered as untrusted Markdown (no
 * command links, no HTML, images only as links: see reviewCommentBody.ts),
 * and a fix changes nothing until the user accepts it in the same diff
 * review every other change goes through.
 */
export class ReviewComments implements vscode.Disposable {
  private readonly controller = vscode.comments.createCommentController('hearth.review', 'Hearth Review');
  private readonly findings = new Map<vscode.CommentThread, ReviewFinding>();

  constructor(private readonly reviewEdit: (edit: ReviewEditRequest) => Promise<boolean>) {}

  /** Replaces the threads shown with `result`'s; returns the threads in the order of the findings. */
  show(result: CodeReviewResult): vscode.CommentThread[] {
    this.clear();
    const author = result.agent ? `Hearth @${result.agent} · ${result.model}` : `Hearth · ${result.model}`;
    return result.findings.map((finding) => {
      const body = new vscode.MarkdownString(reviewCommentBody(finding));
      body.isTrusted = false;
      body.supportHtml = false;
      const comment: vscode.Comment = { body, mode: vscode.CommentMode.Preview, author: { name: author }, label: SEVERITY_LABELS[finding.severity] };
      const thread = this.controller.createCommentThread(vscode.Uri.parse(finding.uri), toRange(finding.range), [comment]);
      thread.canReply = false;
      thread.label = `${SEVERITY_LABELS[finding.severity]}: ${finding.title}`;
      thread.contextValue = finding.fix ? 'hearthFindingWithFix' : 'hearthFinding';
      thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
      this.findings.set(thread, finding);
      return thread;
    });
  }

  /** Shows the finding's fix as a diff to accept or reject; an accepted fix resolves its thread. */
  async applyFix(thread: vscode.CommentThread): Promise<void> {
    const finding = this.findings.get(thread);
    if (!finding?.fix) return;
    const uri = vscode.Uri.parse(finding.uri);
    const document = await vscode.workspace.openTextDocument(uri);
    const range = fixRange(document, finding.fix);
    if (!range) {
      void showWarningMessage(`Hearth: ${vscode.workspace.asRelativePath(uri)} changed at these lines since the review, so the fix no longer fits. Review again to get a fresh one.`);
      return;
    }
    const accepted = await this.reviewEdit({ uri, range, newText: finding.fix.newText, title: `Hearth: fix “${finding.title}” in ${vscode.workspace.asRelativePath(uri)}` });
    if (accepted) this.dismiss(thread);
  }

  dismiss(thread: vscode.CommentThread): void {
    this.findings.delete(thread);
    thread.dispose();
  }

  clear(): void {
    for (const thread of this.findings.keys()) thread.dispose();
    this.findings.clear();
  }

  dispose(): void {
    this.clear();
    this.controller.dispose();
  }
}
